// The decision rules at every boundary, the estimates and confidence with hand-computed values,
// and the training formulas.
import { describe, expect, it } from "vitest";
import { confidence, decide, estimateCost, estimateMinutes, recommendOptimizer, type OptimizerContext } from "../../src/modules/optimizer/selector.js";
import { analyse, applyOutcome, selectionScore } from "../../src/modules/optimizer/training.js";

const ctx = (patch: Partial<OptimizerContext>): OptimizerContext => ({
  trainsetSize: 50,
  budgetUsd: 10,
  qualityTarget: 0.85,
  complexityScore: 0.5,
  domain: "general",
  ...patch,
});
const pick = (patch: Partial<OptimizerContext>) => {
  const d = decide(ctx(patch));
  return d.optimizer === "MIPROV2" ? `MIPROV2:${d.configuration.auto}` : d.optimizer;
};

describe("optimizer decision rules", () => {
  it("rule 1: a time limit under 2 minutes → reflection metrics (2 is not under)", () => {
    expect(pick({ timeConstraintMinutes: 1, budgetUsd: 500, trainsetSize: 1000 })).toBe("REFLECTION_METRICS");
    expect(pick({ timeConstraintMinutes: 0, budgetUsd: 500 })).toBe("REFLECTION_METRICS");
    expect(pick({ timeConstraintMinutes: 2, budgetUsd: 500, trainsetSize: 1000 })).toBe("MIPROV2:heavy");
    expect(pick({ timeConstraintMinutes: null, budgetUsd: 500, trainsetSize: 1000 })).toBe("MIPROV2:heavy");
  });

  it("rule 2: a budget under $1 → reflection metrics", () => {
    expect(pick({ budgetUsd: 0.99 })).toBe("REFLECTION_METRICS");
    expect(pick({ budgetUsd: 0 })).toBe("REFLECTION_METRICS");
    expect(pick({ budgetUsd: 1, trainsetSize: 50 })).toBe("GEPA");
  });

  it("rule 3: under 100 examples and under $5 → GEPA", () => {
    expect(pick({ trainsetSize: 99, budgetUsd: 4.99 })).toBe("GEPA");
    expect(pick({ trainsetSize: 100, budgetUsd: 4.99 })).toBe("MIPROV2:light");
    expect(pick({ trainsetSize: 99, budgetUsd: 5 })).toBe("MIPROV2:light");
  });

  it("rule 4: under 500 examples and under $20 → MIPROv2 light", () => {
    expect(pick({ trainsetSize: 499, budgetUsd: 19.99 })).toBe("MIPROV2:light");
    expect(pick({ trainsetSize: 499, budgetUsd: 20 })).toBe("BOOTSTRAP_FEW_SHOT");
    expect(pick({ trainsetSize: 500, budgetUsd: 19.99 })).toBe("BOOTSTRAP_FEW_SHOT");
  });

  it("rule 5: 500 or more examples and $20 up to $100 → MIPROv2 medium", () => {
    expect(pick({ trainsetSize: 500, budgetUsd: 20 })).toBe("MIPROV2:medium");
    expect(pick({ trainsetSize: 500, budgetUsd: 99.99 })).toBe("MIPROV2:medium");
    expect(pick({ trainsetSize: 500, budgetUsd: 100 })).toBe("MIPROV2:heavy");
  });

  it("rule 6: $100 or more → BootstrapFinetune at a quality target of at least 0.95, else MIPROv2 heavy", () => {
    expect(pick({ trainsetSize: 10, budgetUsd: 100, qualityTarget: 0.95 })).toBe("BOOTSTRAP_FINETUNE");
    expect(pick({ trainsetSize: 10, budgetUsd: 100, qualityTarget: 0.9499 })).toBe("MIPROV2:heavy");
    expect(pick({ trainsetSize: 499, budgetUsd: 99.99 })).toBe("BOOTSTRAP_FEW_SHOT");
  });

  it("otherwise BootstrapFewShot", () => {
    expect(pick({ trainsetSize: 300, budgetUsd: 50 })).toBe("BOOTSTRAP_FEW_SHOT");
    expect(pick({ trainsetSize: 800, budgetUsd: 10 })).toBe("BOOTSTRAP_FEW_SHOT");
  });
});

