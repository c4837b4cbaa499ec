// The job engine through its service and worker: validation, lifecycle, retries, cancellation,
// human in the loop (also across a restart), leases between two workers.
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidInputError, JobNotWaitingError, JobStateError, ForbiddenError } from "../../src/lib/errors.js";
import { localEventBus } from "../../src/lib/event-bus.js";
import { createLogger } from "../../src/lib/logger.js";
import { SYSTEM } from "../../src/lib/principal.js";
import { backoffDelay, defineJobKind, JobService, JobWorker } from "../../src/modules/jobs/index.js";
import { useTestApp } from "../helpers/app.js";
import { testPrincipal } from "../helpers/principals.js";
import { clearJobs, fastJobs, gate, openApp, waitFor, waitForStatus } from "./helpers.js";

const alice = testPrincipal("alice");
const bob = testPrincipal("bob");

const gates = new Map<string, ReturnType<typeof gate>>();
const seenAbort = new Set<string>();
let flakyCalls = 0;

const blockerKind = defineJobKind({
  name: "test.blocker",
  description: "Waits until the test opens its gate (or it is cancelled).",
  input: z.object({ gate: z.string() }),
  async run(ctx) {
    const g = gates.get(ctx.input.gate) ?? gate();
    gates.set(ctx.input.gate, g);
    await ctx.progress(10, { phase: "waiting" });
    const aborted = new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
    await Promise.race([g.wait, aborted]);
    if (ctx.signal.aborted) seenAbort.add(ctx.jobId);
    ctx.throwIfCancelled();
    return { gate: ctx.input.gate };
  },
});

const flakyKind = defineJobKind({
  name: "test.flaky",
  description: "Fails `failures` times, then succeeds.",
  input: z.object({ failures: z.number().int().min(0) }),
  maxAttempts: 3,
  async run(ctx) {
    flakyCalls++;
    if (ctx.attempt <= ctx.input.failures) throw new Error(`boom on attempt ${ctx.attempt}`);
    return { attempt: ctx.attempt };
  },
});

/** Does work before and after asking; the checkpoint proves the first half is not redone. */
const approvalRuns: string[] = [];
const approvalKind = defineJobKind({
  name: "test.approval",
  description: "Prepares, asks for approval, then applies.",
  input: z.object({ items: z.number().int().min(1) }),
  hitlTimeoutMs: 60_000,
  async run(ctx) {
    const cp = ctx.checkpoint as { prepared?: boolean } | null;
    if (!cp?.prepared) {
      approvalRuns.push(`prepare:${ctx.jobId}`);
      await ctx.progress(40, { phase: "prepared", checkpoint: { prepared: true } });
    }
    const answer = await ctx.ask("approve", { message: `Apply ${ctx.input.items} changes?`, choices: ["yes", "no"], details: { items: ctx.input.items } });
    approvalRuns.push(`apply:${ctx.jobId}`);
    await ctx.progress(90, { phase: "applied" });
    return { applied: answer === "yes" ? ctx.input.items : 0 };
  },
});

const quickAskKind = defineJobKind({
  name: "test.quick-ask",
  description: "Asks with a very short timeout.",
  input: z.object({}),
  hitlTimeoutMs: 60,
  async run(ctx) {
    return { answer: await ctx.ask("ok", { message: "Anyone there?" }) };
  },
});

