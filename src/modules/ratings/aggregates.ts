// Score aggregates: one ArtifactScore row per artifact holds everything its scores are computed
// from (rating count and sum, resolved matches, the community signals), so reads never scan
// ratings. Every write updates the row and the artifact's quality sort key in its transaction.
// Writers to one artifact are serialised: on SQLite by the single writer, on PostgreSQL by a
// transaction-scoped advisory lock per artifact (lock()).
import type { Database, SqlExecutor, Transaction } from "../../db/index.js";
import { chunks, join, modelDecoder, raw, sql } from "../../db/index.js";
import type { ArtifactScore, CommunityScore } from "../../generated/prisma/client.js";
import { NotFoundError } from "../../lib/errors.js";
import type { ArtifactService, ArtifactTrustRow } from "../artifacts/index.js";
import { computeScores, type CommunitySignal, type CompatibilitySignal, type MaintenanceSignal, type Scores, type TrustInput } from "./scoring.js";

/** What the score of one artifact is computed from: its aggregate row (null before any write). */
export interface ScoreData {
  aggregate: ArtifactScore | null;
}

export interface ArtifactScores extends Scores {
  artifactId: string;
  /** When any input of the scores last changed; null when nothing was ever recorded. */
  lastUpdated: Date | null;
}

export type ArtifactTrust = TrustInput & { id: string };

/** One deploy attempt's outcome at a target (a project's id): fits, or why not. */
export interface DeployOutcomeInput {
  target: string;
  fits: boolean;
  reason?: string | null;
}

export type AggregateDelta = { ratingCount?: number; ratingSum?: number; matchResolvedCount?: number; matchConfirmedConfidence?: number };

const decodeAggregate = modelDecoder<ArtifactScore>("ArtifactScore");
const AGGREGATE_COLUMNS = raw(`"artifactId", "ratingCount", "ratingSum", "matchResolvedCount", "matchConfirmedConfidence", "communitySignals", "upstreamLastCommitAt", "upstreamCommits90d", "upstreamCheckedAt", "compatTargets", "compatFits", "updatedAt"`);

export function trustOf(row: ArtifactTrustRow): ArtifactTrust {
  // An origin this code does not know yet gets the "unknown" trust prior.
  const origin = row.origin === "GITHUB" || row.origin === "LOCAL" ? row.origin : "MARKETPLACE";
  return { id: row.id, origin, sourceOwner: row.sourceOwner };
}

/** The aggregate's JSON copy of the community rows, as stored by signalsJson. */
export function parseSignals(value: unknown): CommunitySignal[] {
  if (!Array.isArray(value)) return [];
  const out: CommunitySignal[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== "object" || item === null) continue;
    const { source, score, lastUpdated } = item as Record<string, unknown>;
    if (typeof source === "string" && typeof score === "number" && typeof lastUpdated === "string") {
      out.push({ source, score, lastUpdated: new Date(lastUpdated) });
    }
  }
  return out;
}

export function signalsJson(rows: readonly Pick<CommunityScore, "source" | "score" | "lastUpdated">[]) {
  return [...rows]
    .sort((x, y) => (x.source < y.source ? -1 : x.source > y.source ? 1 : 0))
    .map((r) => ({ source: r.source, score: r.score, lastUpdated: r.lastUpdated.toISOString() }));
}

/** The aggregate's copy of the last successful upstream check, or null (no data: the prior). */
export function maintenanceOf(a: Pick<ArtifactScore, "upstreamLastCommitAt" | "upstreamCommits90d" | "upstreamCheckedAt"> | null): MaintenanceSignal | null {
  if (!a?.upstreamCheckedAt || !a.upstreamLastCommitAt) return null;
  return { lastCommitAt: a.upstreamLastCommitAt, commitsLast90Days: a.upstreamCommits90d ?? 0 };
}

/** The aggregate's count of deploy targets and fitting ones, or null before any deploy outcome (the prior). */
export function compatibilityOf(a: Pick<ArtifactScore, "compatTargets" | "compatFits"> | null): CompatibilitySignal | null {
  if (!a || a.compatTargets <= 0) return null;
  return { targets: a.compatTargets, fits: a.compatFits };
}

export function scoresFrom(artifact: ArtifactTrust, data: ScoreData, now: Date): ArtifactScores {
  const a = data.aggregate;
  const scores = computeScores(
    {
      artifact,
      ratingCount: a?.ratingCount ?? 0,
      ratingSum: a?.ratingSum ?? 0,
      community: parseSignals(a?.communitySignals),
      matchResolvedCount: a?.matchResolvedCount ?? 0,
      matchConfirmedConfidence: a?.matchConfirmedConfidence ?? 0,
      maintenance: maintenanceOf(a),
      compatibility: compatibilityOf(a),
    },
    now,
  );
  return { ...scores, artifactId: artifact.id, lastUpdated: a?.updatedAt ?? null };
}

export class ScoreStore {
  constructor(
    private readonly db: Database,
    private readonly artifacts: ArtifactService,
  ) {}

  /** Score inputs for many artifacts in one statement (the per-request loader's batch). */
  async scoreData(artifactIds: readonly string[], executor: SqlExecutor = this.db.sql): Promise<ScoreData[]> {
    const ids = [...new Set(artifactIds)];
    if (ids.length === 0) return [];
    const rows = await executor.query(sql`SELECT ${AGGREGATE_COLUMNS} FROM "ArtifactScore" WHERE "artifactId" IN (${join(ids)})`);
    const byId = new Map(rows.map((r) => [String(r.artifactId), decodeAggregate(r)]));
    return artifactIds.map((id) => ({ aggregate: byId.get(id) ?? null }));
  }

