// Ratings, community scores and match history. Every write updates the artifact's aggregate row
// (ArtifactScore) and its quality-score sort key in the same transaction, so reads never scan
// ratings. Writers to one artifact are serialised: on SQLite by the adapter's single connection
// (one transaction at a time; rate() runs synchronously on it, never beside a Prisma transaction,
// and takes the write lock first with BEGIN IMMEDIATE), on PostgreSQL by a transaction-scoped
// advisory lock per artifact.
import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client.js";
import { Prisma } from "../../db/client.js";
import { sqlParams, type SqliteDirect, type SqlRunner } from "../../db/sqlite-direct.js";
import type { ArtifactMatch, ArtifactScore, CommunityScore, Rating } from "../../generated/prisma/client.js";
import { ForbiddenError, InvalidInputError, NotFoundError, RateLimitExceededError } from "../../lib/errors.js";
import { isPostgres } from "../artifacts/service.js";
import type { Viewer } from "../auth/viewer.js";
import { computeScores, type CommunitySignal, type Scores, type TrustInput } from "./scoring.js";

export const RATE_LIMIT = 5;
export const RATE_WINDOW_MS = 24 * 60 * 60 * 1000;
export const MAX_FEEDBACK = 2000;
export const MAX_IMPORT_ROWS = 10_000;
/** Community signals dated this far in the future are refused (clock skew allowance). */
const FUTURE_SKEW_MS = 5 * 60 * 1000;
/** Rows per multi-row statement: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const CHUNK = 500;

type Tx = Prisma.TransactionClient;

const SELECT_AGGREGATES = `SELECT "artifactId", "ratingCount", "ratingSum", "matchResolvedCount", "matchConfirmedConfidence", "communitySignals", "updatedAt" FROM "ArtifactScore"`;

/** Adds a delta to an artifact's aggregate row, creating it; shared by the Prisma and SQLite paths. */
const UPSERT_AGGREGATE = `INSERT INTO "ArtifactScore" ("artifactId", "ratingCount", "ratingSum", "matchResolvedCount", "matchConfirmedConfidence", "updatedAt")`;
const ADD_TO_AGGREGATE = `ON CONFLICT ("artifactId") DO UPDATE SET
  "ratingCount" = "ArtifactScore"."ratingCount" + excluded."ratingCount",
  "ratingSum" = "ArtifactScore"."ratingSum" + excluded."ratingSum",
  "matchResolvedCount" = "ArtifactScore"."matchResolvedCount" + excluded."matchResolvedCount",
  "matchConfirmedConfidence" = "ArtifactScore"."matchConfirmedConfidence" + excluded."matchConfirmedConfidence",
  "updatedAt" = excluded."updatedAt"
RETURNING "artifactId", "ratingCount", "ratingSum", "matchResolvedCount", "matchConfirmedConfidence", "communitySignals", "updatedAt"`;

type AggregateDelta = { ratingCount?: number; ratingSum?: number; matchResolvedCount?: number; matchConfirmedConfidence?: number };

// The write statements, built once and run on either path: Prisma's raw SQL, or (rate() on SQLite)
// Prisma's own connection directly, with the same text and values (sqlParams).
const sqlOf = {
  artifactTrust: (id: string) => Prisma.sql`SELECT "id", "origin", "sourceOwner" FROM "Artifact" WHERE "id" = ${id}`,
  /** The rater's rating events for the artifact since `since`, oldest first, at most RATE_LIMIT. */
  recentRatings: (raterId: string, artifactId: string, since: Date) => Prisma.sql`
    SELECT "createdAt" FROM "RatingEvent"
    WHERE "raterId" = ${raterId} AND "artifactId" = ${artifactId} AND "createdAt" > ${since}
    ORDER BY "createdAt" ASC LIMIT ${RATE_LIMIT}`,
  insertRating: (r: Rating) => Prisma.sql`
    INSERT INTO "Rating" ("id", "artifactId", "raterId", "rating", "feedback", "shareWithCommunity", "createdAt", "updatedAt")
    VALUES (${r.id}, ${r.artifactId}, ${r.raterId}, ${r.rating}, ${r.feedback}, ${r.shareWithCommunity}, ${r.createdAt}, ${r.updatedAt})`,
  insertRatingEvent: (raterId: string, artifactId: string, at: Date) =>
    Prisma.sql`INSERT INTO "RatingEvent" ("id", "raterId", "artifactId", "createdAt") VALUES (${randomUUID()}, ${raterId}, ${artifactId}, ${at})`,
  bumpAggregate: (artifactId: string, delta: AggregateDelta, now: Date) => Prisma.sql`
    ${Prisma.raw(UPSERT_AGGREGATE)}
    VALUES (${artifactId}, ${delta.ratingCount ?? 0}, ${delta.ratingSum ?? 0}, ${delta.matchResolvedCount ?? 0}, ${delta.matchConfirmedConfidence ?? 0}, ${now})
    ${Prisma.raw(ADD_TO_AGGREGATE)}`,
  /** Raw, so the artifact's own updatedAt does not move: a rating is not an edit of the artifact. */
  setQualityScore: (artifactId: string, qualityScore: number) => Prisma.sql`UPDATE "Artifact" SET "qualityScore" = ${qualityScore} WHERE "id" = ${artifactId}`,
};

