// Rebuilds every aggregate and sort key from the ratings, matches, community and deploy-outcome rows, and drops
// rate-limit entries older than the window (the scores.recompute job runs it).
import type { Database } from "../../db/index.js";
import { chunks, DbNull } from "../../db/index.js";
import type { ArtifactScore, CommunityScore } from "../../generated/prisma/client.js";
import type { ArtifactService } from "../artifacts/index.js";
import { scoresFrom, signalsJson, trustOf } from "./aggregates.js";
import { RATE_WINDOW_MS } from "./rules.js";

export async function recomputeAll(db: Database, artifacts: ArtifactService, now: Date): Promise<{ artifactCount: number; ratingCount: number }> {
  return db.transaction(
    async ({ prisma: tx, sql }) => {
      const [ratings, matches, trust, community, outcomes] = await Promise.all([
        tx.rating.groupBy({ by: ["artifactId"], _count: { _all: true }, _sum: { rating: true } }),
        tx.artifactMatch.groupBy({ by: ["artifactId", "confirmed"], _count: { _all: true }, _sum: { confidence: true } }),
        artifacts.allTrust(sql),
        tx.communityScore.findMany(),
        tx.deployOutcome.groupBy({ by: ["artifactId", "fits"], _count: { _all: true } }),
      ]);
      const agg = new Map<string, ArtifactScore>();
      const row = (artifactId: string): ArtifactScore => {
        let r = agg.get(artifactId);
        if (!r) {
          r = { artifactId, ratingCount: 0, ratingSum: 0, matchResolvedCount: 0, matchConfirmedConfidence: 0, communitySignals: null, upstreamLastCommitAt: null, upstreamCommits90d: null, upstreamCheckedAt: null, compatTargets: 0, compatFits: 0, updatedAt: now };
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
      for (const g of outcomes) {
        const r = row(g.artifactId);
        r.compatTargets += g._count._all;
        if (g.fits) r.compatFits += g._count._all;
      }
      const signals = new Map<string, CommunityScore[]>();
      for (const c of community) signals.set(c.artifactId, [...(signals.get(c.artifactId) ?? []), c]);
      for (const [artifactId, list] of signals) row(artifactId).communitySignals = signalsJson(list);
      const previous = new Map((await tx.artifactScore.findMany()).map((a) => [a.artifactId, a]));
      // The upstream copy has no source rows here (the upstream module writes it after each check): kept as is.
      for (const p of previous.values()) {
        if (p.upstreamCheckedAt === null) continue;
        const r = row(p.artifactId);
        r.upstreamLastCommitAt = p.upstreamLastCommitAt;
        r.upstreamCommits90d = p.upstreamCommits90d;
        r.upstreamCheckedAt = p.upstreamCheckedAt;
      }
      // Keep each artifact's last-changed time when nothing of it changed.
      for (const r of agg.values()) {
        const p = previous.get(r.artifactId);
        if (
          p &&
          p.ratingCount === r.ratingCount &&
          p.ratingSum === r.ratingSum &&
          p.matchResolvedCount === r.matchResolvedCount &&
          Math.abs(p.matchConfirmedConfidence - r.matchConfirmedConfidence) < 1e-9 &&
          JSON.stringify(p.communitySignals ?? null) === JSON.stringify(r.communitySignals) &&
          p.upstreamCheckedAt?.getTime() === r.upstreamCheckedAt?.getTime() &&
          p.compatTargets === r.compatTargets &&
          p.compatFits === r.compatFits
        ) {
          r.updatedAt = p.updatedAt;
          r.matchConfirmedConfidence = p.matchConfirmedConfidence;
        }
      }
      await tx.artifactScore.deleteMany({});
      for (const part of chunks([...agg.values()])) {
        await tx.artifactScore.createMany({ data: part.map((r) => ({ ...r, communitySignals: r.communitySignals ?? DbNull })) });
      }
      await tx.ratingEvent.deleteMany({ where: { createdAt: { lte: new Date(now.getTime() - RATE_WINDOW_MS) } } });
      const keys = trust.map((a) => ({ id: a.id, quality: scoresFrom(trustOf(a), { aggregate: agg.get(a.id) ?? null }, now).qualityScore }));
      await artifacts.setQualityScores(sql, keys);
      return { artifactCount: trust.length, ratingCount };
    },
    { timeoutMs: 600_000 },
  );
}
