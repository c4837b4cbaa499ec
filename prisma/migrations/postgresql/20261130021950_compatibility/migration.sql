-- AlterTable
ALTER TABLE "ArtifactScore" ADD COLUMN     "compatFits" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "compatTargets" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "DeployOutcome" (
    "artifactId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "fits" BOOLEAN NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeployOutcome_pkey" PRIMARY KEY ("artifactId","target")
);

-- AddForeignKey
ALTER TABLE "DeployOutcome" ADD CONSTRAINT "DeployOutcome_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

