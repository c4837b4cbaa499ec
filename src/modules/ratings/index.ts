// ratings: ratings, community signals, match history and the scores computed from them (owns the
// Rating, RatingEvent, CommunityScore, ArtifactMatch and ArtifactScore tables).
import type { RatingService } from "./service.js";

export { RatingService, raterOf, type RateInput, type RatingPatch } from "./service.js";
export type { ArtifactScores, DeployOutcomeInput, ScoreData } from "./aggregates.js";
export type { CommunityScoreRow } from "./community.js";
export type { MatchInput } from "./matches.js";
export { MAX_FEEDBACK, MAX_IMPORT_ROWS, RATE_LIMIT, RATE_WINDOW_MS } from "./rules.js";
export { computeScores, CONFIDENCE_WEIGHTS, TRUST_PRIORS } from "./scoring.js";
export { scoresRecomputeKind } from "./kinds/scores-recompute.js";

declare module "../../lib/services.js" {
  interface Services {
    ratings: RatingService;
  }
}
