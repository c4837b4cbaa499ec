-- AlterTable
ALTER TABLE "ArtifactScore" ADD COLUMN     "upstreamCheckedAt" TIMESTAMP(3),
ADD COLUMN     "upstreamCommits90d" INTEGER,
ADD COLUMN     "upstreamLastCommitAt" TIMESTAMP(3);

