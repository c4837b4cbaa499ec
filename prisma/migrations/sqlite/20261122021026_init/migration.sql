-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "scopes" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Collection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL DEFAULT '1.0.0',
    "description" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Artifact" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "collectionId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "qualityScore" REAL NOT NULL DEFAULT 50,
    CONSTRAINT "Artifact_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "Collection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Tag" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "color" TEXT,
    "description" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ArtifactTag" (
    "artifactId" TEXT NOT NULL,
    "tagId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("artifactId", "tagId"),
    CONSTRAINT "ArtifactTag_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ArtifactTag_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "Tag" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Group" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "collectionId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "color" TEXT,
    "icon" TEXT,
    "position" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Group_collectionId_fkey" FOREIGN KEY ("collectionId") REFERENCES "Collection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "GroupMember" (
    "groupId" TEXT NOT NULL,
    "artifactId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    PRIMARY KEY ("groupId", "artifactId"),
    CONSTRAINT "GroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "GroupMember_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "phase" TEXT,
    "message" TEXT,
    "input" JSONB NOT NULL,
    "result" JSONB,
    "error" TEXT,
    "checkpoint" JSONB,
    "prompt" JSONB,
    "responses" JSONB,
    "waitingUntil" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL,
    "runAfter" DATETIME NOT NULL,
    "resume" BOOLEAN NOT NULL DEFAULT false,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 0,
    "eventSequence" INTEGER NOT NULL DEFAULT 0,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "completedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "JobEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "jobId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "progress" INTEGER NOT NULL,
    "phase" TEXT,
    "message" TEXT,
    "attempt" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "JobEvent_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TrainingExample" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "taskDescription" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "qualityScore" REAL NOT NULL,
    "humanRating" REAL,
    "successRate" REAL NOT NULL DEFAULT 1,
    "usageCount" INTEGER NOT NULL DEFAULT 0,
    "lastUsedAt" DATETIME,
    "tags" JSONB NOT NULL,
    "input" JSONB,
    "expectedOutput" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "McpServer" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "title" TEXT,
    "description" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "document" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "McpServerEnv" (
    "serverId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "isSecret" BOOLEAN NOT NULL,
    "value" TEXT,
    "ciphertext" TEXT,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("serverId", "name"),
    CONSTRAINT "McpServerEnv_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "McpDeployment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "serverId" TEXT NOT NULL,
    "settingsPath" TEXT NOT NULL,
    "entryName" TEXT NOT NULL,
    "deployedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "McpDeployment_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "McpHealth" (
    "serverId" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL,
    "latencyMs" INTEGER,
    "toolCount" INTEGER,
    "serverName" TEXT,
    "serverVersion" TEXT,
    "protocolVersion" TEXT,
    "checkedAt" DATETIME NOT NULL,
    "lastSeen" DATETIME,
    "errorCount" INTEGER NOT NULL DEFAULT 0,
    "recentErrors" JSONB NOT NULL,
    CONSTRAINT "McpHealth_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "McpHealthCheck" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "serverId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "latencyMs" INTEGER,
    "toolCount" INTEGER,
    "error" TEXT,
    "checkedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "McpHealthCheck_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "McpServer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Medallion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "schemaVersion" TEXT NOT NULL DEFAULT 'medallion.v1',
    "model" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "scopeKey" TEXT NOT NULL,
    "activeScopeKey" TEXT,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "highLevel" TEXT NOT NULL,
    "subsystems" JSONB NOT NULL,
    "affordances" JSONB NOT NULL,
    "knowledgeMinTs" DATETIME NOT NULL,
    "knowledgeMaxTs" DATETIME NOT NULL,
    "supersededById" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Medallion_supersededById_fkey" FOREIGN KEY ("supersededById") REFERENCES "Medallion" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MedallionGraphNode" (
    "medallionId" TEXT NOT NULL,
    "node" TEXT NOT NULL,

    PRIMARY KEY ("medallionId", "node"),
    CONSTRAINT "MedallionGraphNode_medallionId_fkey" FOREIGN KEY ("medallionId") REFERENCES "Medallion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MedallionTag" (
    "medallionId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,

    PRIMARY KEY ("medallionId", "tag"),
    CONSTRAINT "MedallionTag_medallionId_fkey" FOREIGN KEY ("medallionId") REFERENCES "Medallion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MedallionDecision" (
    "medallionId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "statement" TEXT NOT NULL,
    "rationale" TEXT NOT NULL,
    "confidence" REAL NOT NULL,

    PRIMARY KEY ("medallionId", "key"),
    CONSTRAINT "MedallionDecision_medallionId_fkey" FOREIGN KEY ("medallionId") REFERENCES "Medallion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MedallionQuestion" (
    "medallionId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "question" TEXT NOT NULL,
    "blockedOn" JSONB NOT NULL,
    "priority" TEXT NOT NULL,

    PRIMARY KEY ("medallionId", "key"),
    CONSTRAINT "MedallionQuestion_medallionId_fkey" FOREIGN KEY ("medallionId") REFERENCES "Medallion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Rating" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "artifactId" TEXT NOT NULL,
    "raterId" TEXT NOT NULL,
    "rating" INTEGER NOT NULL,
    "feedback" TEXT,
    "shareWithCommunity" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Rating_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RatingEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "raterId" TEXT NOT NULL,
    "artifactId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "CommunityScore" (
    "artifactId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "score" REAL NOT NULL,
    "lastUpdated" DATETIME NOT NULL,
    "importedFrom" TEXT NOT NULL,
    "importedAt" DATETIME NOT NULL,

    PRIMARY KEY ("artifactId", "source"),
    CONSTRAINT "CommunityScore_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ArtifactMatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "artifactId" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "confidence" REAL NOT NULL,
    "confirmed" BOOLEAN,
    "recordedBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "confirmedAt" DATETIME,
    CONSTRAINT "ArtifactMatch_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ArtifactScore" (
    "artifactId" TEXT NOT NULL PRIMARY KEY,
    "ratingCount" INTEGER NOT NULL DEFAULT 0,
    "ratingSum" INTEGER NOT NULL DEFAULT 0,
    "matchResolvedCount" INTEGER NOT NULL DEFAULT 0,
    "matchConfirmedConfidence" REAL NOT NULL DEFAULT 0,
    "communitySignals" JSONB,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ArtifactScore_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Broker" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "url" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "rateLimit" INTEGER NOT NULL DEFAULT 60,
    "rateWindowMs" INTEGER NOT NULL DEFAULT 60000,
    "etag" TEXT,
    "lastSyncedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "MarketplaceListing" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "rating" REAL NOT NULL DEFAULT 0,
    "signature" TEXT,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "tagText" TEXT NOT NULL DEFAULT '',
    "withdrawnAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "MarketplaceListing_brokerId_fkey" FOREIGN KEY ("brokerId") REFERENCES "Broker" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ListingTag" (
    "listingId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,

    PRIMARY KEY ("listingId", "tag"),
    CONSTRAINT "ListingTag_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "MarketplaceListing" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ListingArtifact" (
    "listingId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "artifactId" TEXT,

    PRIMARY KEY ("listingId", "position"),
    CONSTRAINT "ListingArtifact_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "MarketplaceListing" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Submission" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "submitter" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "license" TEXT NOT NULL,
    "homepage" TEXT,
    "repository" TEXT,
    "tags" JSONB NOT NULL,
    "artifactIds" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "errors" JSONB NOT NULL,
    "warnings" JSONB NOT NULL,
    "osiApproved" BOOLEAN NOT NULL,
    "feedback" TEXT,
    "reviewedBy" TEXT,
    "submittedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "reviewedAt" DATETIME,
    "listingId" TEXT,
    CONSTRAINT "Submission_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "MarketplaceListing" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PublisherConsent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "actor" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "acceptedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "eventType" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "at" DATETIME NOT NULL,
    "previousHash" TEXT NOT NULL,
    "eventHash" TEXT NOT NULL
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

