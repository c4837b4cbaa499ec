// Shared by the benchmarks: timing, percentiles and a description of the machine.
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";

export interface Stats {
  name: string;
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Runs fn `n` times after `warmup` runs; returns latency percentiles in milliseconds. */
export async function measure(name: string, n: number, fn: (i: number) => Promise<unknown>, warmup = Math.min(50, n)): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { name, n, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: times.at(-1) ?? Number.NaN };
}

export function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
}

/** A markdown table of results, with the date and machine, ready for bench/README.md. */
export function report(title: string, rows: Stats[], notes: string[] = []): string {
  const lines = [
    `### ${title}`,
    "",
    `${new Date().toISOString().slice(0, 10)} · ${machine()}`,
    "",
    "| measurement | n | p50 ms | p95 ms | p99 ms | max ms |",
    "|---|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.name} | ${r.n} | ${r.p50.toFixed(3)} | ${r.p95.toFixed(3)} | ${r.p99.toFixed(3)} | ${r.max.toFixed(3)} |`),
    ...(notes.length ? ["", ...notes.map((n) => `- ${n}`)] : []),
    "",
  ];
  const text = lines.join("\n");
  console.log(text);
  return text;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run seeds the same data. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A DateTime as Prisma's SQLite adapter stores it, for seeding with raw SQL. */
export function sqliteDate(d: Date): string {
  return d.toISOString().replace("Z", "+00:00");
}

/**
 * The environment of an app a benchmark measures: the SQLite file at `url`, already migrated, no
 * workers, no MCP health sweep, no rate limits, requests sent with Host `bench.test`.
 */
export function benchAppEnv(url: string): Record<string, string> {
  return {
    DATABASE_URL: url,
    PORT: "0",
    LOG_LEVEL: "silent",
    SKILLGRAPH_MIGRATE_ON_START: "false",
    SKILLGRAPH_ALLOWED_HOSTS: "bench.test",
    SKILLGRAPH_RATE_LIMIT_ANONYMOUS: "0",
    SKILLGRAPH_RATE_LIMIT_AUTHENTICATED: "0",
    SKILLGRAPH_WORKER_CONCURRENCY: "0",
    SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "0",
  };
}
