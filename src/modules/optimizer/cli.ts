// `skillgraph optimize recommend|outcome|accuracy`: the optimizer selector from a terminal. Each
// recommendation is recorded (locally or on the server with --url), so its outcome can be reported
// and the selector's accuracy reviewed.
import type { Command } from "commander";
import { Option } from "commander";
import { withServices } from "../../cli/context.js";
import { formatTable, printJson, printTable } from "../../cli/output.js";
import { remoteOf, unwrap } from "../../cli/remote.js";
import { InvalidInputError } from "../../lib/errors.js";
import type { OptimizerAccuracy } from "./accuracy.js";
import { OPTIMIZERS } from "./recommendations.js";
import type { OptimizerContext, OptimizerKind, OptimizerRecommendation } from "./selector.js";

function number(option: string, text: string, rule: { min: number; max?: number; integer?: boolean }): number {
  const n = Number(text);
  const range = rule.max === undefined ? `${rule.min} or more` : `from ${rule.min} to ${rule.max}`;
  if (text.trim() === "" || !Number.isFinite(n) || (rule.integer && !Number.isInteger(n)) || n < rule.min || (rule.max !== undefined && n > rule.max)) {
    throw new InvalidInputError(option, `must be ${rule.integer ? "a whole number" : "a number"} ${range}`);
  }
  return n;
}

interface RecommendOptions {
  trainsetSize: string;
  budget: string;
  qualityTarget: string;
  complexity: string;
  domain: string;
  timeLimit?: string;
  previous?: OptimizerKind;
  json?: boolean;
}

function contextOf(o: RecommendOptions): OptimizerContext {
  if (o.domain.trim() === "" || o.domain.length > 64) throw new InvalidInputError("--domain", "must be 1 to 64 characters");
  return {
    trainsetSize: number("--trainset-size", o.trainsetSize, { min: 0, max: 10_000_000, integer: true }),
    budgetUsd: number("--budget", o.budget, { min: 0, max: 1_000_000 }),
    qualityTarget: number("--quality-target", o.qualityTarget, { min: 0, max: 1 }),
    complexityScore: number("--complexity", o.complexity, { min: 0, max: 1 }),
    domain: o.domain,
    timeConstraintMinutes: o.timeLimit === undefined ? null : number("--time-limit", o.timeLimit, { min: 0, integer: true }),
    previousOptimizer: o.previous ?? null,
  };
}

const RECOMMENDATION_FIELDS = `optimizer confidence estimatedCostUsd estimatedMinutes reasoning
  configuration { auto maxBootstrappedDemos maxLabeledDemos numThreads numCandidates numIters }
  alternatives { optimizer estimatedCostUsd estimatedMinutes qualityRisk note }`;

interface Plan {
  id: string;
  recommendation: OptimizerRecommendation;
}

/** The recommendation, its reasoning and its alternatives, for people. */
export function formatRecommendation(plan: Plan): string {
  const r = plan.recommendation;
  const c = r.configuration;
  const alternatives = r.alternatives.length
    ? formatTable(r.alternatives, [
        { header: "OPTIMIZER", value: (a) => a.optimizer },
        { header: "COST USD", value: (a) => a.estimatedCostUsd.toFixed(2), align: "right" },
        { header: "MINUTES", value: (a) => a.estimatedMinutes, align: "right" },
        { header: "QUALITY RISK", value: (a) => (a.qualityRisk > 0 ? `+${a.qualityRisk}` : String(a.qualityRisk)), align: "right" },
        { header: "NOTE", value: (a) => a.note },
      ])
    : "(none)";
  return [
    `Recommendation: ${r.optimizer} (confidence ${r.confidence})`,
    `  estimate       $${r.estimatedCostUsd.toFixed(2)}, ${r.estimatedMinutes} min`,
    `  configuration  auto=${c.auto.toLowerCase()} maxBootstrappedDemos=${c.maxBootstrappedDemos} maxLabeledDemos=${c.maxLabeledDemos} numThreads=${c.numThreads} numCandidates=${c.numCandidates} numIters=${c.numIters}`,
    "",
    `Reasoning: ${r.reasoning}`,
    "",
    "Alternatives:",
    alternatives,
    "",
    `Recorded as ${plan.id}. Report how it went: skillgraph optimize outcome ${plan.id} --optimizer ${r.optimizer} --quality <0–1>`,
  ].join("\n");
}

