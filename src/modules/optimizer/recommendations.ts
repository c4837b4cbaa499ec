// The selector as a service: each recommendation it makes is recorded (inputs, choice, confidence,
// estimates, who asked), its outcome can be reported later, and the accuracy reviewed.
import type { Database } from "../../db/index.js";
import type { Prisma } from "../../db/index.js";
import type { OptimizerRecommendationRecord } from "../../generated/prisma/client.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { principalRef, type Principal } from "../../lib/principal.js";
import { accuracyOf, type OptimizerAccuracy } from "./accuracy.js";
import { recommendOptimizer, type OptimizerContext, type OptimizerKind, type OptimizerRecommendation, type OptimizerRun } from "./selector.js";

export const OPTIMIZERS = ["REFLECTION_METRICS", "GEPA", "MIPROV2", "BOOTSTRAP_FEW_SHOT", "BOOTSTRAP_FINETUNE"] as const satisfies readonly OptimizerKind[];

export interface RecordedPlan {
  /** The record's id: report the run's outcome against it. */
  id: string;
  recommendation: OptimizerRecommendation;
  createdAt: Date;
}

const unit = (field: string, v: number) => {
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new InvalidInputError(field, "must be between 0 and 1");
};

export class OptimizerPlanService {
  constructor(private readonly database: Database) {}

  /** Recommends an optimizer for the inputs and records the recommendation. */
  async recommend(requestedBy: Principal, context: OptimizerContext, history: OptimizerRun[] = []): Promise<RecordedPlan> {
    if (!Number.isInteger(context.trainsetSize) || context.trainsetSize < 0) throw new InvalidInputError("trainsetSize", "must be a whole number, 0 or more");
    if (!Number.isFinite(context.budgetUsd) || context.budgetUsd < 0) throw new InvalidInputError("budgetUsd", "must be 0 or more");
    unit("qualityTarget", context.qualityTarget);
    unit("complexityScore", context.complexityScore);
    const recommendation = recommendOptimizer(context, history);
    const row = await this.database.prisma.optimizerRecommendationRecord.create({
      data: {
        inputs: { ...context, historyRuns: history.length } as Prisma.InputJsonValue,
        optimizer: recommendation.optimizer,
        confidence: recommendation.confidence,
        estimatedCostUsd: recommendation.estimatedCostUsd,
        estimatedMinutes: recommendation.estimatedMinutes,
        qualityTarget: context.qualityTarget,
        requestedBy: principalRef(requestedBy),
      },
    });
    return { id: row.id, recommendation, createdAt: row.createdAt };
  }

  /** Records which optimizer was actually run for a recommendation and the quality it reached (once). */
  async recordOutcome(id: string, optimizer: OptimizerKind, quality: number): Promise<OptimizerRecommendationRecord> {
    unit("quality", quality);
    // Only a record without an outcome is updated, so a second report cannot overwrite the first.
    const r = await this.database.prisma.optimizerRecommendationRecord.updateMany({
      where: { id, outcomeAt: null },
      data: { outcomeOptimizer: optimizer, outcomeQuality: quality, outcomeAt: new Date() },
    });
    const row = await this.database.prisma.optimizerRecommendationRecord.findUnique({ where: { id } });
    if (!row) throw new NotFoundError("OptimizerRecommendation", id);
    if (r.count === 0) throw new InvalidInputError("id", "the outcome of this recommendation was already reported");
    return row;
  }

  /** The selector's accuracy over every recorded recommendation. */
  async accuracy(): Promise<OptimizerAccuracy> {
    const rows = await this.database.prisma.optimizerRecommendationRecord.findMany({
      select: { optimizer: true, confidence: true, qualityTarget: true, outcomeOptimizer: true, outcomeQuality: true },
    });
    return accuracyOf(rows, OPTIMIZERS);
  }
}
