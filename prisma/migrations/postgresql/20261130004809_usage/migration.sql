-- CreateEnum
CREATE TYPE "UsageKind" AS ENUM ('IMPORT', 'DEPLOY', 'UNDEPLOY', 'SYNC', 'UPDATE', 'INSTALL');

-- CreateTable
CREATE TABLE "UsageEvent" (
    "id" TEXT NOT NULL,
    "kind" "UsageKind" NOT NULL,
    "artifactId" TEXT NOT NULL,
    "projectId" TEXT,
    "actor" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "day" TEXT NOT NULL,

    CONSTRAINT "UsageEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UsageEvent_at_idx" ON "UsageEvent"("at");

-- CreateIndex
CREATE INDEX "UsageEvent_artifactId_at_idx" ON "UsageEvent"("artifactId", "at");

-- CreateIndex
CREATE INDEX "UsageEvent_projectId_at_idx" ON "UsageEvent"("projectId", "at");

