// The score formulas, pure: no I/O, no clock of their own. Every score is 0–100.
//
//   user rating  U = (W·50 + Σ (rᵢ − 1)·25) / (W + n)            W = 5 (prior weight), rᵢ ∈ 1..5
//   community    C = mean over sources of sₛ · max(0.4, 0.95^monthsₛ)  (prior 50 with no source)
//   maintenance  M = 0.6·100·0.5^(d/90) + 0.4·100·min(1, c/10)   (git-imported artifacts with an
//                  upstream check: d = days since the newest commit on the artifact's path, c =
//                  commits on it in the 90 days before the check; prior 50 without a check)
//   compat.      K = 100 · f / t                                 (t = deploy targets (projects) the
//                  artifact was deployed to, f = those where its last deploy fit: its type has a
//                  folder there, none of its declared tools is denied by the target's settings, and
//                  the deploy ran without errors; prior 50 with no target)
//   quality      Q = 0.4·U + 0.3·C + 0.2·M + 0.1·K
//   trust        T = (W·P + Σ (rᵢ − 1)·25) / (W + n)             P = prior by origin (official 95,
//                                                                  verified 80, GitHub 60, local 50, unknown 40)
//   match        X = 100 · Σ confirmed cᵢ / resolved matches        (none when no match is resolved)
//   confidence   = 0.25·T + 0.25·Q + 0.5·X, or 0.5·T + 0.5·Q without a match score
// monthsₛ = days since the source's lastUpdated / 30 (never negative).

export const SCHEMA_VERSION = "1";
export const PRIOR_WEIGHT = 5;
export const RATING_PRIOR = 50;
export const COMMUNITY_PRIOR = 50;
export const MAINTENANCE_PRIOR = 50;
export const COMPATIBILITY_PRIOR = 50;
export const MONTHLY_DECAY = 0.95;
export const DECAY_FLOOR = 0.4;
export const DAYS_PER_MONTH = 30;
const DAY_MS = 86_400_000;
/** Maintenance: recency halves every this many days; this many commits in 90 days is full activity. */
export const MAINTENANCE_HALF_LIFE_DAYS = 90;
export const MAINTENANCE_FULL_ACTIVITY = 10;
export const MAINTENANCE_WEIGHTS = { recency: 0.6, activity: 0.4 } as const;

export const WEIGHTS = { userRating: 0.4, community: 0.3, maintenance: 0.2, compatibility: 0.1 } as const;
export const CONFIDENCE_WEIGHTS = {
  withMatch: { trust: 0.25, quality: 0.25, match: 0.5 },
  withoutMatch: { trust: 0.5, quality: 0.5 },
} as const;

export const TRUST_PRIORS = { official: 95, verified: 80, github: 60, local: 50, unknown: 40 } as const;
export type TrustTier = keyof typeof TRUST_PRIORS;
/** GitHub owners whose artifacts count as official. */
export const OFFICIAL_OWNERS: ReadonlySet<string> = new Set(["anthropics"]);

export function clamp(value: number, min = 0, max = 100): number {
  return Math.min(max, Math.max(min, value));
}

/** A 1–5 rating on the 0–100 scale: (r − 1) × 25. */
export function scaleRating(rating: number): number {
  return (rating - 1) * 25;
}

/** Bayesian average of `count` ratings summing to `sum`, pulled toward `prior` with weight PRIOR_WEIGHT. */
export function bayesianRating(sum: number, count: number, prior = RATING_PRIOR): number {
  if (count <= 0) return clamp(prior);
  const scaledSum = 25 * (sum - count); // Σ (rᵢ − 1)·25
  return clamp((PRIOR_WEIGHT * prior + scaledSum) / (PRIOR_WEIGHT + count));
}

/** The multiplier for a signal last updated at `lastUpdated`: 0.95 per month, never below 0.4. */
export function decayFactor(lastUpdated: Date, now: Date): number {
  const months = Math.max(0, now.getTime() - lastUpdated.getTime()) / (DAYS_PER_MONTH * DAY_MS);
  return Math.max(DECAY_FLOOR, MONTHLY_DECAY ** months);
}

export interface CommunitySignal {
  source: string;
  score: number;
  lastUpdated: Date;
}

/** Mean of the decayed signals; null when there is none (the caller uses the prior). */
export function communityValue(signals: readonly CommunitySignal[], now: Date): number | null {
  if (signals.length === 0) return null;
  const total = signals.reduce((acc, s) => acc + clamp(s.score) * decayFactor(s.lastUpdated, now), 0);
  return clamp(total / signals.length);
}

/** Upstream activity of a git-imported artifact, as of its last successful check. */
export interface MaintenanceSignal {
  lastCommitAt: Date;
  commitsLast90Days: number;
}

