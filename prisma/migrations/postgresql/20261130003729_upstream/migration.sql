-- CreateEnum
CREATE TYPE "UpstreamStatus" AS ENUM ('UP_TO_DATE', 'UPDATE_AVAILABLE', 'ERROR');

-- CreateTable
CREATE TABLE "ArtifactUpstream" (
    "artifactId" TEXT NOT NULL,
    "status" "UpstreamStatus" NOT NULL,
    "latestCommit" TEXT,
    "commitsBehind" INTEGER,
    "commitsLast90Days" INTEGER,
    "lastCommitAt" TIMESTAMP(3),
    "error" TEXT,
    "checkedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ArtifactUpstream_pkey" PRIMARY KEY ("artifactId")
);

-- CreateIndex
CREATE INDEX "ArtifactUpstream_status_idx" ON "ArtifactUpstream"("status");

-- AddForeignKey
ALTER TABLE "ArtifactUpstream" ADD CONSTRAINT "ArtifactUpstream_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

