// Which prompt optimizer to run for a skill, by the upstream decision rules (skill-fleet's
// optimizer selector), with cost, time and confidence estimates. Pure: no I/O.

export type OptimizerKind = "REFLECTION_METRICS" | "GEPA" | "MIPROV2" | "BOOTSTRAP_FEW_SHOT" | "BOOTSTRAP_FINETUNE";
export type Intensity = "light" | "medium" | "heavy";

export interface OptimizerContext {
  trainsetSize: number;
  budgetUsd: number;
  /** 0–1 */
  qualityTarget: number;
  /** 0–1, higher = harder (recorded; the rules do not use it yet) */
  complexityScore: number;
  domain: string;
  timeConstraintMinutes?: number | null;
  previousOptimizer?: OptimizerKind | null;
}

/** A past run: which optimizer, in which domain, and the quality it reached (0–1). */
export interface OptimizerRun {
  domain: string;
  optimizer: OptimizerKind;
  quality: number;
}

export interface OptimizerConfiguration {
  auto: Intensity;
  maxBootstrappedDemos: number;
  maxLabeledDemos: number;
  numThreads: number;
  numCandidates: number;
  numIters: number;
}

export interface OptimizerAlternative {
  optimizer: OptimizerKind;
  estimatedCostUsd: number;
  estimatedMinutes: number;
  /** Expected quality loss against the recommendation (negative: a gain). */
  qualityRisk: number;
  note: string;
}

export interface OptimizerRecommendation {
  optimizer: OptimizerKind;
  configuration: OptimizerConfiguration;
  estimatedCostUsd: number;
  estimatedMinutes: number;
  confidence: number;
  reasoning: string;
  alternatives: OptimizerAlternative[];
}

/** USD per 100 examples. */
export const COST_PER_100: Record<OptimizerKind, number> = {
  BOOTSTRAP_FEW_SHOT: 0.1,
  REFLECTION_METRICS: 0.05,
  GEPA: 0.5,
  MIPROV2: 2.5,
  BOOTSTRAP_FINETUNE: 20,
};
/** Minutes per 100 examples. */
export const MINUTES_PER_100: Record<OptimizerKind, number> = {
  BOOTSTRAP_FEW_SHOT: 1,
  REFLECTION_METRICS: 1,
  GEPA: 5,
  MIPROV2: 15,
  BOOTSTRAP_FINETUNE: 60,
};
/** MIPROv2's intensity scales its cost and time. */
export const MIPRO_MULTIPLIER: Record<Intensity, number> = { light: 0.5, medium: 1, heavy: 2.5 };

const defaults: OptimizerConfiguration = { auto: "medium", maxBootstrappedDemos: 4, maxLabeledDemos: 4, numThreads: 8, numCandidates: 10, numIters: 3 };
const config = (patch: Partial<OptimizerConfiguration> = {}): OptimizerConfiguration => ({ ...defaults, ...patch });
const usd = (v: number) => `$${v.toFixed(2)}`;

/** The rules, first match wins. */
export function decide(c: OptimizerContext): { optimizer: OptimizerKind; configuration: OptimizerConfiguration; reasoning: string } {
  const { trainsetSize: n, budgetUsd: budget, qualityTarget: target } = c;
  const time = c.timeConstraintMinutes;
  if (time !== null && time !== undefined && time < 2) {
    return { optimizer: "REFLECTION_METRICS", configuration: config(), reasoning: `The time limit (${time} min) is under 2 minutes: only reflection metrics finish in time (under a second).` };
  }
  if (budget < 1) {
    return { optimizer: "REFLECTION_METRICS", configuration: config(), reasoning: `The budget (${usd(budget)}) is under $1: reflection metrics cost about $0.01–0.05 a run.` };
  }
  if (n < 100 && budget < 5) {
    return { optimizer: "GEPA", configuration: config({ numCandidates: 5, numIters: 2 }), reasoning: `A small trainset (${n} examples, under 100) and a low budget (${usd(budget)}, under $5): GEPA is fast and cheap here.` };
  }
  if (n < 500 && budget < 20) {
    return { optimizer: "MIPROV2", configuration: config({ auto: "light", maxBootstrappedDemos: 2 }), reasoning: `A medium trainset (${n} examples, under 500) and a moderate budget (${usd(budget)}, under $20): MIPROv2 light balances quality and cost.` };
  }
  if (n >= 500 && budget >= 20 && budget < 100) {
    return { optimizer: "MIPROV2", configuration: config({ auto: "medium", maxBootstrappedDemos: 4 }), reasoning: `A large trainset (${n} examples) and a good budget (${usd(budget)}, $20–100): MIPROv2 medium gets the most quality within it.` };
  }
  if (budget >= 100) {
    if (target >= 0.95) {
      return { optimizer: "BOOTSTRAP_FINETUNE", configuration: config(), reasoning: `A high budget (${usd(budget)}) and a quality target of ${target} (at least 0.95): fine-tuning the weights reaches the highest quality.` };
    }
    return { optimizer: "MIPROV2", configuration: config({ auto: "heavy", maxBootstrappedDemos: 6, maxLabeledDemos: 6 }), reasoning: `A high budget (${usd(budget)}) allows a thorough search: MIPROv2 heavy.` };
  }
  return { optimizer: "BOOTSTRAP_FEW_SHOT", configuration: config({ maxBootstrappedDemos: 3 }), reasoning: "No rule above applies: BootstrapFewShot is the reliable, cheap baseline." };
}

