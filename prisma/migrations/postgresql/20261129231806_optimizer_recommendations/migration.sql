-- CreateTable
CREATE TABLE "OptimizerRecommendationRecord" (
    "id" TEXT NOT NULL,
    "inputs" JSONB NOT NULL,
    "optimizer" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "estimatedCostUsd" DOUBLE PRECISION NOT NULL,
    "estimatedMinutes" INTEGER NOT NULL,
    "qualityTarget" DOUBLE PRECISION NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcomeOptimizer" TEXT,
    "outcomeQuality" DOUBLE PRECISION,
    "outcomeAt" TIMESTAMP(3),

    CONSTRAINT "OptimizerRecommendationRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OptimizerRecommendationRecord_createdAt_idx" ON "OptimizerRecommendationRecord"("createdAt");

