-- CreateTable
CREATE TABLE "ArtifactUpstream" (
    "artifactId" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL,
    "latestCommit" TEXT,
    "commitsBehind" INTEGER,
    "commitsLast90Days" INTEGER,
    "lastCommitAt" DATETIME,
    "error" TEXT,
    "checkedAt" DATETIME NOT NULL,
    CONSTRAINT "ArtifactUpstream_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ArtifactUpstream_status_idx" ON "ArtifactUpstream"("status");

