// Training-example formulas: how an outcome moves an example's scores, which examples to pick,
// and what the set as a whole lacks. Pure: no I/O.

export interface ExampleScores {
  qualityScore: number;
  successRate: number;
}

/** quality = 0.8·old + 0.2·new; success = 0.9·old + 0.1·(passed ? 1 : 0). */
export function applyOutcome(old: ExampleScores, outcome: { quality: number; passed: boolean }): ExampleScores {
  return {
    qualityScore: 0.8 * old.qualityScore + 0.2 * outcome.quality,
    successRate: 0.9 * old.successRate + 0.1 * (outcome.passed ? 1 : 0),
  };
}

/** The selection score: 0.6·quality + 0.4·success. */
export function selectionScore(e: ExampleScores): number {
  return 0.6 * e.qualityScore + 0.4 * e.successRate;
}

export const QUALITY_BUCKETS = [
  { label: "0.0–0.2", min: 0, max: 0.2 },
  { label: "0.2–0.4", min: 0.2, max: 0.4 },
  { label: "0.4–0.6", min: 0.4, max: 0.6 },
  { label: "0.6–0.8", min: 0.6, max: 0.8 },
  { label: "0.8–1.0", min: 0.8, max: 1.0000001 },
] as const;

export interface AnalyticsInput extends ExampleScores {
  id: string;
  category: string;
}

export interface TrainingAnalytics {
  total: number;
  averageQuality: number;
  qualityDistribution: { range: string; count: number }[];
  categories: { category: string; count: number }[];
  /** Categories with fewer than half the mean number of examples per category. */
  underRepresentedCategories: string[];
  topPerformerIds: string[];
  recommendations: string[];
}

export function analyse(examples: AnalyticsInput[], top = 5): TrainingAnalytics {
  const total = examples.length;
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.category, (counts.get(e.category) ?? 0) + 1);
  const categories = [...counts].map(([category, count]) => ({ category, count })).sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
  const mean = categories.length ? total / categories.length : 0;
  const low = examples.filter((e) => e.qualityScore < 0.5).length;
  const recommendations: string[] = [];
  if (total > 0 && low / total > 0.3) {
    recommendations.push(`${Math.round((low / total) * 100)}% of examples score below 0.5 (more than 30%): review, improve or retire them.`);
  }
  if (categories.length < 3) {
    recommendations.push(`Only ${categories.length} categor${categories.length === 1 ? "y" : "ies"} (fewer than 3): add examples from more categories.`);
  }
  return {
    total,
    averageQuality: total ? examples.reduce((s, e) => s + e.qualityScore, 0) / total : 0,
    qualityDistribution: QUALITY_BUCKETS.map((b) => ({ range: b.label, count: examples.filter((e) => e.qualityScore >= b.min && e.qualityScore < b.max).length })),
    categories,
    underRepresentedCategories: categories.filter((c) => c.count < mean / 2).map((c) => c.category),
    topPerformerIds: [...examples].sort((a, b) => selectionScore(b) - selectionScore(a) || a.id.localeCompare(b.id)).slice(0, top).map((e) => e.id),
    recommendations,
  };
}