  /** Serialises writers per artifact. SQLite needs nothing: it has one writer at a time. */
  async lock(tx: SqlExecutor, artifactIds: readonly string[]): Promise<void> {
    if (tx.provider !== "postgresql") return;
    const keys = [...new Set(artifactIds)].sort().map((id) => `ratings:${id}`);
    // In key order, so two multi-artifact writers cannot deadlock.
    for (const part of chunks(keys)) {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${part}::text[]) AS k ORDER BY k`);
    }
  }

  /** The trust inputs of one artifact, inside a writer's transaction. */
  async trust(tx: SqlExecutor, id: string): Promise<ArtifactTrust> {
    const [row] = await this.artifacts.trust(tx, [id]);
    if (!row) throw new NotFoundError("Artifact", id);
    return trustOf(row);
  }

  /** Stores the artifact's upstream activity on its aggregate row (creating it), then refreshes its sort key. */
  async setMaintenance(tx: SqlExecutor, artifact: ArtifactTrust, signal: { lastCommitAt: Date | null; commitsLast90Days: number; checkedAt: Date }, now: Date): Promise<ArtifactScores> {
    const [row] = await tx.query(sql`
      INSERT INTO "ArtifactScore" ("artifactId", "ratingCount", "ratingSum", "matchResolvedCount", "matchConfirmedConfidence", "upstreamLastCommitAt", "upstreamCommits90d", "upstreamCheckedAt", "updatedAt")
      VALUES (${artifact.id}, 0, 0, 0, 0, ${signal.lastCommitAt}, ${signal.commitsLast90Days}, ${signal.checkedAt}, ${now})
      ON CONFLICT ("artifactId") DO UPDATE SET
        "upstreamLastCommitAt" = excluded."upstreamLastCommitAt",
        "upstreamCommits90d" = excluded."upstreamCommits90d",
        "upstreamCheckedAt" = excluded."upstreamCheckedAt",
        "updatedAt" = excluded."updatedAt"
      RETURNING ${AGGREGATE_COLUMNS}`);
    return this.rescored(tx, artifact, row, now);
  }

  /**
   * Stores the artifact's last deploy outcome at one target (replacing the target's previous one),
   * copies the counts of targets and fitting targets onto its aggregate row (creating it), then
   * refreshes its sort key.
   */
  async setDeployOutcome(tx: Transaction, artifact: ArtifactTrust, outcome: DeployOutcomeInput, now: Date): Promise<ArtifactScores> {
    const data = { fits: outcome.fits, reason: outcome.fits ? null : (outcome.reason ?? "did not fit").slice(0, 500), at: now };
    await tx.prisma.deployOutcome.upsert({ where: { artifactId_target: { artifactId: artifact.id, target: outcome.target } }, create: { artifactId: artifact.id, target: outcome.target, ...data }, update: data });
    const counts = await tx.prisma.deployOutcome.groupBy({ by: ["fits"], where: { artifactId: artifact.id }, _count: { _all: true } });
    const targets = counts.reduce((n, c) => n + c._count._all, 0);
    const fits = counts.find((c) => c.fits)?._count._all ?? 0;
    const [row] = await tx.sql.query(sql`
      INSERT INTO "ArtifactScore" ("artifactId", "ratingCount", "ratingSum", "matchResolvedCount", "matchConfirmedConfidence", "compatTargets", "compatFits", "updatedAt")
      VALUES (${artifact.id}, 0, 0, 0, 0, ${targets}, ${fits}, ${now})
      ON CONFLICT ("artifactId") DO UPDATE SET
        "compatTargets" = excluded."compatTargets",
        "compatFits" = excluded."compatFits",
        "updatedAt" = excluded."updatedAt"
      RETURNING ${AGGREGATE_COLUMNS}`);
    return this.rescored(tx.sql, artifact, row, now);
  }

  /** Applies a delta to the artifact's aggregate row (creating it), then refreshes its sort key. */
  async bump(tx: SqlExecutor, artifact: ArtifactTrust, delta: AggregateDelta, now: Date): Promise<ArtifactScores> {
    const [row] = await tx.query(sql`
      INSERT INTO "ArtifactScore" ("artifactId", "ratingCount", "ratingSum", "matchResolvedCount", "matchConfirmedConfidence", "updatedAt")
      VALUES (${artifact.id}, ${delta.ratingCount ?? 0}, ${delta.ratingSum ?? 0}, ${delta.matchResolvedCount ?? 0}, ${delta.matchConfirmedConfidence ?? 0}, ${now})
      ON CONFLICT ("artifactId") DO UPDATE SET
        "ratingCount" = "ArtifactScore"."ratingCount" + excluded."ratingCount",
        "ratingSum" = "ArtifactScore"."ratingSum" + excluded."ratingSum",
        "matchResolvedCount" = "ArtifactScore"."matchResolvedCount" + excluded."matchResolvedCount",
        "matchConfirmedConfidence" = "ArtifactScore"."matchConfirmedConfidence" + excluded."matchConfirmedConfidence",
        "updatedAt" = excluded."updatedAt"
      RETURNING ${AGGREGATE_COLUMNS}`);
    return this.rescored(tx, artifact, row, now);
  }

  /** Scores from an upserted aggregate row, and the artifact's quality sort key set to match. */
  private async rescored(tx: SqlExecutor, artifact: ArtifactTrust, row: Record<string, unknown> | undefined, now: Date): Promise<ArtifactScores> {
    if (!row) throw new Error(`ArtifactScore upsert for ${artifact.id} returned no row`);
    const scores = scoresFrom(artifact, { aggregate: decodeAggregate(row) }, now);
    await this.artifacts.setQualityScores(tx, [{ id: artifact.id, quality: scores.qualityScore }]);
    return scores;
  }
}
