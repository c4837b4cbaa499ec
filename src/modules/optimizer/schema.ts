// Optimizer planning (recommendOptimizer) and training examples in GraphQL.
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { OPTIMIZERS } from "./recommendations.js";
import { recommendOptimizer, type OptimizerKind } from "./selector.js";


const OptimizerKindEnum = builder.enumType("OptimizerKind", {
  description: "A prompt optimizer (DSPy): reflection metrics, GEPA, MIPROv2, BootstrapFewShot, BootstrapFinetune.",
  values: {
    REFLECTION_METRICS: { description: "Reflection metrics: the fastest and cheapest (about $0.01–0.05 a run); may give up some quality." },
    GEPA: { description: "GEPA (reflective prompt evolution): fast and cheap on small trainsets." },
    MIPROV2: { description: "MIPROv2: searches instructions and demos; light, medium or heavy intensity trade cost for quality." },
    BOOTSTRAP_FEW_SHOT: { description: "BootstrapFewShot: the reliable, cheap baseline." },
    BOOTSTRAP_FINETUNE: { description: "BootstrapFinetune: fine-tunes the weights; the highest quality at the highest cost." },
  } satisfies Record<(typeof OPTIMIZERS)[number], { description: string }>,
});
const IntensityEnum = builder.enumType("OptimizerIntensity", {
  description: "How hard MIPROv2 searches; it scales its cost and time (×0.5, ×1, ×2.5).",
  values: {
    LIGHT: { value: "light", description: "A quick search (×0.5 cost and time)." },
    MEDIUM: { value: "medium", description: "The default search." },
    HEAVY: { value: "heavy", description: "A thorough search (×2.5 cost and time)." },
  } as const,
});

const unit = z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");

