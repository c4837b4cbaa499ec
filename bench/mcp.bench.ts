// MCP health: (1) latency of one stdio health check against the local fixture server (spawn,
// initialize, tools/list, kill); (2) 50 deployed servers swept concurrently while the API answers
// queries, against the same queries with no sweep running. `npm run bench -- mcp`
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpus, loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/lib/logger.js";
import { checkServer } from "../src/modules/mcp/health-check.js";
import { liveChildCount } from "../src/modules/mcp/process-transport.js";
import { serverJsonSchema } from "../src/modules/mcp/server-json.js";
import { startHttpFixture } from "../test/fixtures/mcp/http-server.js";
import { measure, percentile, report, type Stats } from "./lib.js";

const fixture = fileURLToPath(new URL("../test/fixtures/mcp/stdio-server.mjs", import.meta.url));
const SERVERS = 50;

const single = await measure(
  "stdio health check (spawn + initialize + tools/list + kill)",
  30,
  async () => {
    const r = await checkServer({ kind: "stdio", command: process.execPath, args: [fixture, "healthy"], env: {} }, { timeoutMs: 10_000, slowMs: 10_000 });
    if (r.status !== "HEALTHY") throw new Error(`fixture not healthy: ${r.error}`);
  },
  3,
);

console.error(`single check: p50 ${single.p50.toFixed(0)} ms`);

// The same handshake with no process to start: what the client side costs.
const http = await startHttpFixture();
const remote = await measure("streamable HTTP health check (local SDK server, no spawn)", 100, async () => {
  const r = await checkServer({ kind: "streamable-http", url: http.url, headers: {} }, { timeoutMs: 10_000, slowMs: 10_000 });
  if (r.status !== "HEALTHY") throw new Error(`http fixture not healthy: ${r.error}`);
}, 10);
await http.close();
const dir = mkdtempSync(join(tmpdir(), "skillgraph-bench-mcp-"));
const config = loadConfig({
  DATABASE_URL: `file:${join(dir, "bench.db")}`,
  PORT: "0",
  LOG_LEVEL: "silent",
  SKILLGRAPH_SECRET_KEY: Buffer.alloc(32, 1).toString("base64"),
  SKILLGRAPH_MCP_SETTINGS_ROOT: dir,
  SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "0",
  SKILLGRAPH_MCP_HEALTH_CONCURRENCY: String(SERVERS),
  SKILLGRAPH_MCP_HEALTH_TIMEOUT_MS: "30000",
  SKILLGRAPH_MCP_HEALTH_SLOW_MS: "30000",
});
const app = await createApp(config, { logger: createLogger("silent"), startBackground: false });
const mcp = app.services.mcp;
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
  const server = await mcp.register(doc);
  await mcp.setEnv(server.id, [{ name: "API_KEY", value: `sk-bench-${i}` }]);
  await mcp.deploy(server.id, { settingsPath: "bench.json" });
}

console.error(`${SERVERS} servers registered and deployed`);
const query = JSON.stringify({ query: `{ mcpServers(first: ${SERVERS}) { edges { node { name missingEnv health { status latencyMs } } } } }` });
// Over a real port, as clients ask: an in-process loop of yoga.fetch over synchronous SQLite
// would only ever run microtasks and starve the sweep's I/O and timers.
const base = await app.start();
let retries = 0;
async function post(): Promise<Response> {
  try {
    return await fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: query });
  } catch {
    // A keep-alive socket the server closed just as it was reused: retry once, and say so.
    retries++;
    return fetch(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: query });
  }
}
async function ask() {
  const res = await post();
  const body = (await res.json()) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

const idle = await measure(`API query (${SERVERS} servers with health), no sweep`, 200, ask);

console.error(`idle queries: p50 ${idle.p50.toFixed(1)} ms`);
// Queries back to back for as long as the sweep runs.
const during: number[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let sweeping = true;
const started = performance.now();
const sweep = mcp.sweep().finally(() => {
  sweeping = false;
});
while (sweeping) {
  const t0 = performance.now();
  await ask();
  during.push(performance.now() - t0);
}
await sweep;
loopDelay.disable();
console.error(`sweep done, ${during.length} queries during it`);
const sweepMs = performance.now() - started;
during.sort((a, b) => a - b);
const busy: Stats = {
  name: `API query (${SERVERS} servers with health), during the sweep`,
  n: during.length,
  p50: percentile(during, 50),
  p95: percentile(during, 95),
  p99: percentile(during, 99),
  max: during.at(-1) ?? Number.NaN,
};
const health = await app.database.prisma.mcpHealth.groupBy({ by: ["status"], _count: true });
const latencies = (await app.database.prisma.mcpHealth.findMany({ select: { latencyMs: true } })).map((h) => h.latencyMs ?? 0).sort((a, b) => a - b);
const perCheck: Stats = {
  name: `one check within the sweep of ${SERVERS} (as recorded)`,
  n: latencies.length,
  p50: percentile(latencies, 50),
  p95: percentile(latencies, 95),
  p99: percentile(latencies, 99),
  max: latencies.at(-1) ?? Number.NaN,
};
await app.stop();
rmSync(dir, { recursive: true, force: true });

report("MCP health", [single, remote, idle, busy, perCheck], [
  `A stdio check spawns \`node test/fixtures/mcp/stdio-server.mjs healthy\` (the SDK's McpServer over stdio), runs initialize + tools/list with the SDK client, then kills the process group. Target: under 300 ms. Most of it is the server starting: Node plus loading the SDK (compare the streamable HTTP row, where the server is already running).`,
  `Sweep of ${SERVERS} deployed servers, ${SERVERS} at a time (SKILLGRAPH_MCP_HEALTH_CONCURRENCY=${SERVERS}): ${Math.round(sweepMs)} ms wall; statuses: ${health.map((h) => `${h.status} ${h._count}`).join(", ")}; children left: ${liveChildCount()}; the API process's event-loop delay during the sweep: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms.`,
  `Checked servers run at nice +10, below the API. Machine load average when the run ended (1 min): ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores; other work shared the machine.`,
  `API queries went over HTTP to the same process (one client, back to back) while the sweep ran; the scheduler and the API share one event loop. Requests retried after a closed keep-alive socket: ${retries}.`,
]);
