// MCP health: (1) latency of one stdio health check against the local fixture server (spawn,
// initialize, tools/list, kill), split into the server's own start-up and the checker's overhead;
// (2) the same handshake against already-running remotes (streamable HTTP, SSE); (3) 50 deployed
// servers swept as the mcp.health-sweep job while the API answers queries over HTTP, at the
// configured concurrency and at 50 at once, against the same queries with no sweep running.
// `npm run bench -- mcp`; BENCH_MCP_NICE=<0–19> overrides the checked servers' nice value.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/lib/logger.js";
import { SYSTEM } from "../src/lib/principal.js";
import { checkServer } from "../src/modules/mcp/health-check.js";
import { liveChildCount } from "../src/modules/mcp/process-transport.js";
import { enqueueSweep } from "../src/modules/mcp/scheduler.js";
import { serverJsonSchema } from "../src/modules/mcp/server-json.js";
import { startHttpFixture } from "../test/fixtures/mcp/http-server.js";
import { startSseFixture } from "../test/fixtures/mcp/sse-server.js";
import { measure, percentile, report, type Stats } from "./lib.js";

const fixture = fileURLToPath(new URL("../test/fixtures/mcp/stdio-server.mjs", import.meta.url));
const SERVERS = 50;
const dir = mkdtempSync(join(tmpdir(), "skillgraph-bench-mcp-"));
const nice = process.env.BENCH_MCP_NICE;
const baseEnv = {
  DATABASE_URL: `file:${join(dir, "bench.db")}`,
  PORT: "0",
  LOG_LEVEL: "silent",
  SKILLGRAPH_SECRET_KEY: Buffer.alloc(32, 1).toString("base64"),
  SKILLGRAPH_MCP_SETTINGS_ROOT: dir,
  SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "0",
  // A benchmark is not a rate-limited client.
  SKILLGRAPH_RATE_LIMIT_ANONYMOUS: "0",
  SKILLGRAPH_RATE_LIMIT_AUTHENTICATED: "0",
  SKILLGRAPH_MCP_HEALTH_TIMEOUT_MS: "30000",
  SKILLGRAPH_MCP_HEALTH_SLOW_MS: "30000",
  ...(nice ? { SKILLGRAPH_MCP_HEALTH_NICE: nice } : {}),
};
const niceness = loadConfig(baseEnv).mcp.healthNice;
const stats = (name: string, values: number[]): Stats => {
  const sorted = [...values].sort((a, b) => a - b);
  return { name, n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
};

// (1) One stdio check, as checkMcpServerHealth runs it. The fixture writes when it listens (ms
// since its own process started, and the epoch time): so the check splits into the server's
// start-up (check start → listening: the spawn, exec, Node's boot, loading the SDK) and what the
// checker adds after it (the initialize and tools/list round trips, killing and reaping the
// process group).
const timingFile = join(dir, "ready.txt");
const startups: number[] = [];
const ownStartups: number[] = [];
const overheads: number[] = [];
const single = await measure(
  "stdio health check (spawn + initialize + tools/list + kill)",
  30,
  async () => {
    writeFileSync(timingFile, "");
    const t0 = performance.now();
    const startedAt = performance.timeOrigin + t0;
    // As checkMcpServerHealth runs it: at normal priority (a sweep's checks run niced).
    const r = await checkServer({ kind: "stdio", command: process.execPath, args: [fixture, "healthy"], env: { FIXTURE_TIMING_FILE: timingFile } }, { timeoutMs: 10_000, slowMs: 10_000 });
    const total = performance.now() - t0;
    if (r.status !== "HEALTHY") throw new Error(`fixture not healthy: ${r.error}`);
    const [own, listeningAt] = readFileSync(timingFile, "utf8").trim().split(" ").map(Number);
    if (own === undefined || listeningAt === undefined) throw new Error("the fixture did not report its start-up");
    ownStartups.push(own);
    startups.push(listeningAt - startedAt);
    overheads.push(total - (listeningAt - startedAt));
  },
  3,
);
// measure() runs 3 warm-ups through the same function: drop them.
const startup = stats("… of which the server's start-up (check start → server listening: spawn, exec, Node boot, SDK load)", startups.slice(3));
const ownStartup = stats("… … of that, inside the server (its Node clock's start → listening)", ownStartups.slice(3));
const overhead = stats("… of which the checker after it (initialize + tools/list round trips, kill + reap)", overheads.slice(3));
console.error(`single check: p50 ${single.p50.toFixed(0)} ms (server start-up ${startup.p50.toFixed(0)}, checker ${overhead.p50.toFixed(0)})`);

// (2) The same handshake with no process to start: what the client side costs.
const http = await startHttpFixture();
const remote = await measure("streamable HTTP health check (local SDK server, no spawn)", 100, async () => {
  const r = await checkServer({ kind: "streamable-http", url: http.url, headers: {} }, { timeoutMs: 10_000, slowMs: 10_000 });
  if (r.status !== "HEALTHY") throw new Error(`http fixture not healthy: ${r.error}`);
}, 10);
await http.close();
const sse = await startSseFixture();
const sseRemote = await measure("SSE health check (local SDK server, no spawn)", 100, async () => {
  const r = await checkServer({ kind: "sse", url: sse.url, headers: {} }, { timeoutMs: 10_000, slowMs: 10_000 });
  if (r.status !== "HEALTHY") throw new Error(`sse fixture not healthy: ${r.error}`);
}, 10);
await sse.close();

// (3) The sweep, at the configured concurrency and at 50 at once, each in a fresh app on the
// same database (the servers are registered once).
const query = JSON.stringify({ query: `{ mcpServers(first: ${SERVERS}) { edges { node { name missingEnv health { status latencyMs } } } } }` });
const rows: Stats[] = [];
const notes: string[] = [];
let idleRecorded = false;
for (const concurrency of [loadConfig(baseEnv).mcp.healthConcurrency, SERVERS]) {
  const config = loadConfig({ ...baseEnv, SKILLGRAPH_MCP_HEALTH_CONCURRENCY: String(concurrency), SKILLGRAPH_WORKER_CONCURRENCY: "2" });
  const app = await createApp(config, { logger: createLogger("silent") });
  const mcp = app.services.mcp;
  if (!idleRecorded) {
    for (let i = 0; i < SERVERS; i++) {
      const doc = serverJsonSchema.parse({
        name: `io.github.bench/server-${i}`,
        description: "bench fixture",
        version: "1.0.0",
        packages: [
          {
            registryType: "npm",
            identifier: fixture,
            version: "1.0.0",
            runtimeHint: "node",
            transport: { type: "stdio" },
            packageArguments: [{ type: "positional", value: "healthy" }],
            environmentVariables: [{ name: "API_KEY", isRequired: true, isSecret: true }],
          },
        ],
      });
      const server = await mcp.registry.register(doc);
      await mcp.setEnv(server.id, [{ name: "API_KEY", value: `sk-bench-${i}` }]);
      // As an admin would: review the launch specification, approve it as shown.
      const view = await mcp.approvals.view(await mcp.registry.find(server.id));
      if (view) await mcp.approveLaunch(server.id, view.hash, SYSTEM);
      await mcp.deployments.deploy(server.id, { settingsPath: "bench.json" });
    }
    console.error(`${SERVERS} servers registered and deployed`);
  }
  // Over a real port, as clients ask: an in-process loop of yoga.fetch over synchronous SQLite
  // would only ever run microtasks and starve the sweep's I/O and timers. The job worker runs
  // in this process too (as `npm start` does).
  const base = await app.start();
  let retries = 0;
  const post = async (): Promise<Response> => {
    try {
      return await fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: query });
    } catch {
      // A keep-alive socket the server closed just as it was reused: retry once, and say so.
      retries++;
      return fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: query });
    }
  };
  const ask = async () => {
    const res = await post();
    const body = (await res.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  if (!idleRecorded) {
    rows.push(await measure(`API query (${SERVERS} servers with health), no sweep`, 200, ask));
    idleRecorded = true;
  } else {
    await measure("warm-up", 20, ask, 0);
  }

  // Queries back to back for as long as the sweep job runs.
  const during: number[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const started = performance.now();
  const jobId = await enqueueSweep(app.services.jobs);
  if (!jobId) throw new Error("a sweep job was already queued");
  let job = await app.services.jobs.get(jobId);
  while (job.status === "PENDING" || job.status === "RUNNING") {
    const t0 = performance.now();
    await ask();
    during.push(performance.now() - t0);
    job = await app.services.jobs.get(jobId);
  }
  loopDelay.disable();
  const sweepMs = performance.now() - started;
  if (job.status !== "SUCCEEDED") throw new Error(`sweep job ${job.status}: ${job.error}`);
  const progressEvents = (await app.services.jobs.eventsOf(jobId)).filter((e) => e.type === "PROGRESS").length;
  console.error(`sweep (${concurrency} at a time) done in ${Math.round(sweepMs)} ms, ${during.length} queries during it`);
  rows.push(stats(`API query (${SERVERS} servers with health), during the sweep, ${concurrency} at a time`, during));
  const checkedAt = await app.database.prisma.mcpHealth.findMany({ select: { latencyMs: true, status: true } });
  rows.push(stats(`one check within the sweep, ${concurrency} at a time (as recorded)`, checkedAt.map((h) => h.latencyMs ?? 0)));
  const byStatus = Object.entries(checkedAt.reduce<Record<string, number>>((acc, h) => ({ ...acc, [h.status]: (acc[h.status] ?? 0) + 1 }), {}));
  notes.push(
    `Sweep of ${SERVERS} deployed servers as the mcp.health-sweep job, ${concurrency} at a time (SKILLGRAPH_MCP_HEALTH_CONCURRENCY=${concurrency}): ${Math.round(sweepMs)} ms from enqueue to done; statuses: ${byStatus.map(([s, n]) => `${s} ${n}`).join(", ")}; ${progressEvents} progress events; children left: ${liveChildCount()}; the API process's event-loop delay during the sweep: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms; requests retried after a closed keep-alive socket: ${retries}; load average (1 min) after it: ${loadavg()[0]?.toFixed(1)}.`,
  );
  await app.stop();
}
rmSync(dir, { recursive: true, force: true });

report("MCP health", [single, startup, ownStartup, overhead, remote, sseRemote, ...rows], [
  `A stdio check spawns \`node test/fixtures/mcp/stdio-server.mjs healthy\` (the SDK's low-level Server over stdio, loaded lean: plain JavaScript, the SDK's CommonJS build, no McpServer/zod of its own), runs initialize + tools/list with the SDK client, then kills the process group and waits for it to be reaped. Target: under 300 ms. The server's start-up is Node plus loading the SDK (zod, ajv: about 280 files); the checker's overhead is everything else.`,
  ...notes,
  `The single check runs at normal priority (as checkMcpServerHealth does); the servers a sweep checks run at nice ${niceness} (SKILLGRAPH_MCP_HEALTH_NICE), and so does their session's autogroup (Linux gives every session an equal CPU share whatever its nice values; each checked server leads its own session). ${cpus().length} cores; other work may share the machine.`,
  `API queries went over HTTP to the same process (one client, back to back) while the sweep ran; the job worker, the checks' client side and the API share one event loop.`,
]);