/** 0.6 · recency + 0.4 · activity; recency halves every 90 days since the last commit (never negative days). */
export function maintenanceValue(signal: MaintenanceSignal | null | undefined, now: Date): number | null {
  if (!signal) return null;
  const days = Math.max(0, now.getTime() - signal.lastCommitAt.getTime()) / DAY_MS;
  const recency = 100 * 0.5 ** (days / MAINTENANCE_HALF_LIFE_DAYS);
  const activity = 100 * Math.min(1, Math.max(0, signal.commitsLast90Days) / MAINTENANCE_FULL_ACTIVITY);
  return clamp(MAINTENANCE_WEIGHTS.recency * recency + MAINTENANCE_WEIGHTS.activity * activity);
}

/** Deploy outcomes of an artifact: each target's last deploy counts once. */
export interface CompatibilitySignal {
  targets: number;
  fits: number;
}

/** 100 × targets fitted / targets deployed to; null with no target (the caller uses the prior). */
export function compatibilityValue(signal: CompatibilitySignal | null | undefined): number | null {
  if (!signal || signal.targets <= 0) return null;
  return clamp((100 * Math.min(signal.targets, Math.max(0, signal.fits))) / signal.targets);
}

export interface TrustInput {
  origin: "LOCAL" | "GITHUB" | "MARKETPLACE";
  sourceOwner: string | null;
  /** Set when a marketplace listing is verified; nothing sets it yet. */
  verified?: boolean;
}

export function trustTier(a: TrustInput): TrustTier {
  if (a.sourceOwner && OFFICIAL_OWNERS.has(a.sourceOwner.toLowerCase())) return "official";
  if (a.verified) return "verified";
  if (a.origin === "GITHUB") return "github";
  if (a.origin === "LOCAL") return "local";
  return "unknown";
}

/** 100 × Σ confidence of confirmed matches / number of resolved matches; null with none resolved. */
export function matchValue(resolvedCount: number, confirmedConfidenceSum: number): number | null {
  if (resolvedCount <= 0) return null;
  return clamp((100 * confirmedConfidenceSum) / resolvedCount);
}

export interface ScoreInputs {
  artifact: TrustInput;
  ratingCount: number;
  ratingSum: number;
  community: readonly CommunitySignal[];
  matchResolvedCount: number;
  matchConfirmedConfidence: number;
  /** Upstream activity (git-imported artifacts with a successful check); none → the prior. */
  maintenance?: MaintenanceSignal | null;
  /** Deploy outcomes per target (the projects module reports them); none → the prior. */
  compatibility?: CompatibilitySignal | null;
}

export interface ScoreComponent {
  name: "userRating" | "community" | "maintenance" | "compatibility";
  weight: number;
  value: number;
  isPrior: boolean;
}

export interface Scores {
  qualityScore: number;
  trustScore: number;
  trustTier: TrustTier;
  confidence: number;
  matchScore: number | null;
  userRating: { average: number | null; count: number; bayesian: number };
  communityScore: number;
  maintenanceScore: number;
  compatibilityScore: number;
  components: ScoreComponent[];
  schemaVersion: string;
}

export function computeScores(input: ScoreInputs, now: Date): Scores {
  const { ratingCount: n, ratingSum: sum } = input;
  const user = bayesianRating(sum, n);
  const communityMeasured = communityValue(input.community, now);
  const community = communityMeasured ?? COMMUNITY_PRIOR;
  const maintenanceMeasured = maintenanceValue(input.maintenance, now);
  const maintenance = maintenanceMeasured ?? MAINTENANCE_PRIOR;
  const compatibilityMeasured = compatibilityValue(input.compatibility);
  const compatibility = compatibilityMeasured ?? COMPATIBILITY_PRIOR;
  const components: ScoreComponent[] = [
    { name: "userRating", weight: WEIGHTS.userRating, value: user, isPrior: n === 0 },
    { name: "community", weight: WEIGHTS.community, value: community, isPrior: communityMeasured === null },
    { name: "maintenance", weight: WEIGHTS.maintenance, value: maintenance, isPrior: maintenanceMeasured === null },
    { name: "compatibility", weight: WEIGHTS.compatibility, value: compatibility, isPrior: compatibilityMeasured === null },
  ];
  const quality = clamp(components.reduce((acc, c) => acc + c.weight * c.value, 0));
  const tier = trustTier(input.artifact);
  const trust = bayesianRating(sum, n, TRUST_PRIORS[tier]);
  const match = matchValue(input.matchResolvedCount, input.matchConfirmedConfidence);
  const w = CONFIDENCE_WEIGHTS;
  const confidence = clamp(
    match === null
      ? w.withoutMatch.trust * trust + w.withoutMatch.quality * quality
      : w.withMatch.trust * trust + w.withMatch.quality * quality + w.withMatch.match * match,
  );
  return {
    qualityScore: quality,
    trustScore: trust,
    trustTier: tier,
    confidence,
    matchScore: match,
    userRating: { average: n > 0 ? sum / n : null, count: n, bayesian: user },
    communityScore: community,
    maintenanceScore: maintenance,
    compatibilityScore: compatibility,
    components,
    schemaVersion: SCHEMA_VERSION,
  };
}
