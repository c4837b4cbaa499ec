// Seeds the comparison's data set, identically on SQLite and PostgreSQL: 10,000 artifacts of
// mixed types in the collection "default" plus 50 copies in each of two other collections (same
// names, so a lookup has to filter by collection), 200 tags, 3 tags per artifact. The schema comes
// from the project's own migrator; rows are inserted with raw SQL in one transaction.
//
// Standalone: node --import tsx bench/compare/seed.ts <DATABASE_URL>
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { rng, sqliteDate } from "../lib.js";

export const root = fileURLToPath(new URL("../../", import.meta.url));

const TYPES = ["SKILL", "COMMAND", "AGENT", "HOOK", "MCP", "WORKFLOW", "COMPOSITE"] as const;
const ADJECTIVES = ["agile", "bold", "calm", "deft", "eager", "fast", "grand", "handy", "ideal", "jolly", "keen", "lucid", "mighty", "neat", "open", "prime", "quick", "rapid", "solid", "tidy", "vivid", "wise"];
const NOUNS = ["parser", "linter", "runner", "builder", "checker", "fetcher", "indexer", "mapper", "planner", "reviewer", "scanner", "tester", "writer", "bundler", "deployer", "monitor", "router", "syncer", "tracer", "watcher"];
const BASE = Date.UTC(2026, 10, 22, 10, 0, 0);

export interface SeedInfo {
  artifacts: number;
  tags: number;
  /** The W2 lookup: a SKILL in "default" whose name also exists in the other collections. */
  w2: { key: string; type: string; name: string; collectionId: string };
  ms: number;
}

interface Rows {
  collections: { id: string; name: string }[];
  tags: { id: string; name: string }[];
  artifacts: { id: string; collectionId: string; type: string; name: string; at: Date }[];
  links: { artifactId: string; tagId: string }[];
  w2: SeedInfo["w2"];
}

/** The data set, computed once from a fixed PRNG seed so both databases get the same rows. */
function rows(): Rows {
  const random = rng(20261122);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const collections = [
    { id: "col-default", name: "default" },
    { id: "col-team-a", name: "team-a" },
    { id: "col-team-b", name: "team-b" },
  ];
  const names = new Set<string>();
  while (names.size < 200) names.add(`${pick(NOUNS)}-${Math.floor(random() * 1000)}`);
  // Tag ids follow name order, so PostGraphile (which cannot order a join table by the joined
  // table's column) returns tags in the same order when it orders by tagId.
  const tags = [...names].sort().map((name, i) => ({ id: `tag-${String(i).padStart(3, "0")}`, name }));

  const defaults = Array.from({ length: 10_000 }, (_, i) => ({
    id: `art-0-${String(i).padStart(5, "0")}`,
    collectionId: "col-default",
    type: pick(TYPES),
    name: `${pick(ADJECTIVES)}-${pick(NOUNS)}-${i}`,
    at: new Date(BASE + i * 1000),
  }));
  const w2Index = defaults.findIndex((a, i) => i >= 5000 && a.type === "SKILL");
  const w2Artifact = defaults[w2Index];
  if (!w2Artifact) throw new Error("seed: no SKILL artifact for W2");
  const copies = [1, 2].flatMap((c) =>
    defaults.slice(w2Index - 25, w2Index + 25).map((a, i) => ({ ...a, id: `art-${c}-${String(i).padStart(5, "0")}`, collectionId: collections[c]?.id ?? "" })),
  );
  const artifacts = [...defaults, ...copies];
  const links = artifacts.flatMap((a) => {
    const chosen = new Set<string>();
    while (chosen.size < 3) chosen.add(pick(tags).id);
    return [...chosen].map((tagId) => ({ artifactId: a.id, tagId }));
  });
  return { collections, tags, artifacts, links, w2: { key: `skill:${w2Artifact.name}`, type: "SKILL", name: w2Artifact.name, collectionId: "col-default" } };
}

/** argv of the skillgraph CLI without a subcommand: SKILLGRAPH_BENCH_CMD may be given with or without "serve". */
export function skillgraphCli(): string[] {
  const raw = process.env.SKILLGRAPH_BENCH_CMD;
  const argv = raw ? (JSON.parse(raw) as unknown) : ["node", "src/bin/skillgraph.mjs", "serve"];
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === "string")) throw new Error("SKILLGRAPH_BENCH_CMD must be a JSON array of strings");
  return argv.at(-1) === "serve" ? argv.slice(0, -1) : argv;
}

