-- CreateTable
CREATE TABLE "UsageEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "artifactId" TEXT NOT NULL,
    "projectId" TEXT,
    "actor" TEXT,
    "at" DATETIME NOT NULL,
    "day" TEXT NOT NULL
);

-- CreateIndex
CREATE INDEX "UsageEvent_at_idx" ON "UsageEvent"("at");

-- CreateIndex
CREATE INDEX "UsageEvent_artifactId_at_idx" ON "UsageEvent"("artifactId", "at");

-- CreateIndex
CREATE INDEX "UsageEvent_projectId_at_idx" ON "UsageEvent"("projectId", "at");

