// Community scores: signals imported from outside (another instance, a public index), one per
// (artifact, source), copied into each artifact's aggregate so reads need no join.
import type { Database, SqlExecutor, Tx } from "../../db/index.js";
import { chunks, join, sql } from "../../db/index.js";
import type { CommunityScore } from "../../generated/prisma/client.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { ArtifactService } from "../artifacts/index.js";
import { scoresFrom, signalsJson, trustOf, type ArtifactTrust, type ScoreStore } from "./aggregates.js";
import { MAX_IMPORT_ROWS } from "./rules.js";

/** Community signals dated this far in the future are refused (clock skew allowance). */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

export interface CommunityScoreRow {
  artifactId: string;
  source: string;
  score: number;
  lastUpdated: Date;
}

export class CommunityScores {
  constructor(
    private readonly db: Database,
    private readonly artifacts: ArtifactService,
    private readonly store: ScoreStore,
    private readonly now: () => Date,
  ) {}

  /** Upserts a batch of community signals (≤ 10,000 rows) in one transaction; all or nothing. */
  async import(rows: readonly CommunityScoreRow[], importedFrom: string): Promise<{ imported: number; artifactCount: number }> {
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
    return this.db.transaction(
      async (tx) => {
        await this.store.lock(tx.sql, ids);
        const found = await this.artifacts.trust(tx.sql, ids);
        if (found.length !== ids.length) {
          const have = new Set(found.map((a) => a.id));
          throw new NotFoundError("Artifact", ids.find((id) => !have.has(id)) ?? "");
        }
        for (const part of chunks(rows)) {
          const values = part.map((r) => sql`(${r.artifactId}, ${r.source}, ${r.score}, ${r.lastUpdated}, ${importedFrom}, ${now})`);
          await tx.sql.execute(sql`
            INSERT INTO "CommunityScore" ("artifactId", "source", "score", "lastUpdated", "importedFrom", "importedAt")
            VALUES ${join(values)}
            ON CONFLICT ("artifactId", "source") DO UPDATE SET
              "score" = excluded."score", "lastUpdated" = excluded."lastUpdated",
              "importedFrom" = excluded."importedFrom", "importedAt" = excluded."importedAt"`);
        }
        await this.refresh(tx.sql, tx.prisma, found.map(trustOf), now);
        return { imported: rows.length, artifactCount: ids.length };
      },
      { timeoutMs: 120_000 },
    );
  }

  /** After an import: copies the artifacts' community rows into their aggregates and refreshes the sort keys. */
  private async refresh(tx: SqlExecutor, prisma: Tx, artifacts: readonly ArtifactTrust[], now: Date): Promise<void> {
    const pg = tx.provider === "postgresql";
    const keys: { id: string; quality: number }[] = [];
    for (const part of chunks(artifacts)) {
      const ids = part.map((a) => a.id);
      const community = await prisma.communityScore.findMany({ where: { artifactId: { in: ids } } });
      const byArtifact = new Map<string, CommunityScore[]>();
      for (const c of community) byArtifact.set(c.artifactId, [...(byArtifact.get(c.artifactId) ?? []), c]);
      const values = ids.map((id) => {
        const json = JSON.stringify(signalsJson(byArtifact.get(id) ?? []));
        // PostgreSQL's column is jsonb; SQLite's is text (a CAST there would mean NUMERIC).
        return sql`(${id}, 0, 0, 0, 0, ${pg ? sql`CAST(${json} AS jsonb)` : json}, ${now})`;
      });
      await tx.execute(sql`
        INSERT INTO "ArtifactScore" ("artifactId", "ratingCount", "ratingSum", "matchResolvedCount", "matchConfirmedConfidence", "communitySignals", "updatedAt")
        VALUES ${join(values)}
        ON CONFLICT ("artifactId") DO UPDATE SET "communitySignals" = excluded."communitySignals", "updatedAt" = excluded."updatedAt"`);
      const data = await this.store.scoreData(ids, tx);
      part.forEach((a, i) => keys.push({ id: a.id, quality: scoresFrom(a, data[i] ?? { aggregate: null }, now).qualityScore }));
    }
    await this.artifacts.setQualityScores(tx, keys);
  }
}
