-- AlterTable
ALTER TABLE "Artifact" ADD COLUMN "contentHash" TEXT;
ALTER TABLE "Artifact" ADD COLUMN "currentVersionId" TEXT;

-- CreateTable
CREATE TABLE "ContentBlob" (
    "sha256" TEXT NOT NULL PRIMARY KEY,
    "size" INTEGER NOT NULL,
    "data" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ArtifactVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "artifactId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "contentHash" TEXT NOT NULL,
    "sourceRef" TEXT,
    "commit" TEXT,
    "createdBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ArtifactVersion_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ArtifactFile" (
    "versionId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "mediaType" TEXT NOT NULL,

    PRIMARY KEY ("versionId", "path"),
    CONSTRAINT "ArtifactFile_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ArtifactVersion" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ArtifactFile_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "ContentBlob" ("sha256") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ArtifactVersion_artifactId_number_key" ON "ArtifactVersion"("artifactId", "number");

-- CreateIndex
CREATE INDEX "ArtifactFile_sha256_idx" ON "ArtifactFile"("sha256");

