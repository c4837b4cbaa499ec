// scores.recompute: rebuilds every artifact's score aggregate and sort key (RatingService.recomputeAll)
// as a job, so the admin who starts it (recomputeScores) can watch it and it survives a restart.
import { z } from "zod";
import { defineJobKind } from "../../jobs/index.js";

export interface ScoreRecomputer {
  recomputeAll(): Promise<{ artifactCount: number; ratingCount: number }>;
}

export function scoresRecomputeKind(ratings: ScoreRecomputer) {
  return defineJobKind({
    name: "scores.recompute",
    description: "Rebuilds every artifact's score aggregate and quality sort key from the ratings and matches, and prunes expired rate-limit entries.",
    input: z.object({}).strict(),
    scope: "admin",
    maxAttempts: 3,
    async run(ctx) {
      await ctx.progress(0, { phase: "recomputing", message: "Rebuilding score aggregates" });
      // One transaction: it either happens whole or is retried whole, so it needs no checkpoint.
      const result = await ratings.recomputeAll();
      await ctx.progress(100, { phase: "done", message: `Rebuilt ${result.artifactCount} artifacts from ${result.ratingCount} ratings` });
      return result;
    },
  });
}