const OptimizerRunInput = builder.inputType("OptimizerRunInput", {
  description: "A past optimization run; matching runs (same domain and optimizer) that reached 0.8 raise the confidence.",
  fields: (t) => ({
    domain: t.string({ required: true, description: "The task's domain, e.g. code-review.", validate: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters") }),
    optimizer: t.field({ type: OptimizerKindEnum, required: true, description: "The optimizer that ran." }),
    quality: t.float({ required: true, description: "The quality it reached, 0–1.", validate: unit }),
  }),
});

const RecommendOptimizerInput = builder.inputType("RecommendOptimizerInput", {
  description: "What the selector decides on: the trainset, the budget and the target, with optional limits and history.",
  fields: (t) => ({
    trainsetSize: t.int({ required: true, description: "Training examples available.", validate: z.number().int().min(0, "must be 0 or more").max(10_000_000, "must be at most 10000000") }),
    budgetUsd: t.float({ required: true, description: "Most to spend, in US dollars.", validate: z.number().min(0, "must be 0 or more").max(1_000_000, "must be at most 1000000") }),
    qualityTarget: t.float({ defaultValue: 0.85, description: "0–1.", validate: unit }),
    complexityScore: t.float({ defaultValue: 0.5, description: "0–1, higher = harder.", validate: unit }),
    domain: t.string({ defaultValue: "general", description: "The task's domain; past runs in it raise the confidence.", validate: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters") }),
    timeConstraintMinutes: t.int({ description: "The most time allowed, if any.", validate: z.number().int().min(0, "must be 0 or more") }),
    previousOptimizer: t.field({ type: OptimizerKindEnum, description: "The optimizer run last time, if any (the reasoning says when it is chosen again)." }),
    history: t.field({ type: [OptimizerRunInput], description: "Past runs (at most 1000); matching successful ones raise the confidence.", validate: z.array(z.unknown()).max(1000, "must list at most 1000 runs") }),
  }),
});

const OptimizerConfigurationType = builder.simpleObject("OptimizerConfiguration", {
  description: "Settings to run the recommended optimizer with.",
  fields: (t) => ({
    auto: t.field({ type: IntensityEnum, description: "MIPROv2's search intensity." }),
    maxBootstrappedDemos: t.int({ description: "Most demonstrations bootstrapped from the trainset." }),
    maxLabeledDemos: t.int({ description: "Most labelled demonstrations taken as they are." }),
    numThreads: t.int({ description: "Evaluations run at once." }),
    numCandidates: t.int({ description: "GEPA candidates." }),
    numIters: t.int({ description: "GEPA iterations." }),
  }),
});

const OptimizerAlternativeType = builder.simpleObject("OptimizerAlternative", {
  description: "Another optimizer worth considering, with its own estimates.",
  fields: (t) => ({
    optimizer: t.field({ type: OptimizerKindEnum, description: "The alternative." }),
    estimatedCostUsd: t.float({ description: "Its estimated cost, in US dollars." }),
    estimatedMinutes: t.int({ description: "Its estimated run time, in minutes." }),
    qualityRisk: t.float({ description: "Expected quality loss against the recommendation (negative: a gain)." }),
    note: t.string({ description: "When to prefer it, in a sentence." }),
  }),
});

const OptimizerRecommendationType = builder.simpleObject("OptimizerRecommendation", {
  description: "Which optimizer to run, with what settings, at what estimated cost, and why.",
  fields: (t) => ({
    optimizer: t.field({ type: OptimizerKindEnum, description: "The recommended optimizer." }),
    configuration: t.field({ type: OptimizerConfigurationType, description: "Settings to run it with." }),
    estimatedCostUsd: t.float({ description: "Per 100 examples: few-shot $0.10, reflection $0.05, GEPA $0.50, MIPROv2 $2.50 (×0.5 light, ×1 medium, ×2.5 heavy), finetune $20." }),
    estimatedMinutes: t.int({ description: "Per 100 examples: 1, 1, 5, 15 (MIPROv2, scaled like its cost), 60; at least 1." }),
    confidence: t.float({ description: "0.75, up to 0.95 with matching successful history; ×0.8 under 20 examples." }),
    reasoning: t.string({ description: "Why: the rule that chose it, with the inputs that decided." }),
    alternatives: t.field({ type: [OptimizerAlternativeType], description: "Up to 3." }),
  }),
});

export const TrainingExampleRef = builder.prismaNode("TrainingExample", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  description: "An example an optimizer can train on, with how it has performed.",
  fields: (t) => ({
    taskDescription: t.exposeString("taskDescription", { description: "The task, in words." }),
    category: t.exposeString("category", { description: "Its category (analytics count examples per category)." }),
    qualityScore: t.exposeFloat("qualityScore", { description: "0–1; each outcome moves it to 0.8·old + 0.2·new." }),
    humanRating: t.exposeFloat("humanRating", { nullable: true, description: "1–5 when a person rated it." }),
    successRate: t.exposeFloat("successRate", { description: "0–1; each outcome moves it to 0.9·old + 0.1·passed." }),
    usageCount: t.exposeInt("usageCount", { description: "Outcomes recorded for it." }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true, description: "When its last outcome was recorded; null before any." }),
    tags: t.stringList({ description: "Free-form labels.", resolve: (e) => (Array.isArray(e.tags) ? e.tags.filter((x): x is string => typeof x === "string") : []) }),
    input: t.expose("input", { type: "JSON", nullable: true, description: "The example's input, as given." }),
    expectedOutput: t.expose("expectedOutput", { type: "JSON", nullable: true, description: "The output it should produce, as given." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was added." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
  }),
});

const SelectedTrainingExample = builder.simpleObject("SelectedTrainingExample", {
  description: "A selected example with the score it was ranked by.",
  fields: (t) => ({
    example: t.field({ type: TrainingExampleRef, description: "The example." }),
    score: t.float({ description: "0.6·quality + 0.4·success." }),
  }),
});

const CountByLabel = builder.simpleObject("QualityBucket", {
  description: "How many examples have a quality score in one range.",
  fields: (t) => ({ range: t.string({ description: "The range, e.g. 0.8-1.0." }), count: t.int({ description: "Examples in it." }) }),
});
const CategoryCount = builder.simpleObject("CategoryCount", {
  description: "How many examples a category has.",
  fields: (t) => ({ category: t.string({ description: "The category." }), count: t.int({ description: "Examples in it." }) }),
});

const TrainingAnalyticsType = builder.simpleObject("TrainingAnalytics", {
  description: "The training set at a glance.",
  fields: (t) => ({
    total: t.int({ description: "Examples in the set." }),
    averageQuality: t.float({ description: "Mean quality score, 0–1 (0 when empty)." }),
    qualityDistribution: t.field({ type: [CountByLabel], description: "Counts in five quality ranges of 0.2." }),
    categories: t.field({ type: [CategoryCount], description: "Examples per category." }),
    underRepresentedCategories: t.stringList({ description: "Categories with fewer than half the mean count per category." }),
    topPerformers: t.field({ type: [TrainingExampleRef], description: "The 5 best by 0.6·quality + 0.4·success." }),
    recommendations: t.stringList({ description: "When more than 30% score below 0.5, or there are fewer than 3 categories." }),
  }),
});

type RecommendInput = typeof RecommendOptimizerInput.$inferInput;

/** The selector's context from the GraphQL input, defaults applied. */
const contextOf = (input: RecommendInput) => ({
  trainsetSize: input.trainsetSize,
  budgetUsd: input.budgetUsd,
  qualityTarget: input.qualityTarget ?? 0.85,
  complexityScore: input.complexityScore ?? 0.5,
  domain: input.domain ?? "general",
  timeConstraintMinutes: input.timeConstraintMinutes,
  previousOptimizer: input.previousOptimizer,
});

const OptimizerPlanType = builder.simpleObject("OptimizerPlan", {
  description: "A recommendation the server recorded, so the run's outcome can be reported against it (recordOptimizationOutcome).",
  fields: (t) => ({
    id: t.string({ description: "The record's id: pass it to recordOptimizationOutcome." }),
    recommendation: t.field({ type: OptimizerRecommendationType, description: "What the selector recommends, why, and the alternatives." }),
    createdAt: t.field({ type: "DateTime", description: "When the recommendation was made." }),
  }),
});

const OptimizerAccuracyByKindType = builder.simpleObject("OptimizerAccuracyByKind", {
  description: "The selector's record for one optimizer.",
  fields: (t) => ({
    optimizer: t.field({ type: OptimizerKindEnum, description: "The optimizer." }),
    recommended: t.int({ description: "Times it was recommended." }),
    followed: t.int({ description: "Reported runs where it was recommended and run." }),
    hits: t.int({ description: "Followed runs that reached their quality target." }),
  }),
});

const OptimizerAccuracyType = builder.simpleObject("OptimizerAccuracy", {
  description: "How well the selector's recorded recommendations did once their outcomes were reported.",
  fields: (t) => ({
    recommendations: t.int({ description: "Recommendations recorded." }),
    withOutcome: t.int({ description: "Those with an outcome reported." }),
    followed: t.int({ description: "Outcomes where the recommended optimizer was the one run." }),
    hits: t.int({ description: "Followed recommendations whose run reached the quality target." }),
    hitRate: t.float({ nullable: true, description: "hits / followed; null before any followed outcome." }),
    meanConfidence: t.float({ nullable: true, description: "Mean confidence of the followed recommendations; null before any." }),
    calibrationGap: t.float({ nullable: true, description: "meanConfidence − hitRate: positive when the selector is over-confident." }),
    byOptimizer: t.field({ type: [OptimizerAccuracyByKindType], description: "The same, per optimizer." }),
  }),
});

builder.queryFields((t) => ({
  recommendOptimizer: t.field({
    type: OptimizerRecommendationType,
    description:
      "Which optimizer to run, by rules in order: time under 2 min → reflection metrics; budget under $1 → reflection metrics; under 100 examples and under $5 → GEPA; " +
      "under 500 and under $20 → MIPROv2 light; 500 or more and $20–100 → MIPROv2 medium; $100 or more → BootstrapFinetune at a quality target ≥ 0.95, else MIPROv2 heavy; otherwise BootstrapFewShot.",
    args: { input: t.arg({ type: RecommendOptimizerInput, required: true, description: "The trainset, budget and target to decide for." }) },
    resolve: (_r, { input }) => recommendOptimizer(contextOf(input), input.history ?? []),
  }),
  optimizerAccuracy: t.field({
    type: OptimizerAccuracyType,
    description: "How well the recorded recommendations (planOptimization, `skillgraph optimize recommend`) did, from the outcomes reported for them.",
    resolve: (_r, _a, ctx) => ctx.services.optimizerPlans.accuracy(),
  }),
  selectTrainingExamples: t.field({
    type: [SelectedTrainingExample],
    description: "The best examples with quality ≥ minQuality, by 0.6·quality + 0.4·success.",
    args: {
      limit: t.arg.int({ defaultValue: 10, description: "How many to return (1–100).", validate: z.number().int().min(1, "must be at least 1").max(100, "must be at most 100") }),
      minQuality: t.arg.float({ defaultValue: 0, description: "Only examples with at least this quality score (0–1).", validate: unit }),
      category: t.arg.string({ description: "Only this category.", validate: z.string().max(64, "must be at most 64 characters") }),
    },
    resolve: async (_r, args, ctx) =>
      (await ctx.services.training.select(args.limit ?? 10, args.minQuality ?? 0, args.category)).map(({ score, ...example }) => ({ example, score })),
  }),
  trainingAnalytics: t.field({
    type: TrainingAnalyticsType,
    description: "The training set at a glance: quality spread, categories, best examples, what to improve.",
    resolve: async (_r, _a, ctx) => {
      const a = await ctx.services.training.analytics();
      return { ...a, topPerformers: await ctx.services.training.byIds(a.topPerformerIds) };
    },
  }),
}));

const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

const AddTrainingExampleInput = builder.inputType("AddTrainingExampleInput", {
  description: "A new training example.",
  fields: (t) => ({
    taskDescription: t.string({ required: true, description: "The task, in words (at most 5000 characters).", validate: text(5000) }),
    category: t.string({ required: true, description: "Its category (at most 64 characters).", validate: text(64) }),
    qualityScore: t.float({ required: true, description: "Its quality so far, 0–1.", validate: unit }),
    humanRating: t.float({ description: "A person's rating, 1–5, if any.", validate: z.number().min(1, "must be between 1 and 5").max(5, "must be between 1 and 5") }),
    tags: t.stringList({ description: "Free-form labels (at most 50, each at most 64 characters).", validate: z.array(text(64)).max(50, "must list at most 50 tags") }),
    input: t.field({ type: "JSON", description: "The example's input, any JSON." }),
    expectedOutput: t.field({ type: "JSON", description: "The output it should produce, any JSON." }),
  }),
});

const RecordTrainingOutcomeInput = builder.inputType("RecordTrainingOutcomeInput", {
  description: "One use of a training example and how it went.",
  fields: (t) => ({
    id: t.globalID({ required: true, for: TrainingExampleRef, description: "The TrainingExample's id." }),
    quality: t.float({ required: true, description: "The quality this use reached, 0–1.", validate: unit }),
    passed: t.boolean({ required: true, description: "Whether this use passed." }),
  }),
});

const TrainingExamplePayload = builder.simpleObject("TrainingExamplePayload", {
  description: "The training example as stored.",
  fields: (t) => ({ example: t.field({ type: TrainingExampleRef, description: "The example." }) }),
});

const RecordOptimizationOutcomeInput = builder.inputType("RecordOptimizationOutcomeInput", {
  description: "What happened when a recorded recommendation was acted on.",
  fields: (t) => ({
    id: t.string({ required: true, description: "The OptimizerPlan id.", validate: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters") }),
    optimizer: t.field({ type: OptimizerKindEnum, required: true, description: "The optimizer actually run (the recommended one or another)." }),
    quality: t.float({ required: true, description: "The quality the run reached, 0–1.", validate: unit }),
  }),
});

const OptimizationOutcomePayload = builder.simpleObject("OptimizationOutcomePayload", {
  description: "The outcome as recorded.",
  fields: (t) => ({
    id: t.string({ description: "The OptimizerPlan id." }),
    recommended: t.field({ type: OptimizerKindEnum, description: "What the selector had recommended." }),
    optimizer: t.field({ type: OptimizerKindEnum, description: "What was run." }),
    quality: t.float({ description: "The quality reached, 0–1." }),
    hit: t.boolean({ description: "True when the recommended optimizer was run and reached the quality target." }),
  }),
});

builder.mutationFields((t) => ({
  planOptimization: t.field({
    type: OptimizerPlanType,
    description: "recommendOptimizer, recorded: the recommendation is kept so its outcome can be reported and the selector's accuracy reviewed (optimizerAccuracy).",
    errors: { types: [InvalidInputError], directResult: true },
    args: { input: t.arg({ type: RecommendOptimizerInput, required: true, description: "The trainset, budget and target to decide for." }) },
    resolve: (_r, { input }, ctx) => ctx.services.optimizerPlans.recommend(ctx.principal, contextOf(input), input.history ?? []),
  }),
  recordOptimizationOutcome: t.field({
    type: OptimizationOutcomePayload,
    description: "Reports which optimizer was run for a recorded recommendation and the quality it reached (once per recommendation).",
    errors: { types: [NotFoundError, InvalidInputError], directResult: true },
    args: { input: t.arg({ type: RecordOptimizationOutcomeInput, required: true, description: "The recommendation and what happened." }) },
    resolve: async (_r, { input }, ctx) => {
      const row = await ctx.services.optimizerPlans.recordOutcome(input.id, input.optimizer, input.quality);
      const quality = row.outcomeQuality ?? input.quality;
      return { id: row.id, recommended: row.optimizer as OptimizerKind, optimizer: input.optimizer, quality, hit: row.optimizer === input.optimizer && quality >= row.qualityTarget };
    },
  }),
  addTrainingExample: t.field({
    type: TrainingExamplePayload,
    description: "Adds a training example (success rate 1, no uses yet).",
    errors: { types: [InvalidInputError], directResult: true },
    args: { input: t.arg({ type: AddTrainingExampleInput, required: true, description: "The example." }) },
    resolve: async (_r, { input }, ctx) => ({ example: await ctx.services.training.add(input) }),
  }),
  recordTrainingOutcome: t.field({
    type: TrainingExamplePayload,
    description: "Records one use: quality = 0.8·old + 0.2·quality, success = 0.9·old + 0.1·passed, usageCount + 1.",
    errors: { types: [NotFoundError, InvalidInputError], directResult: true },
    args: { input: t.arg({ type: RecordTrainingOutcomeInput, required: true, description: "The example and how this use went." }) },
    resolve: async (_r, { input }, ctx) => ({ example: await ctx.services.training.recordOutcome(input.id.id, { quality: input.quality, passed: input.passed }) }),
  }),
}));
