// Training examples: add, record outcomes (compare-and-set, so concurrent outcomes all count),
// select the best, and analyse the set.
import type { Database } from "../../db/index.js";
import { DbNull, type Prisma } from "../../db/index.js";
import type { TrainingExample } from "../../generated/prisma/client.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { analyse, applyOutcome, selectionScore, type TrainingAnalytics } from "./training.js";

export interface AddTrainingExampleInput {
  taskDescription: string;
  category: string;
  qualityScore: number;
  humanRating?: number | null;
  tags?: string[] | null;
  input?: unknown;
  expectedOutput?: unknown;
}

const unit = (field: string, v: number) => {
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new InvalidInputError(field, "must be between 0 and 1");
};

export class TrainingService {
  constructor(
    private readonly database: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async add(input: AddTrainingExampleInput): Promise<TrainingExample> {
    unit("input.qualityScore", input.qualityScore);
    if (input.humanRating !== null && input.humanRating !== undefined && (input.humanRating < 1 || input.humanRating > 5)) {
      throw new InvalidInputError("input.humanRating", "must be between 1 and 5");
    }
    const json = (v: unknown) => (v === undefined || v === null ? DbNull : (v as Prisma.InputJsonValue));
    return this.database.prisma.trainingExample.create({
      data: {
        taskDescription: input.taskDescription,
        category: input.category,
        qualityScore: input.qualityScore,
        humanRating: input.humanRating ?? null,
        tags: [...new Set(input.tags ?? [])],
        input: json(input.input),
        expectedOutput: json(input.expectedOutput),
      },
    });
  }

  /** Moves the scores by one outcome: quality = 0.8·old + 0.2·quality, success = 0.9·old + 0.1·passed. */
  async recordOutcome(id: string, outcome: { quality: number; passed: boolean }): Promise<TrainingExample> {
    unit("input.quality", outcome.quality);
    for (;;) {
      const current = await this.database.prisma.trainingExample.findUnique({ where: { id } });
      if (!current) throw new NotFoundError("TrainingExample", id);
      const next = applyOutcome(current, outcome);
      // Compare-and-set on usageCount: a concurrent outcome makes this match nothing, and we re-read.
      const r = await this.database.prisma.trainingExample.updateMany({
        where: { id, usageCount: current.usageCount },
        data: { ...next, usageCount: current.usageCount + 1, lastUsedAt: this.now() },
      });
      if (r.count === 1) return this.database.prisma.trainingExample.findUniqueOrThrow({ where: { id } });
    }
  }

  /** The best `limit` examples with quality ≥ minQuality, by 0.6·quality + 0.4·success. */
  async select(limit: number, minQuality: number, category?: string | null): Promise<Array<TrainingExample & { score: number }>> {
    const rows = await this.database.prisma.trainingExample.findMany({
      where: { qualityScore: { gte: minQuality }, ...(category ? { category } : {}) },
    });
    return rows
      .map((r) => ({ ...r, score: selectionScore(r) }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  async analytics(): Promise<TrainingAnalytics> {
    const rows = await this.database.prisma.trainingExample.findMany({ select: { id: true, category: true, qualityScore: true, successRate: true } });
    return analyse(rows);
  }

  /** Examples by id, in the order asked (missing ones left out). */
  async byIds(ids: readonly string[]): Promise<TrainingExample[]> {
    const rows = await this.database.prisma.trainingExample.findMany({ where: { id: { in: [...ids] } } });
    const byId = new Map(rows.map((e) => [e.id, e]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
}
