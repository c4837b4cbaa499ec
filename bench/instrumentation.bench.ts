// The cost of observability on the side-by-side benchmark's W1 (a page of 100 artifacts with tags
// and collection) and W2 (one artifact by key with tags), in-process through yoga.fetch with a
// token: tracing off (the default), tracing on exporting over OTLP/HTTP to a local receiver, and
// metrics on. Tracing and metrics are per process, so each variant runs in a child process of its
// own, on the same seeded SQLite file; "off" runs first and last, so the table shows the noise.
//
// npm run bench -- instrumentation          (INSTRUMENTATION_N=<W2 iterations>, default 2000; W1 gets a tenth)
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/lib/logger.js";
import type { OtlpReceiver } from "../test/fixtures/otlp/receiver.js";
import { seed } from "./compare/seed.js";
import { benchAppEnv, measure, report, type Stats } from "./lib.js";

const W1 = "query W1 { artifacts(first: 100) { edges { node { key name type tags { name } collection { name } } } } }";
const W2 = "query W2($key: String!) { artifact(key: $key) { key name type tags { name } } }";
const VARIANTS = ["off", "tracing", "metrics", "off"] as const;
type Variant = (typeof VARIANTS)[number];

interface ChildResult {
  variant: Variant;
  w1: Stats;
  w2: Stats;
  spans: number;
}

async function child(variant: Variant, url: string, key: string, n: number): Promise<ChildResult> {
  const env: Record<string, string> = benchAppEnv(url);
  let receiver: OtlpReceiver | null = null;
  if (variant === "tracing") {
    const { startOtlpReceiver } = await import("../test/fixtures/otlp/receiver.js");
    receiver = await startOtlpReceiver();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  }
  if (variant === "metrics") env.SKILLGRAPH_METRICS_TOKEN = "bench-metrics-token-0123456789";
  const app = await createApp(loadConfig(env), { logger: createLogger("silent"), startBackground: false });
  const { secret } = await app.services.tokens.create(`bench-${variant}-${process.pid}`, ["read"]);
  const headers = { "content-type": "application/json", accept: "application/graphql-response+json", authorization: `Bearer ${secret}` };
  const post = async (body: string) => {
    const res = await app.yoga.fetch("http://bench.test/graphql", { method: "POST", headers, body });
    const json = (await res.json()) as { errors?: unknown };
    if (json.errors) throw new Error(JSON.stringify(json.errors));
  };
  const w1Body = JSON.stringify({ query: W1 });
  const w2Body = JSON.stringify({ query: W2, variables: { key } });
  const w1 = await measure(`W1 ${variant}`, Math.max(20, Math.round(n / 10)), () => post(w1Body));
  const w2 = await measure(`W2 ${variant}`, n, () => post(w2Body));
  await app.tracing?.flush();
  await app.stop();
  await app.tracing?.shutdown();
  const spans = receiver?.spans.length ?? 0;
  await receiver?.close();
  return { variant, w1, w2, spans };
}

async function main(): Promise<void> {
  const n = Number(process.env.INSTRUMENTATION_N ?? 2000);
  const variant = process.env.INSTRUMENTATION_VARIANT as Variant | undefined;
  if (variant) {
    const result = await child(variant, process.env.INSTRUMENTATION_DB ?? "", process.env.INSTRUMENTATION_KEY ?? "", n);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "sg-instrumentation-"));
  try {
    const url = `file:${join(dir, "bench.db")}`;
    const data = await seed(url);
    const results: ChildResult[] = [];
    for (const v of VARIANTS) {
      const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
        encoding: "utf8",
        env: { ...process.env, INSTRUMENTATION_VARIANT: v, INSTRUMENTATION_DB: url, INSTRUMENTATION_KEY: data.w2.key, INSTRUMENTATION_N: String(n) },
        maxBuffer: 16 * 1024 * 1024,
      });
      if (r.status !== 0) throw new Error(`variant ${v} failed: ${r.stderr}`);
      const last = r.stdout.trim().split("\n").at(-1) ?? "{}";
      results.push(JSON.parse(last) as ChildResult);
    }
    const base = (w: "w1" | "w2") => {
      const offs = results.filter((r) => r.variant === "off").map((r) => r[w].p50);
      return Math.min(...offs);
    };
    const pct = (v: number, b: number) => `${v >= b ? "+" : ""}${(((v - b) / b) * 100).toFixed(1)}%`;
    const notes = [
      `Data: ${data.artifacts} artifacts, ${data.tags} tags (bench/compare/seed.ts), SQLite; a read token; LOG_LEVEL=silent (the access-log line is built, not written).`,
      ...(["w1", "w2"] as const).map((w) => {
        const b = base(w);
        return `${w.toUpperCase()} p50 against the faster "off" run: ${results.map((r) => `${r.variant} ${pct(r[w].p50, b)}`).join(", ")}.`;
      }),
      `Spans received by the local OTLP receiver in the tracing run: ${results.find((r) => r.variant === "tracing")?.spans ?? 0}.`,
      `Load average when the run ended: ${loadavg().map((l) => l.toFixed(2)).join(", ")} (the machine is shared).`,
    ];
    report("Instrumentation: tracing off, tracing on (OTLP/HTTP to a local receiver), metrics on (W1, W2)", results.flatMap((r) => [r.w1, r.w2]), notes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