describe("job engine", () => {
  const t = useTestApp({ env: fastJobs });
  const jobs = () => t().app.services.jobs;

  beforeAll(async () => {
    jobs().registry.register(blockerKind).register(flakyKind).register(approvalKind).register(quickAskKind);
    await t().app.startBackground();
  });
  beforeEach(async () => {
    for (const g of gates.values()) g.open();
    await waitFor("idle workers", () => (t().app.background[0] as JobWorker).runningJobs.length === 0);
    await clearJobs(t().app);
  });

  it("rejects unknown kinds and bad input naming the field and the rule, writing nothing", async () => {
    await expect(jobs().enqueue("nope.kind", {}, SYSTEM)).rejects.toThrow(/input\.kind: unknown job kind "nope\.kind"; known kinds: .*system\.demo/);
    const err = await jobs().enqueue("system.demo", { steps: 0, stepMs: -1 }, SYSTEM).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).field).toBe("input.input.steps");
    expect((err as InvalidInputError).message).toMatch(/must be at least 1; stepMs: must be 0 or more/);
    await expect(jobs().enqueue("system.demo", { steps: "ten" }, SYSTEM)).rejects.toThrow(/input\.input\.steps/);
    await expect(jobs().enqueue("system.demo", {}, alice)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await t().app.database.prisma.job.count()).toBe(0);
    expect(await t().app.database.prisma.jobEvent.count()).toBe(0);
  });

  it("runs a job to SUCCEEDED with its progress stored as numbered events, in order", async () => {
    const job = await jobs().enqueue("system.demo", { steps: 5, stepMs: 0 }, SYSTEM);
    expect(job.status).toBe("PENDING");
    const done = await waitForStatus(t().app, job.id, "SUCCEEDED");
    expect(done).toMatchObject({ progress: 100, attempts: 1, result: { completedSteps: 5, resumedFrom: 0 }, leaseOwner: null });
    expect(done.startedAt).toBeInstanceOf(Date);
    expect(done.completedAt).toBeInstanceOf(Date);
    const events = await jobs().eventsOf(job.id);
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => `${e.type}:${e.status}:${e.progress}`)).toEqual([
      "STATUS:PENDING:0",
      "STATUS:RUNNING:0",
      "PROGRESS:RUNNING:20",
      "PROGRESS:RUNNING:40",
      "PROGRESS:RUNNING:60",
      "PROGRESS:RUNNING:80",
      "PROGRESS:RUNNING:100",
      "STATUS:SUCCEEDED:100",
    ]);
    expect(done.eventSequence).toBe(events.length);
  });

  it("retries with backoff up to the kind's limit, then fails with the last error", async () => {
    expect([1, 2, 3, 4, 10].map((a) => backoffDelay(a, 100, 500))).toEqual([100, 200, 400, 500, 500]);
    flakyCalls = 0;
    const ok = await jobs().enqueue("test.flaky", { failures: 2 }, alice);
    const done = await waitForStatus(t().app, ok.id, "SUCCEEDED");
    expect(done).toMatchObject({ attempts: 3, result: { attempt: 3 }, error: null });
    const messages = (await jobs().eventsOf(ok.id)).map((e) => e.message);
    expect(messages).toContain("Attempt 1 of 3 failed (boom on attempt 1); retrying in 1s");
    expect(messages).toContain("Attempt 2 of 3 failed (boom on attempt 2); retrying in 1s");

    flakyCalls = 0;
    const bad = await jobs().enqueue("test.flaky", { failures: 5 }, alice);
    const failed = await waitForStatus(t().app, bad.id, "FAILED");
    expect(failed).toMatchObject({ attempts: 3, error: "boom on attempt 3", message: "Failed after 3 attempts" });
    expect(flakyCalls).toBe(3);
  });

  it("cancels a pending job at once and a running one cooperatively", async () => {
    const a = await jobs().enqueue("test.blocker", { gate: "a" }, alice);
    const b = await jobs().enqueue("test.blocker", { gate: "b" }, alice);
    await waitForStatus(t().app, a.id, "RUNNING");
    await waitForStatus(t().app, b.id, "RUNNING");
    // Both worker slots are busy, so this one stays PENDING.
    const c = await jobs().enqueue("test.blocker", { gate: "c" }, alice);
    await expect(jobs().cancel(c.id, bob)).rejects.toBeInstanceOf(ForbiddenError);
    const cancelledPending = await jobs().cancel(c.id, alice);
    expect(cancelledPending.status).toBe("CANCELLED");
    expect(cancelledPending.completedAt).toBeInstanceOf(Date);

    const requested = await jobs().cancel(a.id, testPrincipal("ops", ["admin"]));
    expect(requested).toMatchObject({ status: "RUNNING", cancelRequested: true });
    const cancelled = await waitForStatus(t().app, a.id, "CANCELLED");
    expect(cancelled.message).toBe("Cancelled");
    expect(seenAbort.has(a.id)).toBe(true);

    gates.get("b")?.open();
    await waitForStatus(t().app, b.id, "SUCCEEDED");
    await expect(jobs().cancel(b.id, alice)).rejects.toBeInstanceOf(JobStateError);
    const statuses = (await jobs().eventsOf(c.id)).map((e) => e.status);
    expect(statuses).toEqual(["PENDING", "CANCELLED"]);
  });

  it("retries a failed or cancelled job from the start, and refuses others", async () => {
    const j = await jobs().enqueue("test.flaky", { failures: 9 }, alice);
    await waitForStatus(t().app, j.id, "FAILED");
    await expect(jobs().retry(j.id, bob)).rejects.toBeInstanceOf(ForbiddenError);
    const again = await jobs().retry(j.id, alice);
    expect(again).toMatchObject({ status: "PENDING", attempts: 0, error: null, progress: 0 });
    const failedAgain = await waitForStatus(t().app, j.id, "FAILED");
    expect(failedAgain.attempts).toBe(3);
    const ok = await jobs().enqueue("system.demo", { steps: 1, stepMs: 0 }, SYSTEM);
    await waitForStatus(t().app, ok.id, "SUCCEEDED");
    await expect(jobs().retry(ok.id, SYSTEM)).rejects.toThrow(/Cannot retry job .*: it is SUCCEEDED; only failed or cancelled jobs can be retried/);
  });

  it("pauses for a person, checks the answer, and resumes from the checkpoint", async () => {
    approvalRuns.length = 0;
    const j = await jobs().enqueue("test.approval", { items: 3 }, alice);
    const waiting = await waitForStatus(t().app, j.id, "PENDING_HITL");
    expect(waiting.prompt).toEqual({ key: "approve", message: "Apply 3 changes?", choices: ["yes", "no"], details: { items: 3 } });
    expect(waiting.leaseOwner).toBeNull();
    expect(waiting.waitingUntil?.getTime()).toBeGreaterThan(Date.now());

    await expect(jobs().respond(j.id, "maybe", alice)).rejects.toThrow(/response: must be one of "yes", "no"/);
    expect((await jobs().get(j.id)).status).toBe("PENDING_HITL");
    const resumed = await jobs().respond(j.id, "yes", alice);
    expect(resumed.status).toBe("PENDING");
    const done = await waitForStatus(t().app, j.id, "SUCCEEDED");
    expect(done).toMatchObject({ result: { applied: 3 }, attempts: 1, prompt: null });
    expect(approvalRuns).toEqual([`prepare:${j.id}`, `apply:${j.id}`]);

    const err = await jobs().respond(j.id, "yes", alice).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobNotWaitingError);
    expect((err as JobNotWaitingError).message).toBe(`Job ${j.id} is not waiting for a response: it is SUCCEEDED.`);
  });

  it("fails a job whose question times out, with a clear message", async () => {
    const j = await jobs().enqueue("test.quick-ask", {}, alice);
    const failed = await waitForStatus(t().app, j.id, "FAILED");
    expect(failed.error).toMatch(/^No response by .* to: Anyone there\? \(timed out waiting for a human\)\.$/);
    expect(failed.message).toBe("Timed out waiting for a response");
  });

  it("keeps a waiting job across a restart and resumes it on the new instance", async () => {
    const url = t().app.config.databaseUrl;
    // One live instance at a time on the database, as a restart is.
    const shared = t().app.background[0] as JobWorker;
    await shared.stop();
    const first = await openApp(url);
    first.services.jobs.registry.register(approvalKind);
    await first.startBackground();
    approvalRuns.length = 0;
    const j = await first.services.jobs.enqueue("test.approval", { items: 2 }, alice);
    await waitForStatus(first, j.id, "PENDING_HITL");
    await first.stop();

    const second = await openApp(url);
    try {
      second.services.jobs.registry.register(approvalKind);
      await second.startBackground();
      const still = await second.services.jobs.get(j.id);
      expect(still.status).toBe("PENDING_HITL");
      await second.services.jobs.respond(j.id, "no", alice);
      const done = await waitForStatus(second, j.id, "SUCCEEDED");
      expect(done.result).toEqual({ applied: 0 });
      expect(approvalRuns).toEqual([`prepare:${j.id}`, `apply:${j.id}`]);
    } finally {
      await second.stop();
      await shared.start();
    }
  });

  it("hands a running job back when its worker stops, and it completes on the next one", async () => {
    const j = await jobs().enqueue("system.demo", { steps: 30, stepMs: 20 }, SYSTEM);
    const url = t().app.config.databaseUrl;
    await waitFor("progress", async () => (await jobs().get(j.id)).progress >= 20);
    const stopping = t().app.background[0] as JobWorker;
    await stopping.stop();
    const released = await jobs().get(j.id);
    expect(released).toMatchObject({ status: "PENDING", resume: true, leaseOwner: null });
    const other = await openApp(url);
    try {
      await other.startBackground();
      const done = await waitForStatus(other, j.id, "SUCCEEDED");
      expect(done.attempts).toBe(1);
      expect((done.result as { resumedFrom: number }).resumedFrom).toBeGreaterThan(0);
      const progress = (await jobs().eventsOf(j.id)).filter((e) => e.type === "PROGRESS").map((e) => e.progress);
      expect(new Set(progress).size).toBe(progress.length);
    } finally {
      await other.stop();
      await stopping.start();
    }
  });
});

