// Ratings and scores: rate, change and delete ratings (here), with community signals
// (community.ts), match history (matches.ts), the aggregates every score is read from
// (aggregates.ts) and their full rebuild (recompute.ts).
import { annotate, inSpan } from "../../lib/telemetry.js";
import { randomUUID } from "node:crypto";
import type { Database, SqlExecutor } from "../../db/index.js";
import { sql } from "../../db/index.js";
import type { Prisma, Rating } from "../../generated/prisma/client.js";
import { ForbiddenError, NotFoundError } from "../../lib/errors.js";
import { principalRef, type Principal } from "../../lib/principal.js";
import type { ArtifactService } from "../artifacts/index.js";
import { scoresFrom, ScoreStore, trustOf, type ArtifactScores, type ArtifactTrust, type DeployOutcomeInput, type ScoreData } from "./aggregates.js";
import { CommunityScores } from "./community.js";
import { MatchHistory } from "./matches.js";
import { recomputeAll } from "./recompute.js";
import { checkFeedback, checkRateLimit, checkRating, RATE_LIMIT, RATE_WINDOW_MS } from "./rules.js";

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

/** The rater a principal rates as: "token:<id>", "cli:<user>". */
export const raterOf = (p: Principal): string => principalRef(p);

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

export class RatingService {
  readonly community: CommunityScores;
  readonly matches: MatchHistory;
  private readonly store: ScoreStore;

  constructor(
    private readonly db: Database,
    private readonly artifacts: ArtifactService,
    /** Injectable for tests of the 24-hour window and decay. */
    private readonly now: () => Date = () => new Date(),
  ) {
    this.store = new ScoreStore(db, artifacts);
    this.community = new CommunityScores(db, artifacts, this.store, now);
    this.matches = new MatchHistory(db, this.store, now);
  }

  // ---- reads

  /** Score inputs for many artifacts in one statement (the per-request loader's batch). */
  scoreData(artifactIds: readonly string[]): Promise<ScoreData[]> {
    return inSpan("score read", { "score.artifact_count": artifactIds.length }, async () => {
      const rows = await this.store.scoreData(artifactIds);
      annotate({ "score.rated_count": rows.filter((r) => r.aggregate !== null).length });
      return rows;
    });
  }

  async scoresOf(artifact: { id: string; origin: ArtifactTrust["origin"] | string; sourceOwner: string | null }): Promise<ArtifactScores> {
    const [data] = await this.store.scoreData([artifact.id]);
    return this.compute(artifact, data ?? { aggregate: null });
  }

  /** Computes scores at the current clock from already loaded inputs. */
  compute(artifact: { id: string; origin: string; sourceOwner: string | null }, data: ScoreData): ArtifactScores {
    return scoresFrom(trustOf({ id: artifact.id, origin: artifact.origin as ArtifactTrust["origin"], sourceOwner: artifact.sourceOwner }), data, this.now());
  }

  async ratingById(id: string): Promise<Rating> {
    const r = await this.db.prisma.rating.findUnique({ where: { id } });
    if (!r) throw new NotFoundError("Rating", id);
    return r;
  }

