-- CreateTable
CREATE TABLE "DeployOutcome" (
    "artifactId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "fits" BOOLEAN NOT NULL,
    "reason" TEXT,
    "at" DATETIME NOT NULL,

    PRIMARY KEY ("artifactId", "target"),
    CONSTRAINT "DeployOutcome_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ArtifactScore" (
    "artifactId" TEXT NOT NULL PRIMARY KEY,
    "ratingCount" INTEGER NOT NULL DEFAULT 0,
    "ratingSum" INTEGER NOT NULL DEFAULT 0,
    "matchResolvedCount" INTEGER NOT NULL DEFAULT 0,
    "matchConfirmedConfidence" REAL NOT NULL DEFAULT 0,
    "communitySignals" JSONB,
    "upstreamLastCommitAt" DATETIME,
    "upstreamCommits90d" INTEGER,
    "upstreamCheckedAt" DATETIME,
    "compatTargets" INTEGER NOT NULL DEFAULT 0,
    "compatFits" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ArtifactScore_artifactId_fkey" FOREIGN KEY ("artifactId") REFERENCES "Artifact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ArtifactScore" ("artifactId", "communitySignals", "matchConfirmedConfidence", "matchResolvedCount", "ratingCount", "ratingSum", "updatedAt", "upstreamCheckedAt", "upstreamCommits90d", "upstreamLastCommitAt") SELECT "artifactId", "communitySignals", "matchConfirmedConfidence", "matchResolvedCount", "ratingCount", "ratingSum", "updatedAt", "upstreamCheckedAt", "upstreamCommits90d", "upstreamLastCommitAt" FROM "ArtifactScore";
DROP TABLE "ArtifactScore";
ALTER TABLE "new_ArtifactScore" RENAME TO "ArtifactScore";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