export function registerOptimizerCommands(program: Command): void {
  const optimize = program.command("optimize").description("Prompt optimizer selection: recommend, report outcomes, review accuracy");

  optimize
    .command("recommend")
    .description("Recommend an optimizer for the inputs: prints the recommendation, its reasoning and alternatives, and records it")
    .requiredOption("--trainset-size <n>", "training examples available")
    .requiredOption("--budget <usd>", "most to spend, in US dollars")
    .option("--quality-target <0-1>", "quality to reach", "0.85")
    .option("--complexity <0-1>", "how hard the task is (higher = harder)", "0.5")
    .option("--domain <name>", "the task's domain (past runs in it raise the confidence)", "general")
    .option("--time-limit <minutes>", "the most time allowed")
    .addOption(new Option("--previous <optimizer>", "the optimizer run last time").choices(OPTIMIZERS))
    .option("--json", "print JSON")
    .action(async (opts: RecommendOptions, command: Command) => {
      const context = contextOf(opts);
      const remote = remoteOf(command);
      let plan: Plan;
      if (remote) {
        const data = await remote.request<{ planOptimization: { __typename: string } & Plan }>(
          `mutation Plan($input: RecommendOptimizerInput!) { planOptimization(input: $input) { __typename ... on OptimizerPlan { id recommendation { ${RECOMMENDATION_FIELDS} } } ... on Error { message } } }`,
          { input: context },
        );
        plan = unwrap(data.planOptimization);
        // GraphQL enum values are upper case; the local service's are the library's.
        plan.recommendation.configuration.auto = plan.recommendation.configuration.auto.toLowerCase() as OptimizerRecommendation["configuration"]["auto"];
      } else {
        plan = await withServices(({ services, principal }) => services.optimizerPlans.recommend(principal, context));
      }
      if (opts.json) return printJson({ id: plan.id, ...plan.recommendation });
      console.log(formatRecommendation(plan));
    });

  optimize
    .command("outcome")
    .description("Report which optimizer was run for a recorded recommendation and the quality it reached (once)")
    .argument("<id>", "the recommendation's id (printed by optimize recommend)")
    .addOption(new Option("--optimizer <optimizer>", "the optimizer actually run").choices(OPTIMIZERS).makeOptionMandatory())
    .requiredOption("--quality <0-1>", "the quality the run reached")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { optimizer: OptimizerKind; quality: string; json?: boolean }, command: Command) => {
      const quality = number("--quality", opts.quality, { min: 0, max: 1 });
      const remote = remoteOf(command);
      let outcome: { id: string; recommended: string; optimizer: string; quality: number; hit: boolean };
      if (remote) {
        const data = await remote.request<{ recordOptimizationOutcome: { __typename: string } & typeof outcome }>(
          `mutation Outcome($input: RecordOptimizationOutcomeInput!) { recordOptimizationOutcome(input: $input) { __typename ... on OptimizationOutcomePayload { id recommended optimizer quality hit } ... on Error { message } } }`,
          { input: { id, optimizer: opts.optimizer, quality } },
        );
        outcome = unwrap(data.recordOptimizationOutcome);
      } else {
        outcome = await withServices(async ({ services }) => {
          const row = await services.optimizerPlans.recordOutcome(id, opts.optimizer, quality);
          return { id: row.id, recommended: row.optimizer, optimizer: opts.optimizer, quality, hit: row.optimizer === opts.optimizer && quality >= row.qualityTarget };
        });
      }
      if (opts.json) return printJson(outcome);
      console.log(`Recorded: ${outcome.optimizer} reached ${outcome.quality} (recommended ${outcome.recommended}; ${outcome.hit ? "a hit" : "not a hit"}).`);
    });

  optimize
    .command("accuracy")
    .description("How well the recorded recommendations did, from their reported outcomes")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, command: Command) => {
      const remote = remoteOf(command);
      const accuracy: OptimizerAccuracy = remote
        ? (
            await remote.request<{ optimizerAccuracy: OptimizerAccuracy }>(
              `query Accuracy { optimizerAccuracy { recommendations withOutcome followed hits hitRate meanConfidence calibrationGap byOptimizer { optimizer recommended followed hits } } }`,
            )
          ).optimizerAccuracy
        : await withServices(({ services }) => services.optimizerPlans.accuracy());
      if (opts.json) return printJson(accuracy);
      const pct = (v: number | null) => (v === null ? "-" : `${Math.round(v * 100)}%`);
      console.log(
        `${accuracy.recommendations} recommendation(s), ${accuracy.withOutcome} with an outcome, ${accuracy.followed} followed, ${accuracy.hits} hit(s): hit rate ${pct(accuracy.hitRate)}, mean confidence ${pct(accuracy.meanConfidence)}, calibration gap ${accuracy.calibrationGap ?? "-"}\n`,
      );
      printTable(
        accuracy.byOptimizer,
        [
          { header: "OPTIMIZER", value: (r) => r.optimizer },
          { header: "RECOMMENDED", value: (r) => r.recommended, align: "right" },
          { header: "FOLLOWED", value: (r) => r.followed, align: "right" },
          { header: "HITS", value: (r) => r.hits, align: "right" },
        ],
        "No recommendations yet.",
      );
    });
}