  /** Ratings as shared with the community, oldest first; every rating (shared or not) when `sharedOnly` is false. */
  export<Q extends Omit<Prisma.RatingFindManyArgs, "where" | "orderBy">>(_viewer: Principal, sharedOnly: boolean, query: Q) {
    return this.db.prisma.rating.findMany({ ...query, where: sharedOnly ? { shareWithCommunity: true } : {}, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }

  /** How many ratings `export` pages through. */
  countExport(_viewer: Principal, sharedOnly: boolean): Promise<number> {
    return this.db.prisma.rating.count({ where: sharedOnly ? { shareWithCommunity: true } : {} });
  }

  // ---- maintenance

  /**
   * Records a git-imported artifact's upstream activity (the upstream module calls it after each
   * successful check): the maintenance score is computed from it, and the sort key is refreshed.
   */
  setMaintenance(artifactId: string, signal: { lastCommitAt: Date | null; commitsLast90Days: number; checkedAt: Date }): Promise<ArtifactScores> {
    return this.db.sqlTransaction(async (tx) => {
      await this.store.lock(tx, [artifactId]);
      const artifact = await this.store.trust(tx, artifactId);
      return this.store.setMaintenance(tx, artifact, signal, this.now());
    });
  }

  /**
   * Records an artifact's deploy outcome at one target (the projects module reports each deploy and
   * sync): the compatibility score counts each target's last outcome, and the sort key is refreshed.
   */
  setDeployOutcome(artifactId: string, outcome: DeployOutcomeInput): Promise<ArtifactScores> {
    return this.db.transaction(async (tx) => {
      await this.store.lock(tx.sql, [artifactId]);
      const artifact = await this.store.trust(tx.sql, artifactId);
      return this.store.setDeployOutcome(tx, artifact, outcome, this.now());
    });
  }

  // ---- ratings

  /**
   * Rates an artifact: a rater has one rating per artifact, so rating again replaces the rater's
   * rating (same id, new value, feedback and sharing). Every call counts toward RATE_LIMIT per
   * rater and artifact in any rolling 24 hours, replacements included.
   */
  async rate(rater: Principal, input: RateInput): Promise<{ rating: Rating; scores: ArtifactScores }> {
    checkRating(input.rating, "input.rating");
    checkFeedback(input.feedback, "input.feedback");
    const raterId = raterOf(rater);
    return inSpan("rating submit", { "artifact.id": input.artifactId, "rating.value": input.rating }, () => this.rateInTransaction(raterId, input));
  }

  private rateInTransaction(raterId: string, input: RateInput): Promise<{ rating: Rating; scores: ArtifactScores }> {
    return this.db.sqlTransaction(async (tx) => {
      const now = this.now();
      await this.store.lock(tx, [input.artifactId]);
      const artifact = await this.store.trust(tx, input.artifactId);
      checkRateLimit(await this.recentRatings(tx, raterId, artifact.id, now), now);
      const [previous] = await tx.query<{ id: string; rating: number | bigint; createdAt: Date | string | number }>(
        sql`SELECT "id", "rating", "createdAt" FROM "Rating" WHERE "artifactId" = ${artifact.id} AND "raterId" = ${raterId}`,
      );
      let rating: Rating;
      let delta: { ratingCount: number; ratingSum: number };
      if (previous) {
        rating = { ...newRating(artifact.id, raterId, input, now), id: previous.id, createdAt: new Date(previous.createdAt) };
        await tx.execute(sql`
          UPDATE "Rating" SET "rating" = ${rating.rating}, "feedback" = ${rating.feedback}, "shareWithCommunity" = ${rating.shareWithCommunity}, "updatedAt" = ${now}
          WHERE "id" = ${previous.id}`);
        delta = { ratingCount: 0, ratingSum: input.rating - Number(previous.rating) };
      } else {
        rating = newRating(artifact.id, raterId, input, now);
        await tx.execute(sql`
          INSERT INTO "Rating" ("id", "artifactId", "raterId", "rating", "feedback", "shareWithCommunity", "createdAt", "updatedAt")
          VALUES (${rating.id}, ${rating.artifactId}, ${rating.raterId}, ${rating.rating}, ${rating.feedback}, ${rating.shareWithCommunity}, ${rating.createdAt}, ${rating.updatedAt})`);
        delta = { ratingCount: 1, ratingSum: input.rating };
      }
      await tx.execute(sql`INSERT INTO "RatingEvent" ("id", "raterId", "artifactId", "createdAt") VALUES (${randomUUID()}, ${raterId}, ${artifact.id}, ${now})`);
      annotate({ "rating.replaced": previous !== undefined });
      const scores = await inSpan("quality aggregation", { "rating.count_delta": delta.ratingCount, "rating.sum_delta": delta.ratingSum }, () => this.store.bump(tx, artifact, delta, now));
      return { rating, scores };
    });
  }

  /** The rater's rating events for the artifact within the window, oldest first, at most RATE_LIMIT. */
  private async recentRatings(tx: SqlExecutor, raterId: string, artifactId: string, now: Date): Promise<{ createdAt: Date }[]> {
    const rows = await tx.query<{ createdAt: Date | string }>(sql`
      SELECT "createdAt" FROM "RatingEvent"
      WHERE "raterId" = ${raterId} AND "artifactId" = ${artifactId} AND "createdAt" > ${new Date(now.getTime() - RATE_WINDOW_MS)}
      ORDER BY "createdAt" ASC LIMIT ${RATE_LIMIT}`);
    return rows.map((r) => ({ createdAt: new Date(r.createdAt) }));
  }

  /** Changes one's own rating. */
  async updateRating(rater: Principal, id: string, patch: RatingPatch): Promise<{ rating: Rating; scores: ArtifactScores }> {
    if (patch.rating != null) checkRating(patch.rating, "input.rating");
    checkFeedback(patch.feedback, "input.feedback");
    const current = await this.ownRating(rater, id);
    return this.db.transaction(async (tx) => {
      const now = this.now();
      await this.store.lock(tx.sql, [current.artifactId]);
      // Re-read under the lock: a concurrent update or delete may have won.
      const before = await tx.prisma.rating.findUnique({ where: { id } });
      if (!before) throw new NotFoundError("Rating", id);
      const rating = await tx.prisma.rating.update({
        where: { id },
        data: {
          ...(patch.rating != null ? { rating: patch.rating } : {}),
          ...(patch.feedback !== undefined ? { feedback: patch.feedback } : {}),
          ...(patch.shareWithCommunity != null ? { shareWithCommunity: patch.shareWithCommunity } : {}),
          updatedAt: now,
        },
      });
      const artifact = await this.store.trust(tx.sql, before.artifactId);
      const scores = await this.store.bump(tx.sql, artifact, { ratingCount: 0, ratingSum: rating.rating - before.rating }, now);
      return { rating, scores };
    });
  }

  /** Deletes one's own rating. (It still counts toward the rate limit for 24 hours.) */
  async deleteRating(rater: Principal, id: string): Promise<{ rating: Rating; scores: ArtifactScores }> {
    const current = await this.ownRating(rater, id);
    return this.db.transaction(async (tx) => {
      const now = this.now();
      await this.store.lock(tx.sql, [current.artifactId]);
      const before = await tx.prisma.rating.findUnique({ where: { id } });
      if (!before) throw new NotFoundError("Rating", id);
      await tx.prisma.rating.delete({ where: { id } });
      const artifact = await this.store.trust(tx.sql, before.artifactId);
      const scores = await this.store.bump(tx.sql, artifact, { ratingCount: -1, ratingSum: -before.rating }, now);
      return { rating: before, scores };
    });
  }

  private async ownRating(rater: Principal, id: string): Promise<Rating> {
    const r = await this.ratingById(id);
    if (r.raterId !== raterOf(rater)) throw new ForbiddenError("Rating", id, "Only the viewer who gave a rating can change or delete it.");
    return r;
  }

  /** Rebuilds every aggregate and sort key (the scores.recompute job). */
  recomputeAll(): Promise<{ artifactCount: number; ratingCount: number }> {
    return inSpan("quality aggregation", { "aggregation.scope": "all" }, async () => {
      const counts = await recomputeAll(this.db, this.artifacts, this.now());
      annotate({ "aggregation.artifact_count": counts.artifactCount, "aggregation.rating_count": counts.ratingCount });
      return counts;
    });
  }
}
