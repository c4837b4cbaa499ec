-- AlterTable
ALTER TABLE "ArtifactScore" ADD COLUMN "upstreamCheckedAt" DATETIME;
ALTER TABLE "ArtifactScore" ADD COLUMN "upstreamCommits90d" INTEGER;
ALTER TABLE "ArtifactScore" ADD COLUMN "upstreamLastCommitAt" DATETIME;