export function estimateCost(optimizer: OptimizerKind, auto: Intensity, trainsetSize: number): number {
  const base = COST_PER_100[optimizer] * (optimizer === "MIPROV2" ? MIPRO_MULTIPLIER[auto] : 1);
  return Math.round(base * (trainsetSize / 100) * 100) / 100;
}

export function estimateMinutes(optimizer: OptimizerKind, auto: Intensity, trainsetSize: number): number {
  const base = optimizer === "MIPROV2" ? Math.floor(MINUTES_PER_100[optimizer] * MIPRO_MULTIPLIER[auto]) : MINUTES_PER_100[optimizer];
  return Math.max(1, Math.floor(base * (trainsetSize / 100)));
}

/** 0.75; up to +0.1 by the share of matching past runs (same domain and optimizer) reaching 0.8; at most 0.95; ×0.8 under 20 examples. */
export function confidence(c: OptimizerContext, optimizer: OptimizerKind, history: OptimizerRun[]): number {
  let value = 0.75;
  const matching = history.filter((r) => r.domain === c.domain && r.optimizer === optimizer);
  if (matching.length > 0) {
    const good = matching.filter((r) => r.quality >= 0.8).length;
    value = Math.min(0.95, value + 0.1 * (good / matching.length));
  }
  if (c.trainsetSize < 20) value *= 0.8;
  return Math.round(value * 100) / 100;
}

function alternatives(c: OptimizerContext, primary: OptimizerKind): OptimizerAlternative[] {
  const list: OptimizerAlternative[] = [];
  const n = c.trainsetSize;
  if (primary !== "REFLECTION_METRICS") {
    list.push({ optimizer: "REFLECTION_METRICS", estimatedCostUsd: estimateCost("REFLECTION_METRICS", "medium", n), estimatedMinutes: 1, qualityRisk: 0.15, note: "Fastest; may give up some quality." });
  }
  if (primary === "GEPA" && c.budgetUsd >= 20) {
    list.push({ optimizer: "MIPROV2", estimatedCostUsd: estimateCost("MIPROV2", "light", n), estimatedMinutes: estimateMinutes("MIPROV2", "light", n), qualityRisk: -0.1, note: "MIPROv2 light: higher quality for a moderate cost increase." });
  }
  if (primary !== "BOOTSTRAP_FEW_SHOT") {
    list.push({ optimizer: "BOOTSTRAP_FEW_SHOT", estimatedCostUsd: estimateCost("BOOTSTRAP_FEW_SHOT", "medium", n), estimatedMinutes: estimateMinutes("BOOTSTRAP_FEW_SHOT", "medium", n), qualityRisk: 0.1, note: "Safe fallback; always works." });
  }
  return list.slice(0, 3);
}

export function recommendOptimizer(c: OptimizerContext, history: OptimizerRun[] = []): OptimizerRecommendation {
  const { optimizer, configuration, reasoning } = decide(c);
  const again = c.previousOptimizer === optimizer ? " It is also what ran last time, so results compare directly." : "";
  return {
    optimizer,
    configuration,
    estimatedCostUsd: estimateCost(optimizer, configuration.auto, c.trainsetSize),
    estimatedMinutes: estimateMinutes(optimizer, configuration.auto, c.trainsetSize),
    confidence: confidence(c, optimizer, history),
    reasoning: reasoning + again,
    alternatives: alternatives(c, optimizer),
  };
}