function trustOf(row: { id: string; origin: string; sourceOwner: string | null } | undefined, id: string): ArtifactTrust {
  if (!row) throw new NotFoundError("Artifact", id);
  return { id: row.id, origin: toOrigin(row.origin), sourceOwner: row.sourceOwner };
}

/** The rater identity of a viewer: "token:<id>"; null for anonymous viewers. */
export function raterOf(viewer: Viewer): string | null {
  return viewer.tokenId ? `token:${viewer.tokenId}` : null;
}

export interface RateInput {
  artifactId: string;
  rating: number;
  feedback?: string | null;
  shareWithCommunity?: boolean | null;
}

export interface RatingPatch {
  rating?: number | null;
  feedback?: string | null;
  shareWithCommunity?: boolean | null;
}

export interface CommunityScoreRow {
  artifactId: string;
  source: string;
  score: number;
  lastUpdated: Date;
}

export interface MatchInput {
  query: string;
  artifactId: string;
  confidence: number;
}

/** What the score of one artifact is computed from: its aggregate row (null before any write). */
export interface ScoreData {
  aggregate: ArtifactScore | null;
}

export interface ArtifactScores extends Scores {
  artifactId: string;
  /** When any input of the scores last changed; null when nothing was ever recorded. */
  lastUpdated: Date | null;
}

type ArtifactTrust = TrustInput & { id: string };
const trustSelect = { id: true, origin: true, sourceOwner: true } as const;

/** An ArtifactScore row as raw SQL returns it (numbers may be bigint, JSON may be text, dates may be text). */
interface RawAggregate {
  artifactId: string;
  ratingCount: number | bigint;
  ratingSum: number | bigint;
  matchResolvedCount: number | bigint;
  matchConfirmedConfidence: number;
  communitySignals: unknown;
  updatedAt: Date | string;
}

function fromRawAggregate(r: RawAggregate): ArtifactScore {
  const signals = typeof r.communitySignals === "string" ? (JSON.parse(r.communitySignals) as unknown) : r.communitySignals;
  return {
    artifactId: r.artifactId,
    ratingCount: Number(r.ratingCount),
    ratingSum: Number(r.ratingSum),
    matchResolvedCount: Number(r.matchResolvedCount),
    matchConfirmedConfidence: Number(r.matchConfirmedConfidence),
    communitySignals: (signals ?? null) as ArtifactScore["communitySignals"],
    updatedAt: new Date(r.updatedAt),
  };
}

