// Match history: which search queries matched which artifacts, and whether people agreed. The
// share of confirmed matches is the artifact's match score (kept in its aggregate).
import type { Database } from "../../db/index.js";
import type { ArtifactMatch, Prisma } from "../../generated/prisma/client.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { Principal } from "../../lib/principal.js";
import type { ArtifactScores, ScoreStore } from "./aggregates.js";

export interface MatchInput {
  query: string;
  artifactId: string;
  confidence: number;
}

export class MatchHistory {
  constructor(
    private readonly db: Database,
    private readonly store: ScoreStore,
    private readonly now: () => Date,
  ) {}

  async record(actor: Principal, input: MatchInput): Promise<ArtifactMatch> {
    const query = input.query.trim();
    if (query === "" || query.length > 500) throw new InvalidInputError("input.query", "must be 1–500 characters");
    if (!Number.isFinite(input.confidence) || input.confidence < 0 || input.confidence > 1) {
      throw new InvalidInputError("input.confidence", "must be from 0 to 1");
    }
    await this.store.trust(this.db.sql, input.artifactId);
    return this.db.prisma.artifactMatch.create({
      data: { artifactId: input.artifactId, query, confidence: input.confidence, recordedBy: actor.name, createdAt: this.now() },
    });
  }

  /** Confirms or rejects a match (again, to change one's mind); the artifact's match score follows. */
  async confirm(id: string, confirmed: boolean): Promise<{ match: ArtifactMatch; scores: ArtifactScores }> {
    const found = await this.db.prisma.artifactMatch.findUnique({ where: { id }, select: { artifactId: true } });
    if (!found) throw new NotFoundError("Match", id);
    return this.db.transaction(async (tx) => {
      const now = this.now();
      await this.store.lock(tx.sql, [found.artifactId]);
      const before = await tx.prisma.artifactMatch.findUnique({ where: { id } });
      if (!before) throw new NotFoundError("Match", id);
      const match = await tx.prisma.artifactMatch.update({ where: { id }, data: { confirmed, confirmedAt: now } });
      const contribution = (m: ArtifactMatch) => ({ resolved: m.confirmed === null ? 0 : 1, confidence: m.confirmed === true ? m.confidence : 0 });
      const was = contribution(before);
      const is = contribution(match);
      const artifact = await this.store.trust(tx.sql, match.artifactId);
      const scores = await this.store.bump(tx.sql, artifact, { matchResolvedCount: is.resolved - was.resolved, matchConfirmedConfidence: is.confidence - was.confidence }, now);
      return { match, scores };
    });
  }

  /** Matches by id with `query`'s selection (node loading and lists go through the Prisma plugin). */
  get<Q extends Omit<Prisma.ArtifactMatchFindUniqueArgs, "where">>(id: string, query?: Q) {
    return this.db.prisma.artifactMatch.findUnique({ ...query, where: { id } });
  }
}
