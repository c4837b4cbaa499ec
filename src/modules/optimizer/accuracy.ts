// How well the selector's recommendations did, from the recorded recommendations and their
// reported outcomes (the seed's selector metrics). Pure: no I/O.
import type { OptimizerKind } from "./selector.js";

export interface RecordedRecommendation {
  optimizer: string;
  confidence: number;
  qualityTarget: number;
  outcomeOptimizer: string | null;
  outcomeQuality: number | null;
}

export interface OptimizerAccuracyByKind {
  optimizer: OptimizerKind;
  recommended: number;
  followed: number;
  hits: number;
}

export interface OptimizerAccuracy {
  /** Recommendations made. */
  recommendations: number;
  /** Those with an outcome reported. */
  withOutcome: number;
  /** Outcomes where the recommended optimizer was the one run. */
  followed: number;
  /** Followed recommendations whose run reached the quality target. */
  hits: number;
  /** hits / followed; null before any followed outcome. */
  hitRate: number | null;
  /** Mean confidence of the followed recommendations; null before any. */
  meanConfidence: number | null;
  /** meanConfidence − hitRate: positive when the selector is over-confident. */
  calibrationGap: number | null;
  byOptimizer: OptimizerAccuracyByKind[];
}

const round = (v: number) => Math.round(v * 1000) / 1000;

export function accuracyOf(rows: readonly RecordedRecommendation[], kinds: readonly OptimizerKind[]): OptimizerAccuracy {
  const reported = rows.filter((r) => r.outcomeOptimizer !== null && r.outcomeQuality !== null);
  const followed = reported.filter((r) => r.outcomeOptimizer === r.optimizer);
  const isHit = (r: RecordedRecommendation) => (r.outcomeQuality ?? 0) >= r.qualityTarget;
  const hits = followed.filter(isHit).length;
  const hitRate = followed.length ? round(hits / followed.length) : null;
  const meanConfidence = followed.length ? round(followed.reduce((s, r) => s + r.confidence, 0) / followed.length) : null;
  return {
    recommendations: rows.length,
    withOutcome: reported.length,
    followed: followed.length,
    hits,
    hitRate,
    meanConfidence,
    calibrationGap: hitRate === null || meanConfidence === null ? null : round(meanConfidence - hitRate),
    byOptimizer: kinds.map((optimizer) => ({
      optimizer,
      recommended: rows.filter((r) => r.optimizer === optimizer).length,
      followed: followed.filter((r) => r.optimizer === optimizer).length,
      hits: followed.filter((r) => r.optimizer === optimizer && isHit(r)).length,
    })),
  };
}
