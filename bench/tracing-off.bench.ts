// What tracing costs while it is off (the default): the side-by-side benchmark's W1 (a page of 100
// artifacts with tags and collection) and W2 (one artifact by key with tags), through yoga.fetch
// with a token, on two apps over one seeded SQLite file in one process:
// - "off": no OTEL_* exporter, no metrics, and SKILLGRAPH_ACCESS_LOG=false: what tracing and
//   metrics cost while they are off (the target: under 2 %);
// - "access log": the same with the access log on (the default; LOG_LEVEL=silent, so each line is
//   built and dropped), to show what the access log itself costs, apart from tracing;
// - "uninstrumented": createApp({ instrumented: false }), built without the observability hooks
//   (the server-span/access-log/metrics plugin, the /metrics endpoint, statement metrics and spans).
// Requests go to the apps in turn, and rounds rotate which app goes first, so load from the
// machine's other work (and the process's own garbage collection) falls on all alike;
// each ratio is variant ÷ uninstrumented per round (median over rounds) and pooled.
//
// npm run bench -- tracing-off     (TRACING_OFF_ROUNDS=<rounds, default 12>, TRACING_OFF_N=<W2 requests a round, default 400; W1 gets a quarter>)
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createApp, type App } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/lib/logger.js";
import { seed } from "./compare/seed.js";
import { benchAppEnv, percentile, report, type Stats } from "./lib.js";

const W1 = "query W1 { artifacts(first: 100) { edges { node { key name type tags { name } collection { name } } } } }";
const W2 = "query W2($key: String!) { artifact(key: $key) { key name type tags { name } } }";
const VARIANTS = ["off", "access log", "uninstrumented"] as const;
type Variant = (typeof VARIANTS)[number];
type Workload = "W1" | "W2";

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const load = () => loadavg().map((l) => l.toFixed(2)).join(" / ");

async function main(): Promise<void> {
  const rounds = Number(process.env.TRACING_OFF_ROUNDS ?? 12);
  const n = Number(process.env.TRACING_OFF_N ?? 400);
  const dir = mkdtempSync(join(tmpdir(), "sg-tracing-off-"));
  const apps: App[] = [];
  try {
    const url = `file:${join(dir, "bench.db")}`;
    const data = await seed(url);
    const env: Record<string, string> = benchAppEnv(url);
    const config = loadConfig(env);
    if (config.telemetry.tracesExporter !== null || config.telemetry.metrics.enabled) throw new Error("tracing and metrics must be off for this benchmark");
    const off = await createApp(loadConfig({ ...env, SKILLGRAPH_ACCESS_LOG: "false" }), { logger: createLogger("silent"), startBackground: false });
    apps.push(off);
    const logged = await createApp(config, { logger: createLogger("silent"), startBackground: false });
    apps.push(logged);
    const bare = await createApp(config, { logger: createLogger("silent"), startBackground: false, instrumented: false });
    apps.push(bare);
    const { secret } = await off.services.tokens.create(`bench-tracing-off-${process.pid}`, ["read"]);
    const headers = { "content-type": "application/json", accept: "application/graphql-response+json", authorization: `Bearer ${secret}` };
    const bodies: Record<Workload, string> = { W1: JSON.stringify({ query: W1 }), W2: JSON.stringify({ query: W2, variables: { key: data.w2.key } }) };
    const post = async (app: App, body: string) => {
      const res = await app.yoga.fetch("http://bench.test/graphql", { method: "POST", headers, body });
      const json = (await res.json()) as { errors?: unknown };
      if (json.errors) throw new Error(JSON.stringify(json.errors));
    };
    const byVariant: Record<Variant, App> = { off, "access log": logged, uninstrumented: bare };
    const counts: Record<Workload, number> = { W1: Math.max(20, Math.round(n / 4)), W2: n };
    const perVariant = () => Object.fromEntries(VARIANTS.map((v) => [v, { W1: [], W2: [] }])) as unknown as Record<Variant, Record<Workload, number[]>>;
    const times = perVariant();
    const roundMedians = perVariant();

    // Warm-up: both apps compile and cache the same documents.
    for (const v of VARIANTS) for (const w of ["W1", "W2"] as const) for (let i = 0; i < 100; i++) await post(byVariant[v], bodies[w]);
    const loadBefore = load();
    for (let r = 0; r < rounds; r++) {
      const rotated = [...VARIANTS.slice(r % VARIANTS.length), ...VARIANTS.slice(0, r % VARIANTS.length)];
      const order = Math.floor(r / VARIANTS.length) % 2 === 0 ? rotated : rotated.reverse();
      for (const w of ["W1", "W2"] as const) {
        // Request by request, one per app in turn: a pause of the machine falls on neighbours.
        const round = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
        for (let i = 0; i < counts[w]; i++) {
          for (const v of order) {
            const t0 = performance.now();
            await post(byVariant[v], bodies[w]);
            round[v].push(performance.now() - t0);
          }
        }
        for (const v of VARIANTS) {
          times[v][w].push(...round[v]);
          roundMedians[v][w].push(median(round[v]));
        }
      }
    }
    const loadAfter = load();

    const stats = (v: Variant, w: Workload): Stats => {
      const sorted = [...times[v][w]].sort((a, b) => a - b);
      return { name: `${w} ${v}`, n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const pct = (ratio: number) => `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(1)}%`;
    const notes = [
      `Data: ${data.artifacts} artifacts, ${data.tags} tags (bench/compare/seed.ts), SQLite; a read token; LOG_LEVEL=silent. ${rounds} rounds, each ${counts.W1} W1 and ${counts.W2} W2 requests per app, one request to each app in turn, the order rotating by round.`,
      ...(["off", "access log"] as const).flatMap((v) =>
        (["W1", "W2"] as const).map((w) => {
          const ratios = roundMedians[v][w].map((o, i) => o / (roundMedians.uninstrumented[w][i] ?? Number.NaN));
          const sorted = [...ratios].sort((a, b) => a - b);
          return (
            `${w}: ${v} ÷ uninstrumented, median of the per-round p50 ratios ${median(ratios).toFixed(3)} (${pct(median(ratios))}; rounds from ${pct(sorted[0] ?? Number.NaN)} to ${pct(sorted.at(-1) ?? Number.NaN)}); ` +
            `pooled p50 ${pct(stats(v, w).p50 / stats("uninstrumented", w).p50)}, pooled mean ${pct(mean(times[v][w]) / mean(times.uninstrumented[w]))}.`
          );
        }),
      ),
      `Load average (1 / 5 / 15 min): before the rounds ${loadBefore}, after ${loadAfter} (the machine is shared).`,
    ];
    report("Tracing off (access log off, and on) vs uninstrumented (W1, W2; same process, interleaved rounds)", VARIANTS.flatMap((v) => [stats(v, "W1"), stats(v, "W2")]), notes);
  } finally {
    for (const app of apps.reverse()) await app.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
