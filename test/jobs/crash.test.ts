// Durability with real processes: a server killed with SIGKILL mid-job, then started again, and
// two worker processes sharing one database.
import { spawn, type ChildProcess } from "node:child_process";
import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, providerOf, type Database } from "../../src/db/index.js";
import { migrate } from "../../src/db/migrator.js";
import { systemDemoKind } from "../../src/modules/jobs/kinds/system-demo.js";
import { localEventBus } from "../../src/lib/event-bus.js";
import { SYSTEM } from "../../src/lib/principal.js";
import { JobService } from "../../src/modules/jobs/index.js";
import { loadConfig } from "../../src/config.js";
import { bin, runCli } from "../helpers/cli.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { waitFor } from "./helpers.js";

const jobEnv = { SKILLGRAPH_JOB_POLL_MS: "50", SKILLGRAPH_JOB_LEASE_MS: "1500", SKILLGRAPH_JOB_BACKOFF_MS: "100", LOG_LEVEL: "info", SKILLGRAPH_SHUTDOWN_TIMEOUT_MS: "1000" };

interface Proc {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves with the GraphQL URL once the server logs it. */
  url: Promise<string>;
  stderr: () => string;
}

function start(db: TestDatabase, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, DATABASE_URL: db.url, PORT: "0", ...jobEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  const url = new Promise<string>((resolve, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      const m = /"graphql":"([^"]+)"/.exec(err);
      if (m?.[1]) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited (${code}) before listening:\n${err}`)));
  });
  url.catch(() => {});
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, url, stderr: () => err };
}

async function stop(p: Proc, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  await p.exited;
}

interface Setup {
  db: TestDatabase;
  database: Database;
  /** The test's own view of the database: enqueue and read, never run (no worker here). */
  jobs: JobService;
}

// Each test has its own database, so the two run side by side (process start-up dominates).
describe.concurrent("durability across processes", () => {
  const procs: Proc[] = [];
  const setups: Setup[] = [];

  async function setup(): Promise<Setup> {
    const db = await createTestDatabase();
    await migrate(db.url);
    const database = await openDatabase({ url: db.url, provider: providerOf(db.url) });
    const jobs = new JobService(database, localEventBus().bus, loadConfig({ DATABASE_URL: db.url }).jobs);
    jobs.registry.register(systemDemoKind);
    const s = { db, database, jobs };
    setups.push(s);
    return s;
  }

  afterAll(async () => {
    for (const p of procs) await stop(p, "SIGKILL");
    for (const s of setups) {
      await s.database.close();
      await s.db.drop();
    }
  });

  it("a job survives SIGKILL of its server and completes exactly once after a restart, its event log intact", async () => {
    const { db, jobs } = await setup();
    const { stdout } = await runCli(["token", "create", "--name", "crash-admin", "--scopes", "admin", "--json"], { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent" });
    const token = (JSON.parse(stdout) as { token: string }).token;
    const first = start(db, ["serve"]);
    procs.push(first);
    const url = await first.url;
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation { enqueueJob(input: { kind: "system.demo", input: { steps: 20, stepMs: 100 } }) { __typename ... on JobPayload { job { id } } } }`,
      }),
    });
    const body = (await res.json()) as { data: { enqueueJob: { job: { id: string } } } };
    const gid = body.data.enqueueJob.job.id;
    const { typename, id } = decodeGlobalID(gid);
    expect(typename).toBe("Job");

    await waitFor("the job to be a third done", async () => (await jobs.get(id)).progress >= 35, 20_000);
    first.child.kill("SIGKILL");
    await first.exited;
    const killed = await jobs.get(id);
    expect(killed.status).toBe("RUNNING");
    expect(killed.progress).toBeLessThan(100);

    const second = start(db, ["serve"]);
    procs.push(second);
    await second.url;
    const done = await waitFor("the job to succeed after the restart", async () => {
      const j = await jobs.get(id);
      return j.status === "SUCCEEDED" ? j : null;
    }, 60_000);
    await stop(second);

    expect(done).toMatchObject({ progress: 100, attempts: 1, leaseOwner: null });
    const result = done.result as { completedSteps: number; resumedFrom: number };
    expect(result.completedSteps).toBe(20);
    expect(result.resumedFrom).toBe(killed.progress / 5);

    const events = await jobs.eventsOf(id);
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    const statuses = events.filter((e) => e.type === "STATUS").map((e) => `${e.status}:${e.message}`);
    expect(statuses).toEqual(["PENDING:Queued", "RUNNING:Started (attempt 1)", "RUNNING:Resumed after the previous worker's lease expired", "SUCCEEDED:Succeeded"]);
    // Every step's progress exactly once: none lost before the kill, none repeated after it.
    const progress = events.filter((e) => e.type === "PROGRESS").map((e) => e.progress);
    expect(progress).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 5));
  }, 120_000);

  it("operators list, show and cancel jobs with the CLI", async () => {
    const { db, jobs } = await setup();
    const waiting = await jobs.enqueue("system.demo", { steps: 2, stepMs: 0 }, SYSTEM);
    const cli = (args: string[]) => runCli(args, { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent" });
    const [list, show, bad] = await Promise.all([
      cli(["jobs", "list", "--json"]),
      cli(["jobs", "show", encodeGlobalID("Job", waiting.id)]),
      cli(["jobs", "list", "--limit", "0"]),
    ]);
    expect((JSON.parse(list.stdout) as { id: string; status: string }[]).map((j) => [j.id, j.status])).toEqual([[waiting.id, "PENDING"]]);
    expect(show.stdout).toMatch(new RegExp(`Job ${waiting.id} \\(system\\.demo\\) — PENDING, 0%`));
    expect(show.stdout).toMatch(/\n\s+1\s+\S+ \S+\s+STATUS\s+PENDING\s+0%\s+Queued\n/);
    expect(bad).toMatchObject({ code: 2, stderr: "--limit: must be a whole number from 1 to 1000\n" });
    const cancel = await cli(["jobs", "cancel", waiting.id]);
    expect(cancel.stdout).toBe(`Cancelled job ${waiting.id}.\n`);
    expect((await jobs.get(waiting.id)).status).toBe("CANCELLED");
    const missing = await cli(["jobs", "show", "nope"]);
    expect(missing).toMatchObject({ code: 2, stderr: 'Job "nope" was not found.\n' });
  }, 120_000);

  it("two worker processes on one database never run the same job", async () => {
    const { db, database, jobs } = await setup();
    const workers = [start(db, ["worker", "--concurrency", "3"]), start(db, ["worker", "--concurrency", "3"])];
    procs.push(...workers);
    await Promise.all(workers.map((w) => waitFor("worker start", () => w.stderr().includes("skillgraph worker running"), 60_000)));
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push((await jobs.enqueue("system.demo", { steps: 4, stepMs: 10 }, SYSTEM)).id);
    await waitFor("all 24 jobs to succeed", async () => (await database.prisma.job.count({ where: { id: { in: ids }, status: "SUCCEEDED" } })) === 24, 60_000);
    await Promise.all(workers.map((w) => stop(w)));
    for (const w of workers) expect(await w.exited).toBe(0);

    const events = await database.prisma.jobEvent.findMany({ where: { jobId: { in: ids } }, orderBy: [{ jobId: "asc" }, { sequence: "asc" }] });
    let starts = 0;
    for (const id of ids) {
      const mine = events.filter((e) => e.jobId === id);
      const log = mine.filter((e) => e.type === "STATUS").map((e) => e.message ?? "");
      // Never taken over from a live worker, and never started again while a run was open: every
      // start is followed by its own end (success, or a failure that schedules a retry).
      expect(log.some((m) => m.startsWith("Resumed")), `${id}: ${log.join(" | ")}`).toBe(false);
      const runs = log.slice(1);
      for (let i = 0; i < runs.length; i += 2) {
        expect(runs[i], `${id}: ${log.join(" | ")}`).toMatch(/^Started \(attempt \d\)$/);
        expect(runs[i + 1], `${id}: ${log.join(" | ")}`).toMatch(/^(Succeeded|Attempt \d of 3 failed .*)$/);
      }
      expect(log.at(-1)).toBe("Succeeded");
      starts += runs.length / 2;
      // Each step's progress exactly once: a retry resumes after the last checkpoint.
      expect(mine.filter((e) => e.type === "PROGRESS").map((e) => e.progress), id).toEqual([25, 50, 75, 100]);
    }
    // Each worker logs the runs it starts: together exactly the starts in the log, and both took some.
    // (Only this test's kind: the platform enqueues jobs of its own, e.g. MCP health sweeps.)
    const started = workers.map((w) => (w.stderr().match(/"msg":"job started","job":"[^"]+","kind":"system\.demo"/g) ?? []).length);
    expect(started[0] ?? 0).toBeGreaterThan(0);
    expect(started[1] ?? 0).toBeGreaterThan(0);
    expect((started[0] ?? 0) + (started[1] ?? 0)).toBe(starts);
  }, 120_000);
});
