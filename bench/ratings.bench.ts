// Ratings at scale on SQLite: 1,000,000 ratings over 10,000 artifacts, seeded with SQL in large
// transactions, aggregates rebuilt by recomputeAll(); then, in-process through yoga.fetch:
// `artifact { scores }` latency, the statement count of `artifacts(first: 100) { scores }`, and
// `rateArtifact` latency (limit check + rating + aggregate update in one transaction).
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { encodeGlobalID } from "@pothos/plugin-relay";
import Sqlite from "better-sqlite3";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { migrate } from "../src/db/migrator.js";
import { sqlitePath } from "../src/db/sqlite-path.js";
import { createLogger } from "../src/lib/logger.js";
import { tokenPrincipal } from "../src/lib/principal.js";
import { measure, report, rng, sqliteDate } from "./lib.js";

const ARTIFACTS = 10_000;
const RATINGS = 1_000_000;
const RATERS = 20_000;


const iso = (ms: number) => sqliteDate(new Date(ms));

function seed(url: string): number {
  const t0 = performance.now();
  const db = new Sqlite(sqlitePath(url));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const random = rng(42);
  const now = Date.now();
  const origins = ["LOCAL", "GITHUB", "MARKETPLACE"] as const;
  db.prepare(`INSERT INTO "Collection" ("id", "name", "version", "createdAt", "updatedAt") VALUES ('c-default', 'default', '1.0.0', ?, ?)`).run(iso(now), iso(now));
  const artifact = db.prepare(
    `INSERT INTO "Artifact" ("id", "collectionId", "type", "name", "origin", "source", "sourceOwner", "sourceRepo", "createdAt", "updatedAt")
     VALUES (?, 'c-default', 'SKILL', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const rating = db.prepare(
    `INSERT INTO "Rating" ("id", "artifactId", "raterId", "rating", "feedback", "shareWithCommunity", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const community = db.prepare(
    `INSERT INTO "CommunityScore" ("artifactId", "source", "score", "lastUpdated", "importedFrom", "importedAt") VALUES (?, ?, ?, ?, 'bench', ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < ARTIFACTS; i++) {
      const origin = origins[i % 3] ?? "LOCAL";
      const gh = origin === "GITHUB";
      artifact.run(`a${i}`, `skill-${i}`, origin, gh ? `owner${i % 50}/repo${i}` : null, gh ? `owner${i % 50}` : null, gh ? `repo${i}` : null, iso(now), iso(now));
      community.run(`a${i}`, "github-stars", Math.floor(random() * 101), iso(now - Math.floor(random() * 365) * 86_400_000), iso(now));
      if (i % 2 === 0) community.run(`a${i}`, "downloads", Math.floor(random() * 101), iso(now - Math.floor(random() * 365) * 86_400_000), iso(now));
    }
  })();
  // Bulk load: drop the rating indexes, insert, then rebuild them once over all rows.
  const indexes = db
    .prepare(`SELECT "name", "sql" FROM sqlite_master WHERE "type" = 'index' AND "tbl_name" = 'Rating' AND "sql" IS NOT NULL`)
    .all() as { name: string; sql: string }[];
  for (const ix of indexes) db.exec(`DROP INDEX "${ix.name}"`);
  const BATCH = 100_000;
  for (let start = 0; start < RATINGS; start += BATCH) {
    db.transaction(() => {
      for (let i = start; i < start + BATCH; i++) {
        // Older than the 24-hour window, so the benchmark's own ratings are not rate-limited.
        const at = iso(now - 2 * 86_400_000 - Math.floor(random() * 300 * 86_400_000));
        // One rating per rater and artifact (a rater's second rating replaces the first): artifact
        // i mod ARTIFACTS gets its round-th rating from a rater offset by the artifact, so each
        // artifact's RATINGS / ARTIFACTS raters are distinct.
        const a = i % ARTIFACTS;
        const round = Math.floor(i / ARTIFACTS);
        rating.run(
          `r${i}`,
          `a${a}`,
          `token:bench-${(a * 7 + round) % RATERS}`,
          1 + Math.floor(random() * 5),
          i % 10 === 0 ? "useful" : null,
          i % 4 === 0 ? 1 : 0,
          at,
          at,
        );
      }
    })();
  }
  for (const ix of indexes) db.exec(ix.sql);
  db.close();
  return performance.now() - t0;
}

const dir = mkdtempSync(join(tmpdir(), "skillgraph-bench-ratings-"));
const url = `file:${join(dir, "bench.db")}`;
try {
  await migrate(url);
  const seedMs = seed(url);
  console.error(`seeded ${RATINGS.toLocaleString("en")} ratings over ${ARTIFACTS.toLocaleString("en")} artifacts in ${(seedMs / 1000).toFixed(1)} s`);

  const app = await createApp(loadConfig({ SKILLGRAPH_ALLOWED_HOSTS: "bench", SKILLGRAPH_RATE_LIMIT_ANONYMOUS: "0", SKILLGRAPH_RATE_LIMIT_AUTHENTICATED: "0", DATABASE_URL: url, LOG_LEVEL: "silent", PORT: "0" }), { logger: createLogger("silent"), startBackground: false });
  try {
    const r0 = performance.now();
    const rebuilt = await app.services.ratings.recomputeAll();
    const recomputeMs = performance.now() - r0;
    console.error(`recomputeAll: ${rebuilt.artifactCount} artifacts, ${rebuilt.ratingCount} ratings in ${(recomputeMs / 1000).toFixed(2)} s`);

    const read = (await app.services.tokens.create("bench-read", ["read"])).secret;
    const write = (await app.services.tokens.create("bench-write", ["write"])).secret;
    const post = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
      const res = await app.yoga.fetch("http://bench/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: Record<string, { __typename?: string } | null>; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };

    const scoresQuery = `query($key: String!) { artifact(key: $key) { scores {
      qualityScore trustScore confidence matchScore userRating { average count } communityScore maintenanceScore compatibilityScore
      components { name weight value isPrior } schemaVersion lastUpdated } } }`;
    const baseline = await measure("`artifact(key) { key }` (baseline: same request without scores)", 2000, (i) =>
      post(read, `query($key: String!) { artifact(key: $key) { key } }`, { key: `skill:skill-${(i * 7919) % ARTIFACTS}` }),
    );
    const one = await measure("`artifact(key) { scores }` (yoga.fetch, read token)", 2000, (i) =>
      post(read, scoresQuery, { key: `skill:skill-${(i * 7919) % ARTIFACTS}` }),
    );

    const listQuery = `query($first: Int) { artifacts(first: $first) { edges { node { key scores { qualityScore trustScore confidence userRating { average count } communityScore lastUpdated } } } } }`;
    const statements = async (first: number) => {
      const seen: string[] = [];
      const off = app.database.onStatement((e) => seen.push(e.sql));
      try {
        await post(read, listQuery, { first });
      } finally {
        off();
      }
      return seen.length;
    };
    const s10 = await statements(10);
    const s100 = await statements(100);
    const list = await measure("`artifacts(first: 100) { scores }` (yoga.fetch)", 200, () => post(read, listQuery, { first: 100 }));
    const sorted = await measure("`artifacts(first: 100, orderBy: QUALITY_SCORE DESC) { scores }`", 200, () =>
      post(read, `{ artifacts(first: 100, orderBy: { field: QUALITY_SCORE, direction: DESC }) { edges { node { key scores { qualityScore } } } } }`),
    );

    const rateMutation = `mutation($input: RateArtifactInput!) { rateArtifact(input: $input) { __typename
      ... on RateArtifactPayload { rating { id } scores { qualityScore trustScore confidence userRating { average count } } } } }`;
    // Each call rates a different artifact, so all of them pass the limit check (which still runs).
    const rate = await measure("`rateArtifact` (yoga.fetch, write token)", 2000, async (i) => {
      const data = await post(write, rateMutation, { input: { artifactId: encodeGlobalID("Artifact", `a${(i * 31) % ARTIFACTS}`), rating: 1 + (i % 5) } });
      if (data?.rateArtifact?.__typename !== "RateArtifactPayload") throw new Error(`rateArtifact returned ${data?.rateArtifact?.__typename}`);
    });
    const service = app.services.ratings;
    const rateService = await measure("`RatingService.rate` (no GraphQL)", 2000, (i) =>
      service.rate(tokenPrincipal({ id: "bench-service", name: "bench-service", scopes: ["write"] }), { artifactId: `a${(i * 17 + 3) % ARTIFACTS}`, rating: 1 + (i % 5) }),
    );

    report(`Ratings: ${RATINGS.toLocaleString("en")} ratings over ${ARTIFACTS.toLocaleString("en")} artifacts (SQLite, WAL)`, [baseline, one, list, sorted, rate, rateService], [
      `\`artifacts(first: 10) { scores }\`: ${s10} SQL statements; \`artifacts(first: 100) { scores }\`: ${s100} SQL statements (the token check, the page, one batched read of the aggregates).`,
      `Targets: \`artifact { scores }\` p95 < 2 ms → ${one.p95 < 2 ? "met" : "NOT met"} (${one.p95.toFixed(3)} ms); \`rateArtifact\` p95 < 5 ms → ${rate.p95 < 5 ? "met" : "NOT met"} (${rate.p95.toFixed(3)} ms).`,
      `Seed (raw SQL, 100,000-row transactions, rating indexes rebuilt after): ${(seedMs / 1000).toFixed(1)} s; \`recomputeAll()\` over all of it: ${(recomputeMs / 1000).toFixed(2)} s.`,
      "Timings include yoga's HTTP handling, parsing, validation, auth (the token check; on SQLite a known token is not read again unless the database changed elsewhere) and serialisation, in-process (no network).",
      `Load average when the run ended: ${loadavg().map((l) => l.toFixed(2)).join(", ")} (other processes share the machine; compare with the baseline row).`,
    ]);
  } finally {
    await app.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