describe("leases", () => {
  const t = useTestApp({ env: fastJobs });

  // In one process the workers share one connection: two SQLite connections in one process would
  // block each other's event loop in SQLite's busy wait. Separate processes are covered in
  // crash.test.ts.
  it("two workers on one database never run the same job", async () => {
    const jobs = t().app.services.jobs;
    const runs = new Map<string, string[]>();
    jobs.registry.register(
      defineJobKind({
        name: "test.track",
        description: "Records which worker ran it.",
        input: z.object({ n: z.number() }),
        async run(ctx) {
          runs.set(ctx.jobId, [...(runs.get(ctx.jobId) ?? []), String(ctx.input.n)]);
          await sleep(5);
          await ctx.progress(50);
          return { n: ctx.input.n };
        },
      }),
    );
    const ids: string[] = [];
    for (let n = 0; n < 40; n++) ids.push((await jobs.enqueue("test.track", { n }, alice)).id);
    const workers = ["w1", "w2"].map((id) => new JobWorker(jobs, createLogger("silent"), { id, concurrency: 4 }));
    try {
      await Promise.all(workers.map((w) => w.start()));
      await waitFor("all 40 jobs to succeed", async () => (await t().app.database.prisma.job.count({ where: { status: "SUCCEEDED" } })) === 40, 20_000);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const log = await t().app.database.prisma.jobEvent.findMany({ where: { type: "STATUS" }, select: { jobId: true, message: true }, orderBy: [{ jobId: "asc" }, { sequence: "asc" }] });
    for (const id of ids) expect(runs.get(id), `job ${id}: ${JSON.stringify(log.filter((l) => l.jobId === id))}`).toHaveLength(1);
    const starts = await t().app.database.prisma.jobEvent.findMany({ where: { status: "RUNNING", type: "STATUS" }, select: { message: true } });
    expect(starts.map((s) => s.message)).toEqual(Array(40).fill("Started (attempt 1)"));
  });

  it("a claim is a compare-and-set: racing claimers split the queue with no overlap", async () => {
    const db = t().app.database;
    const quiet = localEventBus().bus;
    const settings = t().app.config.jobs;
    const one = new JobService(db, quiet, settings);
    const two = new JobService(db, quiet, settings);
    for (const s of [one, two]) s.registry.register(defineJobKind({ name: "test.noop", description: "", input: z.object({}), run: async () => null }));
    for (let i = 0; i < 30; i++) await one.enqueue("test.noop", {}, alice);
    const claimed: string[] = [];
    for (let round = 0; round < 10; round++) {
      const [x, y] = await Promise.all([one.store.claim("w1", ["test.noop"], 3, 60_000), two.store.claim("w2", ["test.noop"], 3, 60_000)]);
      claimed.push(...x.map((c) => c.job.id), ...y.map((c) => c.job.id));
    }
    expect(claimed).toHaveLength(30);
    expect(new Set(claimed).size).toBe(30);
  });

  it("takes over a job whose lease expired; the old holder's writes are refused", async () => {
    const db = t().app.database;
    let now = new Date("2026-01-01T00:00:00Z");
    const clock = () => now;
    const settings = { ...t().app.config.jobs, leaseMs: 1000 };
    const svc = new JobService(db, localEventBus().bus, settings, clock);
    svc.registry.register(defineJobKind({ name: "test.noop", description: "", input: z.object({}), run: async () => null }));
    const job = await svc.enqueue("test.noop", {}, alice);
    const [first] = await svc.store.claim("old", ["test.noop"], 1, 1000);
    expect(first?.job.leaseOwner).toBe("old");
    now = new Date(now.getTime() + 500);
    expect(await svc.store.claim("new", ["test.noop"], 1, 1000)).toHaveLength(0);
    now = new Date(now.getTime() + 1000);
    const [taken] = await svc.store.claim("new", ["test.noop"], 1, 1000);
    expect(taken).toMatchObject({ recovered: true, job: { id: job.id, leaseOwner: "new", attempts: 1 } });
    expect(await svc.store.transition(job.id, svc.store.held("old"), { progress: 50 }, { type: "PROGRESS" })).toBeNull();
    expect(await svc.store.saveCheckpoint(job.id, "old", { x: 1 }, 1000)).toBe(false);
    const hb = await svc.store.heartbeat("old", [job.id], 1000);
    expect(hb[0]?.leaseOwner).toBe("new");
  });
});