describe("estimates and confidence", () => {
  it("costs and minutes scale per 100 examples, MIPROv2 by intensity", () => {
    expect(estimateCost("BOOTSTRAP_FEW_SHOT", "medium", 250)).toBe(0.25);
    expect(estimateCost("REFLECTION_METRICS", "medium", 100)).toBe(0.05);
    expect(estimateCost("GEPA", "medium", 80)).toBe(0.4);
    expect(estimateCost("MIPROV2", "light", 200)).toBe(2.5);
    expect(estimateCost("MIPROV2", "medium", 600)).toBe(15);
    expect(estimateCost("MIPROV2", "heavy", 1000)).toBe(62.5);
    expect(estimateCost("BOOTSTRAP_FINETUNE", "medium", 150)).toBe(30);
    expect(estimateMinutes("GEPA", "medium", 80)).toBe(4);
    expect(estimateMinutes("MIPROV2", "light", 200)).toBe(14); // floor(15 × 0.5) = 7 per 100
    expect(estimateMinutes("MIPROV2", "heavy", 100)).toBe(37); // floor(15 × 2.5)
    expect(estimateMinutes("BOOTSTRAP_FINETUNE", "medium", 150)).toBe(90);
    expect(estimateMinutes("REFLECTION_METRICS", "medium", 10)).toBe(1); // at least 1
  });

  it("confidence starts at 0.75, rises with matching successful history to at most 0.95, ×0.8 under 20 examples", () => {
    const c = ctx({ domain: "testing" });
    expect(confidence(c, "GEPA", [])).toBe(0.75);
    const history = [
      { domain: "testing", optimizer: "GEPA" as const, quality: 0.9 },
      { domain: "testing", optimizer: "GEPA" as const, quality: 0.7 },
      { domain: "other", optimizer: "GEPA" as const, quality: 0.99 },
      { domain: "testing", optimizer: "MIPROV2" as const, quality: 0.99 },
    ];
    expect(confidence(c, "GEPA", history)).toBe(0.8); // 0.75 + 0.1 × 1/2
    expect(confidence(c, "GEPA", history.slice(0, 1))).toBe(0.85);
    expect(confidence(ctx({ domain: "testing", trainsetSize: 19 }), "GEPA", [])).toBe(0.6); // 0.75 × 0.8
    expect(confidence(ctx({ domain: "testing", trainsetSize: 20 }), "GEPA", [])).toBe(0.75);
    expect(confidence(ctx({ domain: "testing", trainsetSize: 19 }), "GEPA", history.slice(0, 1))).toBe(0.68); // 0.85 × 0.8
  });

  it("recommends with configuration, reasoning and up to 3 alternatives", () => {
    const r = recommendOptimizer(ctx({ trainsetSize: 50, budgetUsd: 3, previousOptimizer: "GEPA" }));
    expect(r).toMatchObject({ optimizer: "GEPA", estimatedCostUsd: 0.25, estimatedMinutes: 2, confidence: 0.75 });
    expect(r.configuration).toMatchObject({ numCandidates: 5, numIters: 2 });
    expect(r.reasoning).toMatch(/small trainset \(50 examples, under 100\).*It is also what ran last time/);
    expect(r.alternatives.map((a) => a.optimizer)).toEqual(["REFLECTION_METRICS", "BOOTSTRAP_FEW_SHOT"]);
    const fallback = recommendOptimizer(ctx({ trainsetSize: 300, budgetUsd: 50 }));
    expect(fallback.alternatives.map((a) => a.optimizer)).toEqual(["REFLECTION_METRICS"]);
    expect(recommendOptimizer(ctx({ budgetUsd: 0.5 })).alternatives.map((a) => a.optimizer)).toEqual(["BOOTSTRAP_FEW_SHOT"]);
  });
});

describe("training formulas", () => {
  it("moves quality by 0.8·old + 0.2·new and success by 0.9·old + 0.1·passed", () => {
    const a = applyOutcome({ qualityScore: 0.5, successRate: 1 }, { quality: 1, passed: false });
    expect(a.qualityScore).toBeCloseTo(0.6, 10); // 0.4 + 0.2
    expect(a.successRate).toBeCloseTo(0.9, 10); // 0.9 + 0
    const b = applyOutcome(a, { quality: 0.25, passed: true });
    expect(b.qualityScore).toBeCloseTo(0.53, 10); // 0.48 + 0.05
    expect(b.successRate).toBeCloseTo(0.91, 10); // 0.81 + 0.1
  });

  it("selects by 0.6·quality + 0.4·success", () => {
    expect(selectionScore({ qualityScore: 0.9, successRate: 0.5 })).toBeCloseTo(0.74, 10);
    expect(selectionScore({ qualityScore: 0.5, successRate: 1 })).toBeCloseTo(0.7, 10);
  });

  it("analyses: distribution, under-represented categories, recommendations at their thresholds", () => {
    const ex = (id: string, category: string, q: number) => ({ id, category, qualityScore: q, successRate: 1 });
    // 3 of 10 below 0.5 is exactly 30%: not more than 30%, so no recommendation.
    const ten = [ex("a", "x", 0.1), ex("b", "x", 0.3), ex("c", "x", 0.45), ...["d", "e", "f", "g", "h", "i", "j"].map((id) => ex(id, id < "g" ? "y" : "z", 0.9))];
    const a = analyse(ten);
    expect(a.total).toBe(10);
    expect(a.qualityDistribution).toEqual([
      { range: "0.0–0.2", count: 1 },
      { range: "0.2–0.4", count: 1 },
      { range: "0.4–0.6", count: 1 },
      { range: "0.6–0.8", count: 0 },
      { range: "0.8–1.0", count: 7 },
    ]);
    expect(a.recommendations).toEqual([]);
    const eleven = analyse([...ten, ex("k", "z", 0.2)]);
    expect(eleven.recommendations).toEqual(["36% of examples score below 0.5 (more than 30%): review, improve or retire them."]);
    const two = analyse([ex("a", "x", 0.9), ex("b", "y", 0.9)]);
    expect(two.recommendations).toEqual(["Only 2 categories (fewer than 3): add examples from more categories."]);
    const skewed = analyse([...Array.from({ length: 8 }, (_, i) => ex(`m${i}`, "many", 0.9)), ex("s", "scarce", 0.9), ex("t", "mid", 0.9), ex("u", "mid", 0.9)]);
    expect(skewed.underRepresentedCategories).toEqual(["scarce"]); // mean 11/3 ≈ 3.67; below 1.83
    expect(analyse(ten).topPerformerIds).toEqual(["d", "e", "f", "g", "h"]);
  });
});
