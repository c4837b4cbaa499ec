-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ArtifactType" AS ENUM ('SKILL', 'COMMAND', 'AGENT', 'HOOK', 'MCP', 'WORKFLOW', 'COMPOSITE');

-- CreateEnum
CREATE TYPE "ArtifactOrigin" AS ENUM ('LOCAL', 'GITHUB', 'MARKETPLACE');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('PENDING', 'RUNNING', 'PENDING_HITL', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "JobEventType" AS ENUM ('STATUS', 'PROGRESS');

-- CreateEnum
CREATE TYPE "McpHealthStatus" AS ENUM ('HEALTHY', 'DEGRADED', 'UNHEALTHY', 'UNKNOWN', 'NOT_DEPLOYED');

-- CreateEnum
CREATE TYPE "MedallionStatus" AS ENUM ('ACTIVE', 'STALE', 'SUPERSEDED');

-- CreateEnum
CREATE TYPE "MedallionQuestionPriority" AS ENUM ('LOW', 'MEDIUM', 'HIGH');

-- CreateEnum
CREATE TYPE "BrokerKind" AS ENUM ('LOCAL', 'HTTP_FEED');

-- CreateEnum
CREATE TYPE "ListingStatus" AS ENUM ('ACTIVE', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "SubmissionStatus" AS ENUM ('PENDING', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'REVISION_REQUESTED');

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Collection" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL DEFAULT '1.0.0',
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Collection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Artifact" (
    "id" TEXT NOT NULL,
    "collectionId" TEXT NOT NULL,
    "type" "ArtifactType" NOT NULL,
    "name" TEXT NOT NULL,
    "origin" "ArtifactOrigin" NOT NULL,
    "source" TEXT,
    "sourceOwner" TEXT,
    "sourceRepo" TEXT,
    "sourcePath" TEXT,
    "sourceVersion" TEXT,
    "versionSpec" TEXT,
    "resolvedVersion" TEXT,
    "resolvedSha" TEXT,
    "title" TEXT,
    "description" TEXT,
    "author" TEXT,
    "license" TEXT,
    "version" TEXT,
    "tools" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "qualityScore" DOUBLE PRECISION NOT NULL DEFAULT 50,

    CONSTRAINT "Artifact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Tag" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "color" TEXT,
    "description" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ArtifactTag" (
    "artifactId" TEXT NOT NULL,
    "tagId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ArtifactTag_pkey" PRIMARY KEY ("artifactId","tagId")
);

-- CreateTable
CREATE TABLE "Group" (
    "id" TEXT NOT NULL,
    "collectionId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "color" TEXT,
    "icon" TEXT,
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GroupMember" (
    "groupId" TEXT NOT NULL,
    "artifactId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "GroupMember_pkey" PRIMARY KEY ("groupId","artifactId")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'PENDING',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "phase" TEXT,
    "message" TEXT,
    "input" JSONB NOT NULL,
    "result" JSONB,
    "error" TEXT,
    "checkpoint" JSONB,
    "prompt" JSONB,
    "responses" JSONB,
    "waitingUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL,
    "runAfter" TIMESTAMP(3) NOT NULL,
    "resume" BOOLEAN NOT NULL DEFAULT false,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 0,
    "eventSequence" INTEGER NOT NULL DEFAULT 0,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobEvent" (
    "id" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "type" "JobEventType" NOT NULL,
    "status" "JobStatus" NOT NULL,
    "progress" INTEGER NOT NULL,
    "phase" TEXT,
    "message" TEXT,
    "attempt" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JobEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrainingExample" (
    "id" TEXT NOT NULL,
    "taskDescription" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "qualityScore" DOUBLE PRECISION NOT NULL,
    "humanRating" DOUBLE PRECISION,
    "successRate" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "usageCount" INTEGER NOT NULL DEFAULT 0,
    "lastUsedAt" TIMESTAMP(3),
    "tags" JSONB NOT NULL,
    "input" JSONB,
    "expectedOutput" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TrainingExample_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "McpServer" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "document" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "McpServer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "McpServerEnv" (
    "serverId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "isSecret" BOOLEAN NOT NULL,
    "value" TEXT,
    "ciphertext" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "McpServerEnv_pkey" PRIMARY KEY ("serverId","name")
);

-- CreateTable
CREATE TABLE "McpDeployment" (
    "id" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "settingsPath" TEXT NOT NULL,
    "entryName" TEXT NOT NULL,
    "deployedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "McpDeployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "McpHealth" (
    "serverId" TEXT NOT NULL,
    "status" "McpHealthStatus" NOT NULL,
    "latencyMs" INTEGER,
    "toolCount" INTEGER,
    "serverName" TEXT,
    "serverVersion" TEXT,
    "protocolVersion" TEXT,
    "checkedAt" TIMESTAMP(3) NOT NULL,
    "lastSeen" TIMESTAMP(3),
    "errorCount" INTEGER NOT NULL DEFAULT 0,
    "recentErrors" JSONB NOT NULL,

    CONSTRAINT "McpHealth_pkey" PRIMARY KEY ("serverId")
);

-- CreateTable
CREATE TABLE "McpHealthCheck" (
    "id" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "status" "McpHealthStatus" NOT NULL,
    "latencyMs" INTEGER,
    "toolCount" INTEGER,
    "error" TEXT,
    "checkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "McpHealthCheck_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Medallion" (
    "id" TEXT NOT NULL,
    "schemaVersion" TEXT NOT NULL DEFAULT 'medallion.v1',
    "model" TEXT NOT NULL,
    "status" "MedallionStatus" NOT NULL DEFAULT 'ACTIVE',
    "scopeKey" TEXT NOT NULL,
    "activeScopeKey" TEXT,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "highLevel" TEXT NOT NULL,
    "subsystems" JSONB NOT NULL,
    "affordances" JSONB NOT NULL,
    "knowledgeMinTs" TIMESTAMP(3) NOT NULL,
    "knowledgeMaxTs" TIMESTAMP(3) NOT NULL,
    "supersededById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Medallion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MedallionGraphNode" (
    "medallionId" TEXT NOT NULL,
    "node" TEXT NOT NULL,

    CONSTRAINT "MedallionGraphNode_pkey" PRIMARY KEY ("medallionId","node")
);

-- CreateTable
CREATE TABLE "MedallionTag" (
    "medallionId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,

    CONSTRAINT "MedallionTag_pkey" PRIMARY KEY ("medallionId","tag")
);

-- CreateTable
CREATE TABLE "MedallionDecision" (
    "medallionId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "statement" TEXT NOT NULL,
    "rationale" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "MedallionDecision_pkey" PRIMARY KEY ("medallionId","key")
);

-- CreateTable
CREATE TABLE "MedallionQuestion" (
    "medallionId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "question" TEXT NOT NULL,
    "blockedOn" JSONB NOT NULL,
    "priority" "MedallionQuestionPriority" NOT NULL,

    CONSTRAINT "MedallionQuestion_pkey" PRIMARY KEY ("medallionId","key")
);

-- CreateTable
CREATE TABLE "Rating" (
    "id" TEXT NOT NULL,
    "artifactId" TEXT NOT NULL,
    "raterId" TEXT NOT NULL,
    "rating" INTEGER NOT NULL,
    "feedback" TEXT,
    "shareWithCommunity" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Rating_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RatingEvent" (
    "id" TEXT NOT NULL,
    "raterId" TEXT NOT NULL,
    "artifactId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RatingEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommunityScore" (
    "artifactId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "lastUpdated" TIMESTAMP(3) NOT NULL,
    "importedFrom" TEXT NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CommunityScore_pkey" PRIMARY KEY ("artifactId","source")
);

-- CreateTable
CREATE TABLE "ArtifactMatch" (
    "id" TEXT NOT NULL,
    "artifactId" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "confirmed" BOOLEAN,
    "recordedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "confirmedAt" TIMESTAMP(3),

    CONSTRAINT "ArtifactMatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ArtifactScore" (
    "artifactId" TEXT NOT NULL,
    "ratingCount" INTEGER NOT NULL DEFAULT 0,
    "ratingSum" INTEGER NOT NULL DEFAULT 0,
    "matchResolvedCount" INTEGER NOT NULL DEFAULT 0,
    "matchConfirmedConfidence" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "communitySignals" JSONB,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ArtifactScore_pkey" PRIMARY KEY ("artifactId")
);

-- CreateTable
CREATE TABLE "Broker" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "BrokerKind" NOT NULL,
    "url" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "rateLimit" INTEGER NOT NULL DEFAULT 60,
    "rateWindowMs" INTEGER NOT NULL DEFAULT 60000,
    "etag" TEXT,
    "lastSyncedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Broker_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MarketplaceListing" (
    "id" TEXT NOT NULL,
    "brokerId" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "publisher" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "version" TEXT NOT NULL,
    "license" TEXT NOT NULL,
    "priceCents" INTEGER NOT NULL DEFAULT 0,
    "sourceUrl" TEXT,
    "bundleUrl" TEXT,
    "homepage" TEXT,
    "repository" TEXT,
    "downloads" INTEGER NOT NULL DEFAULT 0,
    "rating" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "signature" TEXT,
    "status" "ListingStatus" NOT NULL DEFAULT 'ACTIVE',
    "tagText" TEXT NOT NULL DEFAULT '',
    "withdrawnAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MarketplaceListing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ListingTag" (
    "listingId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,

    CONSTRAINT "ListingTag_pkey" PRIMARY KEY ("listingId","tag")
);

-- CreateTable
CREATE TABLE "ListingArtifact" (
    "listingId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "type" "ArtifactType" NOT NULL,
    "name" TEXT NOT NULL,
    "artifactId" TEXT,

    CONSTRAINT "ListingArtifact_pkey" PRIMARY KEY ("listingId","position")
);

-- CreateTable
CREATE TABLE "Submission" (
    "id" TEXT NOT NULL,
    "submitter" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "license" TEXT NOT NULL,
    "homepage" TEXT,
    "repository" TEXT,
    "tags" JSONB NOT NULL,
    "artifactIds" JSONB NOT NULL,
    "status" "SubmissionStatus" NOT NULL DEFAULT 'PENDING',
    "errors" JSONB NOT NULL,
    "warnings" JSONB NOT NULL,
    "osiApproved" BOOLEAN NOT NULL,
    "feedback" TEXT,
    "reviewedBy" TEXT,
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "reviewedAt" TIMESTAMP(3),
    "listingId" TEXT,

    CONSTRAINT "Submission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PublisherConsent" (
    "id" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "acceptedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PublisherConsent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" SERIAL NOT NULL,
    "eventType" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "previousHash" TEXT NOT NULL,
    "eventHash" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_name_key" ON "ApiToken"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Collection_name_key" ON "Collection"("name");

-- CreateIndex
CREATE INDEX "Artifact_type_idx" ON "Artifact"("type");

-- CreateIndex
CREATE INDEX "Artifact_origin_idx" ON "Artifact"("origin");

-- CreateIndex
CREATE INDEX "Artifact_name_idx" ON "Artifact"("name");

-- CreateIndex
CREATE INDEX "Artifact_updatedAt_idx" ON "Artifact"("updatedAt");

-- CreateIndex
CREATE INDEX "Artifact_qualityScore_idx" ON "Artifact"("qualityScore");

-- CreateIndex
CREATE UNIQUE INDEX "Artifact_collectionId_type_name_key" ON "Artifact"("collectionId", "type", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Tag_name_key" ON "Tag"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Tag_slug_key" ON "Tag"("slug");

-- CreateIndex
CREATE INDEX "ArtifactTag_tagId_idx" ON "ArtifactTag"("tagId");

-- CreateIndex
CREATE INDEX "Group_collectionId_position_idx" ON "Group"("collectionId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Group_collectionId_name_key" ON "Group"("collectionId", "name");

-- CreateIndex
CREATE INDEX "GroupMember_artifactId_idx" ON "GroupMember"("artifactId");

-- CreateIndex
CREATE INDEX "GroupMember_groupId_position_idx" ON "GroupMember"("groupId", "position");

-- CreateIndex
CREATE INDEX "Job_status_runAfter_idx" ON "Job"("status", "runAfter");

-- CreateIndex
CREATE INDEX "Job_status_leaseExpiresAt_idx" ON "Job"("status", "leaseExpiresAt");

-- CreateIndex
CREATE INDEX "Job_status_waitingUntil_idx" ON "Job"("status", "waitingUntil");

-- CreateIndex
CREATE INDEX "Job_kind_createdAt_idx" ON "Job"("kind", "createdAt");

-- CreateIndex
CREATE INDEX "Job_createdBy_createdAt_idx" ON "Job"("createdBy", "createdAt");

-- CreateIndex
CREATE INDEX "Job_createdAt_idx" ON "Job"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "JobEvent_jobId_sequence_key" ON "JobEvent"("jobId", "sequence");

-- CreateIndex
CREATE INDEX "TrainingExample_category_idx" ON "TrainingExample"("category");

-- CreateIndex
CREATE INDEX "TrainingExample_qualityScore_idx" ON "TrainingExample"("qualityScore");

-- CreateIndex
CREATE UNIQUE INDEX "McpServer_name_key" ON "McpServer"("name");

-- CreateIndex
CREATE INDEX "McpServer_updatedAt_idx" ON "McpServer"("updatedAt");

-- CreateIndex
CREATE INDEX "McpDeployment_settingsPath_idx" ON "McpDeployment"("settingsPath");

-- CreateIndex
CREATE UNIQUE INDEX "McpDeployment_serverId_settingsPath_key" ON "McpDeployment"("serverId", "settingsPath");

-- CreateIndex
CREATE INDEX "McpHealthCheck_serverId_checkedAt_idx" ON "McpHealthCheck"("serverId", "checkedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Medallion_activeScopeKey_key" ON "Medallion"("activeScopeKey");

-- CreateIndex
CREATE INDEX "Medallion_updatedAt_id_idx" ON "Medallion"("updatedAt", "id");

-- CreateIndex
CREATE INDEX "Medallion_scopeKey_idx" ON "Medallion"("scopeKey");

-- CreateIndex
CREATE INDEX "Medallion_supersededById_idx" ON "Medallion"("supersededById");

-- CreateIndex
CREATE INDEX "MedallionGraphNode_node_medallionId_idx" ON "MedallionGraphNode"("node", "medallionId");

-- CreateIndex
CREATE INDEX "MedallionTag_tag_medallionId_idx" ON "MedallionTag"("tag", "medallionId");

-- CreateIndex
CREATE INDEX "MedallionDecision_medallionId_position_idx" ON "MedallionDecision"("medallionId", "position");

-- CreateIndex
CREATE INDEX "MedallionQuestion_medallionId_position_idx" ON "MedallionQuestion"("medallionId", "position");

-- CreateIndex
CREATE INDEX "Rating_artifactId_createdAt_idx" ON "Rating"("artifactId", "createdAt");

-- CreateIndex
CREATE INDEX "Rating_raterId_idx" ON "Rating"("raterId");

-- CreateIndex
CREATE INDEX "Rating_shareWithCommunity_createdAt_idx" ON "Rating"("shareWithCommunity", "createdAt");

-- CreateIndex
CREATE INDEX "RatingEvent_raterId_artifactId_createdAt_idx" ON "RatingEvent"("raterId", "artifactId", "createdAt");

-- CreateIndex
CREATE INDEX "RatingEvent_createdAt_idx" ON "RatingEvent"("createdAt");

-- CreateIndex
CREATE INDEX "ArtifactMatch_artifactId_createdAt_idx" ON "ArtifactMatch"("artifactId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Broker_name_key" ON "Broker"("name");

-- CreateIndex
CREATE INDEX "MarketplaceListing_status_downloads_idx" ON "MarketplaceListing"("status", "downloads");

-- CreateIndex
CREATE INDEX "MarketplaceListing_status_rating_idx" ON "MarketplaceListing"("status", "rating");

-- CreateIndex
CREATE INDEX "MarketplaceListing_status_createdAt_idx" ON "MarketplaceListing"("status", "createdAt");

-- CreateIndex
CREATE INDEX "MarketplaceListing_publisher_idx" ON "MarketplaceListing"("publisher");

-- CreateIndex
CREATE INDEX "MarketplaceListing_license_idx" ON "MarketplaceListing"("license");

-- CreateIndex
CREATE UNIQUE INDEX "MarketplaceListing_brokerId_listingId_key" ON "MarketplaceListing"("brokerId", "listingId");

-- CreateIndex
CREATE INDEX "ListingTag_tag_idx" ON "ListingTag"("tag");

-- CreateIndex
CREATE INDEX "ListingArtifact_artifactId_idx" ON "ListingArtifact"("artifactId");

-- CreateIndex
CREATE INDEX "Submission_status_submittedAt_idx" ON "Submission"("status", "submittedAt");

-- CreateIndex
CREATE INDEX "Submission_submitter_submittedAt_idx" ON "Submission"("submitter", "submittedAt");

-- CreateIndex
CREATE UNIQUE INDEX "PublisherConsent_actor_version_key" ON "PublisherConsent"("actor", "version");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_previousHash_key" ON "AuditEvent"("previousHash");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_eventHash_key" ON "AuditEvent"("eventHash");

-- CreateIndex
CREATE INDEX "AuditEvent_eventType_id_idx" ON "AuditEvent"("eventType", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_subject_id_idx" ON "AuditEvent"("subject", "id");

-- AddForeignKey
ALTER TABLE "Artifact" ADD CONSTRAINT "Artifact_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "Collection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtifactTag" ADD CONSTRAINT "ArtifactTag_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtifactTag" ADD CONSTRAINT "ArtifactTag_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Group" ADD CONSTRAINT "Group_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "Collection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupMember" ADD CONSTRAINT "GroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GroupMember" ADD CONSTRAINT "GroupMember_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JobEvent" ADD CONSTRAINT "JobEvent_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "McpServerEnv" ADD CONSTRAINT "McpServerEnv_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "McpDeployment" ADD CONSTRAINT "McpDeployment_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "McpHealth" ADD CONSTRAINT "McpHealth_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "McpHealthCheck" ADD CONSTRAINT "McpHealthCheck_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Medallion" ADD CONSTRAINT "Medallion_supersededById_fkey" FOREIGN KEY ("supersededById") REFERENCES "Medallion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MedallionGraphNode" ADD CONSTRAINT "MedallionGraphNode_medallionId_fkey" FOREIGN KEY ("medallionId") REFERENCES "Medallion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MedallionTag" ADD CONSTRAINT "MedallionTag_medallionId_fkey" FOREIGN KEY ("medallionId") REFERENCES "Medallion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MedallionDecision" ADD CONSTRAINT "MedallionDecision_medallionId_fkey" FOREIGN KEY ("medallionId") REFERENCES "Medallion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MedallionQuestion" ADD CONSTRAINT "MedallionQuestion_medallionId_fkey" FOREIGN KEY ("medallionId") REFERENCES "Medallion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rating" ADD CONSTRAINT "Rating_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommunityScore" ADD CONSTRAINT "CommunityScore_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtifactMatch" ADD CONSTRAINT "ArtifactMatch_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtifactScore" ADD CONSTRAINT "ArtifactScore_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MarketplaceListing" ADD CONSTRAINT "MarketplaceListing_brokerId_fkey" FOREIGN KEY ("brokerId") REFERENCES "Broker"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListingTag" ADD CONSTRAINT "ListingTag_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "MarketplaceListing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ListingArtifact" ADD CONSTRAINT "ListingArtifact_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "MarketplaceListing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Submission" ADD CONSTRAINT "Submission_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "MarketplaceListing"("id") ON DELETE SET NULL ON UPDATE CASCADE;

