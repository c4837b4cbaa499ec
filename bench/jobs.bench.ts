// Jobs: live progress fan-out over graphql-ws, enqueue-to-start latency, and draining a queue.
// One process, SQLite (embedded default), in-process pubsub. Run: npm run bench -- jobs
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { Worker } from "node:worker_threads";
import { z } from "zod";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/lib/logger.js";
import { SYSTEM } from "../src/lib/principal.js";
import { defineJobKind, JobWorker } from "../src/modules/jobs/index.js";
import { measure, percentile, report, type Stats } from "./lib.js";

const SUBSCRIBERS = 1000;
const EVENTS = 100;
const QUEUED = 1000;

function stats(name: string, values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return { name, n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

async function waitUntil(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const dir = mkdtempSync(join(tmpdir(), "skillgraph-bench-jobs-"));
const config = loadConfig({
  DATABASE_URL: `file:${join(dir, "bench.db")}`,
  PORT: "0",
  LOG_LEVEL: "silent",
  SKILLGRAPH_PUBLIC_READ: "true",
  // A benchmark is not a rate-limited client.
  SKILLGRAPH_RATE_LIMIT_ANONYMOUS: "0",
  SKILLGRAPH_RATE_LIMIT_AUTHENTICATED: "0",
  SKILLGRAPH_WORKER_CONCURRENCY: "8",
  // Subscriptions check the stored log after a silent poll interval; keep that out of the window.
  SKILLGRAPH_JOB_POLL_MS: "60000",
});
const app = await createApp(config, { logger: createLogger("silent") });
const jobs = app.services.jobs;
const rows: Stats[] = [];
const notes: string[] = [];

// ---- 1. fan-out: SUBSCRIBERS graphql-ws clients on one job, EVENTS progress events each
const sentAt = new Map<number, number>();
let release: () => void = () => {};
const released = new Promise<void>((resolve) => {
  release = resolve;
});
jobs.registry.register(
  defineJobKind({
    name: "bench.progress",
    description: "Waits for the subscribers, then reports 100 progress events.",
    input: z.object({}),
    async run(ctx) {
      await released;
      for (let i = 1; i <= EVENTS; i++) {
        sentAt.set(i, performance.timeOrigin + performance.now());
        await ctx.progress(i);
        // A progress report every 20 ms: faster than dashboards need, slow enough to measure delivery, not backlog.
        await sleep(20);
      }
      return null;
    },
  }),
);
const started = new Map<string, () => void>();
let runs = 0;
jobs.registry.register(
  defineJobKind({
    name: "bench.noop",
    description: "Records that it ran.",
    input: z.object({ n: z.number() }),
    async run(ctx) {
      runs++;
      started.get(ctx.jobId)?.();
      return { n: ctx.input.n };
    },
  }),
);

const base = await app.start();
const wsUrl = `${base.replace("http", "ws")}/graphql`;
const job = await jobs.enqueue("bench.progress", {}, SYSTEM);
const gid = encodeGlobalID("Job", job.id);
// The clients run in a worker thread (same process, their own event loop and core), so the
// server's loop does only server work.
// Loader hooks do not reach worker threads through execArgv: the thread registers tsx itself.
const boot = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register(); await import(${JSON.stringify(new URL("./jobs-subscribers.ts", import.meta.url).href)});`;
const subscriberThread = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
  workerData: { url: wsUrl, id: gid, subscribers: SUBSCRIBERS, events: EVENTS },
});
const fanOut = await new Promise<{ receipts: Float64Array; inOrder: number }>((resolve, reject) => {
  subscriberThread.on("error", reject);
  subscriberThread.on("message", (m: { type: "ready" } | { type: "done"; receipts: Float64Array; inOrder: number }) => {
    if (m.type === "ready") release();
    else resolve(m);
  });
});
await subscriberThread.terminate();
const latencies: number[] = [];
for (let i = 0; i < fanOut.receipts.length; i++) {
  const sent = sentAt.get((i % EVENTS) + 1);
  const got = fanOut.receipts[i];
  if (sent !== undefined && got !== undefined && !Number.isNaN(got)) latencies.push(got - sent);
}
const inOrder = fanOut.inOrder;
rows.push(stats(`graphql-ws delivery, ${SUBSCRIBERS} subscribers × ${EVENTS} progress events (ms from ctx.progress() to receipt)`, latencies));
notes.push(`${inOrder} of ${SUBSCRIBERS} subscribers received all ${EVENTS} progress events in order (${latencies.length} deliveries).`);

// ---- 2. enqueue-to-start with an idle worker
const startLatency = await measure(
  "enqueue → handler start, idle worker (ms)",
  300,
  async (i) => {
    let resolveStart: () => void = () => {};
    const start = new Promise<void>((resolve) => {
      resolveStart = resolve;
    });
    const j = await jobs.enqueue("bench.noop", { n: i }, SYSTEM);
    started.set(j.id, resolveStart);
    // The handler may start before started.set ran: then the row is already RUNNING or done.
    const row = await jobs.get(j.id);
    if (row.status !== "PENDING") resolveStart();
    await start;
    started.delete(j.id);
  },
  20,
);
rows.push(startLatency);
await waitUntil("the worker to go idle", () => (app.background[0] as JobWorker).runningJobs.length === 0);

// ---- 3. drain QUEUED jobs without loss
const worker = app.background.find((t): t is JobWorker => t instanceof JobWorker);
if (!worker) throw new Error("no job worker");
await worker.stop();
await app.database.prisma.jobEvent.deleteMany();
await app.database.prisma.job.deleteMany();
runs = 0;
for (let i = 0; i < QUEUED; i++) await jobs.enqueue("bench.noop", { n: i }, SYSTEM);
const t0 = performance.now();
const drainStart = new Date();
await worker.start();
await waitUntil("the queue to drain", async () => (await app.database.prisma.job.count({ where: { status: "SUCCEEDED" } })) === QUEUED, 300_000);
const drainMs = performance.now() - t0;
const finished = await app.database.prisma.job.findMany({ select: { completedAt: true, attempts: true } });
rows.push(stats(`${QUEUED} queued jobs: time from worker start to each job's completion (ms)`, finished.map((j) => (j.completedAt?.getTime() ?? Number.NaN) - drainStart.getTime())));
notes.push(
  `Drained ${QUEUED} queued jobs in ${(drainMs / 1000).toFixed(2)} s (${Math.round(QUEUED / (drainMs / 1000))} jobs/s, concurrency ${config.jobs.concurrency}); ` +
    `${finished.length} SUCCEEDED, handlers ran ${runs} times, every job in 1 attempt: ${finished.every((j) => j.attempts === 1)}.`,
);

await app.stop();
rmSync(dir, { recursive: true, force: true });
notes.push(
  `Server and the ${SUBSCRIBERS} clients share one process; the clients run in a worker thread. Load average during the run ` +
    `${loadavg().map((l) => l.toFixed(1)).join(" / ")} on ${cpus().length} cores (other work was running on the machine).`,
);
report("Jobs: live progress, enqueue-to-start, queue drain (SQLite, one process)", rows, notes);
