-- AlterTable
ALTER TABLE "McpServer" ADD COLUMN     "approvedAt" TIMESTAMP(3),
ADD COLUMN     "approvedBy" TEXT,
ADD COLUMN     "approvedLaunchHash" TEXT,
ADD COLUMN     "launchHash" TEXT;

-- AlterTable
ALTER TABLE "McpHealthCheck" ADD COLUMN     "reason" TEXT;

-- One rating per rater and artifact (hand-written): keep each rater's newest rating of an
-- artifact, drop the older ones, and recount the aggregates the scores are read from. (The
-- quality sort keys of the artifacts concerned are rebuilt by the next scores.recompute job.)
DELETE FROM "Rating" WHERE "id" IN (
  SELECT r."id" FROM "Rating" r
  WHERE EXISTS (
    SELECT 1 FROM "Rating" n
    WHERE n."artifactId" = r."artifactId" AND n."raterId" = r."raterId"
      AND (n."updatedAt" > r."updatedAt" OR (n."updatedAt" = r."updatedAt" AND n."id" > r."id"))
  )
);
UPDATE "ArtifactScore" SET
  "ratingCount" = (SELECT COUNT(*) FROM "Rating" r WHERE r."artifactId" = "ArtifactScore"."artifactId"),
  "ratingSum" = (SELECT COALESCE(SUM(r."rating"), 0) FROM "Rating" r WHERE r."artifactId" = "ArtifactScore"."artifactId");

-- CreateIndex
CREATE UNIQUE INDEX "Rating_artifactId_raterId_key" ON "Rating"("artifactId", "raterId");

