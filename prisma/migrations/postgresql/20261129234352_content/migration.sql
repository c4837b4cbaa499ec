-- AlterTable
ALTER TABLE "Artifact" ADD COLUMN     "contentHash" TEXT,
ADD COLUMN     "currentVersionId" TEXT;

-- CreateTable
CREATE TABLE "ContentBlob" (
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ContentBlob_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "ArtifactVersion" (
    "id" TEXT NOT NULL,
    "artifactId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "contentHash" TEXT NOT NULL,
    "sourceRef" TEXT,
    "commit" TEXT,
    "createdBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ArtifactVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ArtifactFile" (
    "versionId" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "mediaType" TEXT NOT NULL,

    CONSTRAINT "ArtifactFile_pkey" PRIMARY KEY ("versionId","path")
);

-- CreateIndex
CREATE UNIQUE INDEX "ArtifactVersion_artifactId_number_key" ON "ArtifactVersion"("artifactId", "number");

-- CreateIndex
CREATE INDEX "ArtifactFile_sha256_idx" ON "ArtifactFile"("sha256");

-- AddForeignKey
ALTER TABLE "ArtifactVersion" ADD CONSTRAINT "ArtifactVersion_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtifactFile" ADD CONSTRAINT "ArtifactFile_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ArtifactVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ArtifactFile" ADD CONSTRAINT "ArtifactFile_sha256_fkey" FOREIGN KEY ("sha256") REFERENCES "ContentBlob"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;