function toOrigin(value: string): ArtifactTrust["origin"] {
  // An origin this code does not know yet gets the "unknown" trust prior.
  return value === "GITHUB" || value === "LOCAL" ? value : "MARKETPLACE";
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function checkRating(rating: number, field: string): void {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new InvalidInputError(field, "must be a whole number from 1 to 5");
}

/** Refuses a rating when the rater's window already holds RATE_LIMIT (recent: oldest first). */
function checkRateLimit(recent: readonly { createdAt: Date | string }[], now: Date): void {
  const oldest = recent[0] ? new Date(recent[0].createdAt) : undefined;
  if (recent.length < RATE_LIMIT || !oldest) return;
  const retryAfterSeconds = Math.max(1, Math.ceil((oldest.getTime() + RATE_WINDOW_MS - now.getTime()) / 1000));
  throw new RateLimitExceededError(
    retryAfterSeconds,
    `You have rated this artifact ${RATE_LIMIT} times in the last 24 hours; try again in ${retryAfterSeconds} seconds.`,
  );
}

function newRating(artifactId: string, raterId: string, input: RateInput, now: Date): Rating {
  return {
    id: randomUUID(),
    artifactId,
    raterId,
    rating: input.rating,
    feedback: input.feedback ?? null,
    shareWithCommunity: input.shareWithCommunity ?? false,
    createdAt: now,
    updatedAt: now,
  };
}

function checkFeedback(feedback: string | null | undefined, field: string): void {
  if (feedback != null && feedback.length > MAX_FEEDBACK) throw new InvalidInputError(field, `must be at most ${MAX_FEEDBACK} characters`);
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

function signalsJson(rows: readonly Pick<CommunityScore, "source" | "score" | "lastUpdated">[]) {
  return [...rows]
    .sort((x, y) => (x.source < y.source ? -1 : x.source > y.source ? 1 : 0))
    .map((r) => ({ source: r.source, score: r.score, lastUpdated: r.lastUpdated.toISOString() }));
}

export function scoresFrom(artifact: ArtifactTrust, data: ScoreData, now: Date): ArtifactScores {
  const a = data.aggregate;
  const signals = parseSignals(a?.communitySignals);
  const scores = computeScores(
    {
      artifact,
      ratingCount: a?.ratingCount ?? 0,
      ratingSum: a?.ratingSum ?? 0,
      community: signals,
      matchResolvedCount: a?.matchResolvedCount ?? 0,
      matchConfirmedConfidence: a?.matchConfirmedConfidence ?? 0,
    },
    now,
  );
  return { ...scores, artifactId: artifact.id, lastUpdated: a?.updatedAt ?? null };
}

export class RatingService {
  constructor(
    private readonly db: Db,
    /** Injectable for tests of the 24-hour window and decay. */
    private readonly now: () => Date = () => new Date(),
    /** Prisma's SQLite connection, for rate() and scoreData(); null on PostgreSQL (see db/sqlite-direct.ts). */
    private readonly sqlite: () => SqliteDirect | null = () => null,
  ) {}

  // ---- reads

  /** Score inputs for many artifacts in one statement (the per-request loader's batch). */
  async scoreData(artifactIds: readonly string[], db: Db | Tx = this.db): Promise<ScoreData[]> {
    const ids = [...new Set(artifactIds)];
    if (ids.length === 0) return [];
    // The hottest read in the API: on SQLite straight from Prisma's connection (one statement
    // text for any number of ids), else raw SQL, about 3× cheaper than a model query.
    const sqlite = db === this.db ? this.sqlite() : null;
    const rows = sqlite
      ? sqlite.read<RawAggregate>(`${SELECT_AGGREGATES} WHERE "artifactId" IN (SELECT "value" FROM json_each(?))`, JSON.stringify(ids))
      : await db.$queryRaw<RawAggregate[]>`${Prisma.raw(SELECT_AGGREGATES)} WHERE "artifactId" IN (${Prisma.join(ids)})`;
    const byId = new Map(rows.map((r) => [r.artifactId, fromRawAggregate(r)]));
    return artifactIds.map((id) => ({ aggregate: byId.get(id) ?? null }));
  }

  async scoresOf(artifact: ArtifactTrust, db: Db | Tx = this.db): Promise<ArtifactScores> {
    const [data] = await this.scoreData([artifact.id], db);
    return scoresFrom(artifact, data ?? { aggregate: null }, this.now());
  }

  /** Computes scores at the current clock from already loaded inputs. */
  compute(artifact: ArtifactTrust, data: ScoreData): ArtifactScores {
    return scoresFrom(artifact, data, this.now());
  }

  async ratingById(id: string): Promise<Rating> {
    const r = await this.db.rating.findUnique({ where: { id } });
    if (!r) throw new NotFoundError("Rating", id);
    return r;
  }

  // ---- ratings

  /** Adds a rating; at most RATE_LIMIT per rater and artifact in any rolling 24 hours. */
  async rate(raterId: string, input: RateInput): Promise<{ rating: Rating; scores: ArtifactScores }> {
    checkRating(input.rating, "input.rating");
    checkFeedback(input.feedback, "input.feedback");
    // SQLite: one synchronous transaction on Prisma's connection, about ten times cheaper than the
    // same statements through an interactive Prisma transaction. It does not run while a Prisma
    // transaction is open on the connection; then the Prisma path below queues behind it.
    const direct = this.sqlite()?.transaction((sql) => this.rateOn(sql, raterId, input, this.now()));
    if (direct?.ran) return direct.value;
    return this.db.$transaction(async (tx) => {
      const now = this.now();
      await this.lock(tx, [input.artifactId]);
      const artifact = await this.artifactForWrite(tx, input.artifactId);
      // The hot path uses raw SQL (portable to both providers): about 3× cheaper per statement
      // than model queries through Prisma's query compiler.
      const recent = await tx.$queryRaw<{ createdAt: Date | string }[]>(sqlOf.recentRatings(raterId, artifact.id, new Date(now.getTime() - RATE_WINDOW_MS)));
      checkRateLimit(recent, now);
      const rating = newRating(artifact.id, raterId, input, now);
      await tx.$executeRaw(sqlOf.insertRating(rating));
      await tx.$executeRaw(sqlOf.insertRatingEvent(raterId, artifact.id, now));
      const scores = await this.bumpAggregate(tx, artifact, { ratingCount: 1, ratingSum: input.rating }, now);
      return { rating, scores };
    });
  }

  /** rate() on SQLite, inside SqliteDirect.transaction: the same statements as the Prisma path. */
  private rateOn(sql: SqlRunner, raterId: string, input: RateInput, now: Date): { rating: Rating; scores: ArtifactScores } {
    const get = <R>(q: Prisma.Sql) => sql.get<R>(q.sql, ...sqlParams(q.values));
    const all = <R>(q: Prisma.Sql) => sql.all<R>(q.sql, ...sqlParams(q.values));
    const run = (q: Prisma.Sql) => sql.run(q.sql, ...sqlParams(q.values));
    const artifact = trustOf(get(sqlOf.artifactTrust(input.artifactId)), input.artifactId);
    checkRateLimit(all<{ createdAt: string }>(sqlOf.recentRatings(raterId, artifact.id, new Date(now.getTime() - RATE_WINDOW_MS))), now);
    const rating = newRating(artifact.id, raterId, input, now);
    run(sqlOf.insertRating(rating));
    run(sqlOf.insertRatingEvent(raterId, artifact.id, now));
    const row = get<RawAggregate>(sqlOf.bumpAggregate(artifact.id, { ratingCount: 1, ratingSum: input.rating }, now));
    if (!row) throw new Error(`ArtifactScore upsert for ${artifact.id} returned no row`);
    const scores = scoresFrom(artifact, { aggregate: fromRawAggregate(row) }, now);
    run(sqlOf.setQualityScore(artifact.id, scores.qualityScore));
    return { rating, scores };
  }

  /** Changes one's own rating. */
  async updateRating(raterId: string, id: string, patch: RatingPatch): Promise<{ rating: Rating; scores: ArtifactScores }> {
    if (patch.rating != null) checkRating(patch.rating, "input.rating");
    checkFeedback(patch.feedback, "input.feedback");
    const current = await this.ownRating(raterId, id);
    return this.db.$transaction(async (tx) => {
      const now = this.now();
      await this.lock(tx, [current.artifactId]);
      // Re-read under the lock: a concurrent update or delete may have won.
      const before = await tx.rating.findUnique({ where: { id } });
      if (!before) throw new NotFoundError("Rating", id);
      const rating = await tx.rating.update({
        where: { id },
        data: {
          ...(patch.rating != null ? { rating: patch.rating } : {}),
          ...(patch.feedback !== undefined ? { feedback: patch.feedback } : {}),
          ...(patch.shareWithCommunity != null ? { shareWithCommunity: patch.shareWithCommunity } : {}),
          updatedAt: now,
        },
      });
      const artifact = await this.artifactForWrite(tx, before.artifactId);
      const scores = await this.bumpAggregate(tx, artifact, { ratingCount: 0, ratingSum: rating.rating - before.rating }, now);
      return { rating, scores };
    });
  }

  /** Deletes one's own rating. (It still counts toward the rate limit for 24 hours.) */
  async deleteRating(raterId: string, id: string): Promise<{ rating: Rating; scores: ArtifactScores }> {
    const current = await this.ownRating(raterId, id);
    return this.db.$transaction(async (tx) => {
      const now = this.now();
      await this.lock(tx, [current.artifactId]);
      const before = await tx.rating.findUnique({ where: { id } });
      if (!before) throw new NotFoundError("Rating", id);
      await tx.rating.delete({ where: { id } });
      const artifact = await this.artifactForWrite(tx, before.artifactId);
      const scores = await this.bumpAggregate(tx, artifact, { ratingCount: -1, ratingSum: -before.rating }, now);
      return { rating: before, scores };
    });
  }

  private async ownRating(raterId: string, id: string): Promise<Rating> {
    const r = await this.ratingById(id);
    if (r.raterId !== raterId) throw new ForbiddenError("Rating", id, "Only the viewer who gave a rating can change or delete it.");
    return r;
  }

  // ---- community scores

  /** Upserts a batch of community signals (≤ 10,000 rows) in one transaction; all or nothing. */
  async importCommunityScores(rows: readonly CommunityScoreRow[], importedFrom: string): Promise<{ imported: number; artifactCount: number }> {
    const now = this.now();
    if (rows.length > MAX_IMPORT_ROWS) throw new InvalidInputError("input.rows", `must have at most ${MAX_IMPORT_ROWS} rows`);
    if (importedFrom.trim() === "") throw new InvalidInputError("input.importedFrom", "must not be empty");
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      const at = `input.rows.${i}`;
      if (!Number.isFinite(r.score) || r.score < 0 || r.score > 100) throw new InvalidInputError(`${at}.score`, "must be from 0 to 100");
      if (r.source.trim() === "") throw new InvalidInputError(`${at}.source`, "must not be empty");
      if (Number.isNaN(r.lastUpdated.getTime()) || r.lastUpdated.getTime() > now.getTime() + FUTURE_SKEW_MS) {
        throw new InvalidInputError(`${at}.lastUpdated`, "must not be in the future");
      }
      const key = `${r.artifactId}\u0000${r.source}`;
      if (seen.has(key)) throw new InvalidInputError(at, `repeats artifact ${r.artifactId} with source "${r.source}" in the same batch`);
      seen.add(key);
    });
    const ids = [...new Set(rows.map((r) => r.artifactId))].sort();
    if (ids.length === 0) return { imported: 0, artifactCount: 0 };
    return this.db.$transaction(
      async (tx) => {
        await this.lock(tx, ids);
        const artifacts = await this.artifactsForWrite(tx, ids);
        for (const part of chunks(rows)) {
          const values = part.map(
            (r) => Prisma.sql`(${r.artifactId}, ${r.source}, ${r.score}, ${r.lastUpdated}, ${importedFrom}, ${now})`,
          );
          await tx.$executeRaw`
            INSERT INTO "CommunityScore" ("artifactId", "source", "score", "lastUpdated", "importedFrom", "importedAt")
            VALUES ${Prisma.join(values)}
            ON CONFLICT ("artifactId", "source") DO UPDATE SET
              "score" = excluded."score", "lastUpdated" = excluded."lastUpdated",
              "importedFrom" = excluded."importedFrom", "importedAt" = excluded."importedAt"`;
        }
        await this.refreshCommunity(tx, artifacts, now);
        return { imported: rows.length, artifactCount: ids.length };
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
  }

  // ---- match history

  async recordMatch(recordedBy: string, input: MatchInput): Promise<ArtifactMatch> {
    const query = input.query.trim();
    if (query === "" || query.length > 500) throw new InvalidInputError("input.query", "must be 1–500 characters");
    if (!Number.isFinite(input.confidence) || input.confidence < 0 || input.confidence > 1) {
      throw new InvalidInputError("input.confidence", "must be from 0 to 1");
    }
    await this.artifactForWrite(this.db, input.artifactId);
    return this.db.artifactMatch.create({
      data: { artifactId: input.artifactId, query, confidence: input.confidence, recordedBy, createdAt: this.now() },
    });
  }

  /** Confirms or rejects a match (again, to change one's mind); the artifact's match score follows. */
  async confirmMatch(id: string, confirmed: boolean): Promise<{ match: ArtifactMatch; scores: ArtifactScores }> {
    const found = await this.db.artifactMatch.findUnique({ where: { id } });
    if (!found) throw new NotFoundError("Match", id);
    return this.db.$transaction(async (tx) => {
      const now = this.now();
      await this.lock(tx, [found.artifactId]);
      const before = await tx.artifactMatch.findUnique({ where: { id } });
      if (!before) throw new NotFoundError("Match", id);
      const match = await tx.artifactMatch.update({ where: { id }, data: { confirmed, confirmedAt: now } });
      const contribution = (m: ArtifactMatch) => ({
        resolved: m.confirmed === null ? 0 : 1,
        confidence: m.confirmed === true ? m.confidence : 0,
      });
      const was = contribution(before);
      const is = contribution(match);
      const artifact = await this.artifactForWrite(tx, match.artifactId);
      const scores = await this.bumpAggregate(
        tx,
        artifact,
        { matchResolvedCount: is.resolved - was.resolved, matchConfirmedConfidence: is.confidence - was.confidence },
        now,
      );
      return { match, scores };
    });
  }

  // ---- rebuild

  /**
   * Rebuilds every aggregate and sort key from the ratings and matches, and drops rate-limit
   * entries older than the window. Synchronous for now; the jobs module can run it as a job.
   */
  async recomputeAll(): Promise<{ artifactCount: number; ratingCount: number }> {
    const now = this.now();
    return this.db.$transaction(
      async (tx) => {
        const [ratings, matches, artifacts, community] = await Promise.all([
          tx.rating.groupBy({ by: ["artifactId"], _count: { _all: true }, _sum: { rating: true } }),
          tx.artifactMatch.groupBy({ by: ["artifactId", "confirmed"], _count: { _all: true }, _sum: { confidence: true } }),
          tx.artifact.findMany({ select: trustSelect }),
          tx.communityScore.findMany(),
        ]);
        const agg = new Map<string, ArtifactScore>();
        const row = (artifactId: string): ArtifactScore => {
          let r = agg.get(artifactId);
          if (!r) {
            r = { artifactId, ratingCount: 0, ratingSum: 0, matchResolvedCount: 0, matchConfirmedConfidence: 0, communitySignals: null, updatedAt: now };
            agg.set(artifactId, r);
          }
          return r;
        };
        let ratingCount = 0;
        for (const g of ratings) {
          const r = row(g.artifactId);
          r.ratingCount = g._count._all;
          r.ratingSum = g._sum.rating ?? 0;
          ratingCount += g._count._all;
        }
        for (const g of matches) {
          if (g.confirmed === null) continue;
          const r = row(g.artifactId);
          r.matchResolvedCount += g._count._all;
          if (g.confirmed) r.matchConfirmedConfidence += g._sum.confidence ?? 0;
        }
        const signals = new Map<string, CommunityScore[]>();
        for (const c of community) {
          const list = signals.get(c.artifactId) ?? [];
          list.push(c);
          signals.set(c.artifactId, list);
        }
        for (const [artifactId, list] of signals) row(artifactId).communitySignals = signalsJson(list);
        // Keep each artifact's last-changed time when nothing of it changed.
        const previous = new Map((await tx.artifactScore.findMany()).map((a) => [a.artifactId, a]));
        for (const r of agg.values()) {
          const p = previous.get(r.artifactId);
          if (p && p.ratingCount === r.ratingCount && p.ratingSum === r.ratingSum && p.matchResolvedCount === r.matchResolvedCount &&
            Math.abs(p.matchConfirmedConfidence - r.matchConfirmedConfidence) < 1e-9 &&
            JSON.stringify(p.communitySignals ?? null) === JSON.stringify(r.communitySignals)) {
            r.updatedAt = p.updatedAt;
            r.matchConfirmedConfidence = p.matchConfirmedConfidence;
          }
        }
        await tx.artifactScore.deleteMany({});
        for (const part of chunks([...agg.values()])) {
          await tx.artifactScore.createMany({ data: part.map((r) => ({ ...r, communitySignals: r.communitySignals ?? Prisma.DbNull })) });
        }
        await tx.ratingEvent.deleteMany({ where: { createdAt: { lte: new Date(now.getTime() - RATE_WINDOW_MS) } } });

        const keys = artifacts.map((a) => ({ id: a.id, quality: scoresFrom(a, { aggregate: agg.get(a.id) ?? null }, now).qualityScore }));
        await this.writeQualityKeyValues(tx, keys);
        return { artifactCount: artifacts.length, ratingCount };
      },
      { timeout: 600_000, maxWait: 10_000 },
    );
  }

  // ---- internals

  /** Serialises writers per artifact. SQLite needs nothing: the adapter runs one transaction at a time. */
  private async lock(tx: Tx, artifactIds: readonly string[]): Promise<void> {
    if (!isPostgres(this.db)) return;
    const keys = [...new Set(artifactIds)].sort().map((id) => `ratings:${id}`);
    // In key order, so two multi-artifact writers cannot deadlock.
    for (const part of chunks(keys)) {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${part}::text[]) AS k ORDER BY k`;
    }
  }

  private async artifactForWrite(db: Db | Tx, id: string): Promise<ArtifactTrust> {
    const [a] = await db.$queryRaw<{ id: string; origin: string; sourceOwner: string | null }[]>(sqlOf.artifactTrust(id));
    return trustOf(a, id);
  }

  private async artifactsForWrite(tx: Tx, ids: readonly string[]): Promise<ArtifactTrust[]> {
    const found: ArtifactTrust[] = [];
    for (const part of chunks(ids, 5000)) found.push(...(await tx.artifact.findMany({ where: { id: { in: part } }, select: trustSelect })));
    if (found.length !== ids.length) {
      const have = new Set(found.map((a) => a.id));
      const missing = ids.find((id) => !have.has(id)) ?? "";
      throw new NotFoundError("Artifact", missing);
    }
    return found;
  }

  /** Applies a delta to the artifact's aggregate row (creating it), then refreshes the sort key. */
  private async bumpAggregate(
    tx: Tx,
    artifact: ArtifactTrust,
    delta: AggregateDelta,
    now: Date,
  ): Promise<ArtifactScores> {
    const [row] = await tx.$queryRaw<RawAggregate[]>(sqlOf.bumpAggregate(artifact.id, delta, now));
    if (!row) throw new Error(`ArtifactScore upsert for ${artifact.id} returned no row`);
    const scores = scoresFrom(artifact, { aggregate: fromRawAggregate(row) }, now);
    await tx.$executeRaw(sqlOf.setQualityScore(artifact.id, scores.qualityScore));
    return scores;
  }

  /** After an import: copies the artifacts' community rows into their aggregates and refreshes the sort keys. */
  private async refreshCommunity(tx: Tx, artifacts: readonly ArtifactTrust[], now: Date): Promise<void> {
    const pg = isPostgres(this.db);
    const keys: { id: string; quality: number }[] = [];
    for (const part of chunks(artifacts)) {
      const ids = part.map((a) => a.id);
      const community = await tx.communityScore.findMany({ where: { artifactId: { in: ids } } });
      const byArtifact = new Map<string, CommunityScore[]>();
      for (const c of community) {
        const list = byArtifact.get(c.artifactId) ?? [];
        list.push(c);
        byArtifact.set(c.artifactId, list);
      }
      const values = ids.map((id) => {
        const json = JSON.stringify(signalsJson(byArtifact.get(id) ?? []));
        // PostgreSQL's column is jsonb; SQLite's is text (a CAST there would mean NUMERIC).
        return Prisma.sql`(${id}, 0, 0, 0, 0, ${pg ? Prisma.sql`CAST(${json} AS jsonb)` : json}, ${now})`;
      });
      await tx.$executeRaw`
        INSERT INTO "ArtifactScore" ("artifactId", "ratingCount", "ratingSum", "matchResolvedCount", "matchConfirmedConfidence", "communitySignals", "updatedAt")
        VALUES ${Prisma.join(values)}
        ON CONFLICT ("artifactId") DO UPDATE SET "communitySignals" = excluded."communitySignals", "updatedAt" = excluded."updatedAt"`;
      const data = await this.scoreData(ids, tx);
      part.forEach((a, i) => keys.push({ id: a.id, quality: scoresFrom(a, data[i] ?? { aggregate: null }, now).qualityScore }));
    }
    await this.writeQualityKeyValues(tx, keys);
  }

  private async writeQualityKeyValues(tx: Tx, keys: readonly { id: string; quality: number }[]): Promise<void> {
    for (const part of chunks(keys)) {
      const cases = part.map((k) => Prisma.sql`WHEN ${k.id} THEN ${k.quality}`);
      // CAST keeps PostgreSQL from reading the parameters as text.
      await tx.$executeRaw`
        UPDATE "Artifact" SET "qualityScore" = CAST(CASE "id" ${Prisma.join(cases, " ")} END AS DOUBLE PRECISION)
        WHERE "id" IN (${Prisma.join(part.map((k) => k.id))})`;
    }
  }
}