/** Runs a skillgraph CLI subcommand against a database; returns stdout, throws with stderr. */
export function runSkillgraph(args: string[], databaseUrl: string): string {
  const [cmd = "node", ...pre] = skillgraphCli();
  const r = spawnSync(cmd, [...pre, ...args], { cwd: root, encoding: "utf8", timeout: 120_000, env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" } });
  if (r.status !== 0) {
    const output = (r.stderr || r.stdout).trim().split("\n");
    // Node prints the source line first; the error's own line says what went wrong.
    const cause = output.find((l) => /Error\b/.test(l)) ?? output[0];
    throw new Error(`skillgraph ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`}): ${cause}`);
  }
  return r.stdout;
}

/**
 * Applies the migrations with `skillgraph db migrate`. If the CLI does not start (src/ may be
 * mid-refactor), the migration files are run directly, in order and without the history table,
 * so the other systems can still be measured; the returned note says which ran.
 */
async function migrate(url: string): Promise<string> {
  try {
    runSkillgraph(["db", "migrate"], url);
    return "skillgraph db migrate";
  } catch (cliError) {
    const dir = `${root}prisma/migrations/${url.startsWith("file:") ? "sqlite" : "postgresql"}`;
    const files = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()
      .map((name) => readFileSync(`${dir}/${name}/migration.sql`, "utf8"));
    if (url.startsWith("file:")) {
      const db = new Sqlite(url.replace(/^file:/, ""));
      for (const sql of files) db.exec(sql);
      db.close();
    } else {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      for (const sql of files) await client.query(sql);
      await client.end();
    }
    return `the migration files directly (the CLI failed: ${(cliError as Error).message.split("\n")[0]})`;
  }
}

function seedSqlite(url: string, r: Rows): void {
  const db = new Sqlite(url.replace(/^file:/, ""));
  db.pragma("journal_mode = WAL");
  const iso = (d: Date) => sqliteDate(d);
  const now = iso(new Date(BASE));
  const collection = db.prepare(`INSERT INTO "Collection" ("id", "name", "createdAt", "updatedAt") VALUES (?, ?, ?, ?)`);
  const tag = db.prepare(`INSERT INTO "Tag" ("id", "name", "slug", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)`);
  const artifact = db.prepare(`INSERT INTO "Artifact" ("id", "collectionId", "type", "name", "origin", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, 'LOCAL', ?, ?)`);
  const link = db.prepare(`INSERT INTO "ArtifactTag" ("artifactId", "tagId", "createdAt") VALUES (?, ?, ?)`);
  db.transaction(() => {
    for (const c of r.collections) collection.run(c.id, c.name, now, now);
    for (const t of r.tags) tag.run(t.id, t.name, t.name, now, now);
    for (const a of r.artifacts) artifact.run(a.id, a.collectionId, a.type, a.name, iso(a.at), iso(a.at));
    for (const l of r.links) link.run(l.artifactId, l.tagId, now);
  })();
  db.exec("ANALYZE"); // statistics for the planner, as on PostgreSQL
  db.close();
}

async function seedPostgres(url: string, r: Rows): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // timestamp(3) columns take the UTC wall time.
  const ts = (d: Date) => d.toISOString().slice(0, 23);
  const now = ts(new Date(BASE));
  const col = <T, K extends keyof T>(list: T[], key: K) => list.map((x) => x[key]);
  try {
    await client.query("BEGIN");
    await client.query(`INSERT INTO "Collection" ("id", "name", "createdAt", "updatedAt") SELECT id, name, $3, $3 FROM unnest($1::text[], $2::text[]) AS t(id, name)`, [
      col(r.collections, "id"),
      col(r.collections, "name"),
      now,
    ]);
    await client.query(`INSERT INTO "Tag" ("id", "name", "slug", "createdAt", "updatedAt") SELECT id, name, name, $3, $3 FROM unnest($1::text[], $2::text[]) AS t(id, name)`, [
      col(r.tags, "id"),
      col(r.tags, "name"),
      now,
    ]);
    await client.query(
      `INSERT INTO "Artifact" ("id", "collectionId", "type", "name", "origin", "createdAt", "updatedAt")
       SELECT id, cid, type::"ArtifactType", name, 'LOCAL', at, at FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp(3)[]) AS t(id, cid, type, name, at)`,
      [col(r.artifacts, "id"), col(r.artifacts, "collectionId"), col(r.artifacts, "type"), col(r.artifacts, "name"), r.artifacts.map((a) => ts(a.at))],
    );
    await client.query(`INSERT INTO "ArtifactTag" ("artifactId", "tagId", "createdAt") SELECT a, t, $3 FROM unnest($1::text[], $2::text[]) AS x(a, t)`, [
      col(r.links, "artifactId"),
      col(r.links, "tagId"),
      now,
    ]);
    await client.query("COMMIT");
    // Statistics and the visibility map of a settled database (index-only scans need the latter),
    // so no system is measured against a just-loaded one.
    await client.query("VACUUM ANALYZE");
  } finally {
    await client.end();
  }
}

/**
 * Creates the PostgreSQL database `name` afresh (dropping only a previous copy of that bench
 * database). Collation C makes ORDER BY name byte order, the same as SQLite's, so every system on
 * either database returns the same first page.
 */
export async function freshPostgresDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  } finally {
    await admin.end();
  }
  return `${serverUrl}/${name}`;
}

/** Migrates and seeds an empty database (file: URL or postgresql: URL). */
export async function seed(url: string): Promise<SeedInfo & { migratedBy: string }> {
  const t0 = performance.now();
  const migratedBy = await migrate(url);
  const r = rows();
  if (url.startsWith("file:")) seedSqlite(url, r);
  else await seedPostgres(url, r);
  return { artifacts: r.artifacts.length, tags: r.tags.length, w2: r.w2, ms: performance.now() - t0, migratedBy };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const url = process.argv[2];
  if (!url) {
    console.error("usage: node --import tsx bench/compare/seed.ts <DATABASE_URL (empty database)>");
    process.exit(2);
  }
  console.log(JSON.stringify(await seed(url), null, 2));
}
