// The data layer's write paths side by side on one SQLite file (and PostgreSQL when
// BENCH_DATABASE_URL names a server database): the same 8 statements (4 reads, 4 updates of one
// row) in one transaction through Prisma's interactive transaction (`db.transaction`) and through
// the driver (`db.sqlTransaction`), plus one Prisma model write outside a transaction (which holds
// the write gate). Interleaved in rounds, so machine load falls on every variant alike; the ratio is
// the result to compare.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, sql, type Database, type SqlExecutor } from "../src/db/index.js";
import { migrate } from "../src/db/migrator.js";
import { providerOf } from "../src/db/provider.js";
import { percentile, report, type Stats } from "./lib.js";

const ROUNDS = 10;
const PER_ROUND = 200;

async function body(ex: SqlExecutor): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await ex.query(sql`SELECT "color" FROM "Tag" WHERE "id" = ${"bench"}`);
    await ex.execute(sql`UPDATE "Tag" SET "description" = ${String(i)} WHERE "id" = ${"bench"}`);
  }
}

async function run(url: string): Promise<Stats[]> {
  await migrate(url);
  const db: Database = await openDatabase({ url, provider: providerOf(url) });
  try {
    await db.prisma.tag.deleteMany({ where: { id: "bench" } });
    await db.prisma.tag.create({ data: { id: "bench", name: "bench", slug: "bench" } });
    const variants: [string, () => Promise<unknown>][] = [
      ["db.transaction (Prisma interactive), 8 statements", () => db.transaction(({ sql: ex }) => body(ex))],
      ["db.sqlTransaction (driver), 8 statements", () => db.sqlTransaction((ex) => body(ex))],
      ["Prisma model write, no transaction", () => db.prisma.tag.update({ where: { id: "bench" }, data: { color: "#000000" } })],
    ];
    const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
    for (const [, fn] of variants) for (let i = 0; i < 50; i++) await fn();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, fn] of variants) {
        const list = times.get(name) ?? [];
        for (let i = 0; i < PER_ROUND; i++) {
          const t0 = performance.now();
          await fn();
          list.push(performance.now() - t0);
        }
      }
    }
    return variants.map(([name]) => {
      const list = (times.get(name) ?? []).sort((a, b) => a - b);
      return { name: `${db.provider}: ${name}`, n: list.length, p50: percentile(list, 50), p95: percentile(list, 95), p99: percentile(list, 99), max: list.at(-1) ?? Number.NaN };
    });
  } finally {
    await db.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), "skillgraph-write-paths-"));
const load = loadavg()[0]?.toFixed(1);
try {
  const rows = await run(`file:${join(dir, "bench.db")}`);
  if (process.env.BENCH_DATABASE_URL) rows.push(...(await run(process.env.BENCH_DATABASE_URL)));
  const ratio = (a: Stats | undefined, b: Stats | undefined) => (a && b ? (a.p50 / b.p50).toFixed(1) : "n/a");
  const notes = [`load average at start ${load}; ${ROUNDS} interleaved rounds of ${PER_ROUND} per variant`];
  for (let i = 0; i + 2 < rows.length; i += 3) notes.push(`${rows[i]?.name.split(":")[0]}: Prisma's interactive transaction / sqlTransaction = ${ratio(rows[i], rows[i + 1])}× (p50)`);
  report("Write paths: Prisma's interactive transaction vs the driver's sqlTransaction", rows, notes);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
