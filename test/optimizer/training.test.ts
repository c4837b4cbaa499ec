// Optimizer planning and training examples through GraphQL.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { beforeEach, describe, expect, it } from "vitest";
import { graphql } from "../gql/index.js";
import { useTestApp } from "../helpers/app.js";

const Recommend = graphql(`
  query RecommendOptimizer($input: RecommendOptimizerInput!) {
    recommendOptimizer(input: $input) {
      optimizer estimatedCostUsd estimatedMinutes confidence reasoning
      configuration { auto maxBootstrappedDemos }
      alternatives { optimizer estimatedCostUsd note }
    }
  }
`);

const AddExample = graphql(`
  mutation AddTrainingExample($input: AddTrainingExampleInput!) {
    addTrainingExample(input: $input) {
      __typename
      ... on TrainingExamplePayload { example { id category qualityScore successRate usageCount tags } }
      ... on Error { message }
    }
  }
`);

const RecordOutcome = graphql(`
  mutation RecordTrainingOutcome($input: RecordTrainingOutcomeInput!) {
    recordTrainingOutcome(input: $input) {
      __typename
      ... on TrainingExamplePayload { example { id qualityScore successRate usageCount lastUsedAt } }
      ... on Error { message }
    }
  }
`);

const Select = graphql(`
  query SelectTrainingExamples($limit: Int, $minQuality: Float) {
    selectTrainingExamples(limit: $limit, minQuality: $minQuality) { score example { category qualityScore } }
  }
`);

const Analytics = graphql(`
  query TrainingAnalytics {
    trainingAnalytics {
      total averageQuality underRepresentedCategories recommendations
      qualityDistribution { range count }
      topPerformers { category qualityScore }
    }
  }
`);

describe("optimizer and training over GraphQL", () => {
  const t = useTestApp();
  beforeEach(async () => {
    await t().app.database.prisma.trainingExample.deleteMany();
  });

  it("recommends an optimizer, rejecting out-of-range input by field and rule", async () => {
    const r = (await t().execute(Recommend, { input: { trainsetSize: 600, budgetUsd: 50, domain: "testing", history: [{ domain: "testing", optimizer: "MIPROV2", quality: 0.9 }] } }, { token: "read" })).expectNoErrors();
    expect(r.recommendOptimizer).toMatchObject({ optimizer: "MIPROV2", configuration: { auto: "MEDIUM" }, estimatedCostUsd: 15, estimatedMinutes: 90, confidence: 0.85 });
    expect(r.recommendOptimizer.alternatives.map((a) => a.optimizer)).toEqual(["REFLECTION_METRICS", "BOOTSTRAP_FEW_SHOT"]);
    const bad = await t().execute(Recommend, { input: { trainsetSize: -1, budgetUsd: 5, qualityTarget: 1.5 } }, { token: "read" });
    const msg = bad.expectErrors()[0]?.message ?? "";
    expect(msg).toMatch(/input\.trainsetSize: must be 0 or more/);
    const target = await t().execute(Recommend, { input: { trainsetSize: 1, budgetUsd: 5, qualityTarget: 1.5 } }, { token: "read" });
    expect(target.expectErrors()[0]?.message).toMatch(/input\.qualityTarget: must be between 0 and 1/);
  });

  it("adds examples, records outcomes with the moving averages, selects and analyses", async () => {
    const bad = await t().execute(AddExample, { input: { taskDescription: "x", category: "", qualityScore: 2 } }, { token: "write" });
    expect(bad.expectInvalidInput().message).toMatch(/input\.(category: must not be empty|qualityScore: must be between 0 and 1)/);
    const badScore = await t().execute(AddExample, { input: { taskDescription: "x", category: "a", qualityScore: 2 } }, { token: "write" });
    expect(badScore.expectInvalidInput().message).toMatch(/input\.qualityScore: must be between 0 and 1/);
    expect(await t().app.database.prisma.trainingExample.count()).toBe(0);
    const denied = await t().execute(AddExample, { input: { taskDescription: "x", category: "a", qualityScore: 0.5 } }, { token: "read" });
    expect(denied.expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");

    const ids: string[] = [];
    for (const [category, q] of [["pdf", 0.5], ["pdf", 0.9], ["git", 0.3]] as const) {
      const res = (await t().execute(AddExample, { input: { taskDescription: `task ${category} ${q}`, category, qualityScore: q, tags: ["a", "a", "b"] } }, { token: "write" })).expectNoErrors();
      if (res.addTrainingExample.__typename !== "TrainingExamplePayload") throw new Error(res.addTrainingExample.__typename);
      expect(res.addTrainingExample.example).toMatchObject({ successRate: 1, usageCount: 0, tags: ["a", "b"] });
      ids.push(res.addTrainingExample.example.id);
    }
    const first = ids[0] ?? "";
    const o1 = (await t().execute(RecordOutcome, { input: { id: first, quality: 1, passed: false } }, { token: "write" })).expectNoErrors().recordTrainingOutcome;
    if (o1.__typename !== "TrainingExamplePayload") throw new Error(o1.__typename);
    expect(o1.example.qualityScore).toBeCloseTo(0.6, 10);
    expect(o1.example.successRate).toBeCloseTo(0.9, 10);
    expect(o1.example.usageCount).toBe(1);
    expect(o1.example.lastUsedAt).not.toBeNull();
    // Concurrent outcomes all count (compare-and-set).
    await Promise.all([0, 1, 2].map(() => t().execute(RecordOutcome, { input: { id: first, quality: 0.6, passed: true } }, { token: "write" })));
    const row = await t().app.database.prisma.trainingExample.findFirstOrThrow({ where: { category: "pdf", taskDescription: "task pdf 0.5" } });
    expect(row.usageCount).toBe(4);
    expect(row.qualityScore).toBeCloseTo(0.6, 10);
    expect(row.successRate).toBeCloseTo(0.9 * 0.9 ** 3 + 0.1 * (1 + 0.9 + 0.81), 10);

    const sel = (await t().execute(Select, { limit: 2, minQuality: 0.4 }, { token: "read" })).expectNoErrors().selectTrainingExamples;
    expect(sel.map((s) => s.example.qualityScore)).toEqual([0.9, expect.closeTo(0.6, 10)]);
    expect(sel[0]?.score).toBeCloseTo(0.6 * 0.9 + 0.4 * 1, 10);
    const big = await t().execute(Select, { limit: 101 }, { token: "read" });
    expect(big.expectErrors()[0]?.message).toMatch(/limit: must be at most 100/);

    const a = (await t().execute(Analytics, {}, { token: "read" })).expectNoErrors().trainingAnalytics;
    expect(a.total).toBe(3);
    expect(a.topPerformers[0]).toMatchObject({ category: "pdf", qualityScore: 0.9 });
    expect(a.recommendations).toEqual(["33% of examples score below 0.5 (more than 30%): review, improve or retire them.", "Only 2 categories (fewer than 3): add examples from more categories."]);

    const missing = (await t().execute(RecordOutcome, { input: { id: encodeGlobalID("TrainingExample", "nope"), quality: 0.5, passed: true } }, { token: "write" })).expectNoErrors();
    expect(missing.recordTrainingOutcome.__typename).toBe("NotFoundError");
  });
});
