-- CreateTable
CREATE TABLE "OptimizerRecommendationRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "inputs" JSONB NOT NULL,
    "optimizer" TEXT NOT NULL,
    "confidence" REAL NOT NULL,
    "estimatedCostUsd" REAL NOT NULL,
    "estimatedMinutes" INTEGER NOT NULL,
    "qualityTarget" REAL NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcomeOptimizer" TEXT,
    "outcomeQuality" REAL,
    "outcomeAt" DATETIME
);

-- CreateIndex
CREATE INDEX "OptimizerRecommendationRecord_createdAt_idx" ON "OptimizerRecommendationRecord"("createdAt");

