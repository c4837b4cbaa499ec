// The job worker: a background task that claims jobs by lease, runs their handlers, renews the
// leases by heartbeat, and records how each run ended. Several workers (in one process or many)
// share one database safely: every write is conditional on still holding the lease.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Job } from "../../generated/prisma/client.js";
import type { JobUpdatedEvent } from "./events.js";
import type { Logger } from "../../lib/logger.js";
import { DomainError } from "../../lib/errors.js";
import type { BackgroundTask } from "../../lib/lifecycle.js";
import { metrics } from "../../lib/metrics.js";
import { withScope } from "../../lib/request-scope.js";
import { annotate, inSpan, SpanKind, withTraceparent } from "../../lib/telemetry.js";
import type { HitlPrompt, JobContext, JobKind } from "./registry.js";
import { backoffDelay, type JobService } from "./service.js";
import { json, released } from "./store.js";

/** Thrown by ctx.ask when no answer exists yet: the worker parks the job as PENDING_HITL. */
class PauseForInput extends Error {
  constructor(
    readonly key: string,
    readonly prompt: HitlPrompt,
  ) {
    super(`waiting for a response to "${key}"`);
  }
}

type StopReason = "cancelled" | "lease-lost" | "shutdown";

/** How a run ended (a metric label and a span attribute). */
type Outcome = "succeeded" | "failed" | "retrying" | "cancelled" | "waiting" | "released" | "lease-lost" | "discarded";

class JobAborted extends Error {
  constructor(readonly reason: StopReason) {
    super(reason === "cancelled" ? "The job was cancelled." : reason === "lease-lost" ? "The job's lease was lost." : "The worker is stopping.");
  }
}

interface Running {
  job: Job;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Where a worker hears of jobs that became claimable on other instances: the event bus when it
 * spans instances (Redis). Without it, other instances' jobs are found by the poll.
 */
export interface JobSignals {
  subscribe(name: "jobs:updated"): AsyncIterable<JobUpdatedEvent>;
}

export interface WorkerOptions {
  /** Defaults to host:pid:random. */
  id?: string;
  concurrency?: number;
  signals?: JobSignals;
}

export class JobWorker implements BackgroundTask {
  readonly name = "job-worker";
  readonly id: string;
  private readonly concurrency: number;
  private readonly active = new Map<string, Running>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private pendingWake = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly signals: JobSignals | undefined;
  private listening: Promise<void> | undefined;

  constructor(
    private readonly jobs: JobService,
    private readonly logger: Logger,
    options: WorkerOptions = {},
  ) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.concurrency = options.concurrency ?? jobs.settings.concurrency;
    this.signals = options.signals;
  }

  /** Jobs this worker is running now (ids). */
  get runningJobs(): string[] {
    return [...this.active.keys()];
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unsubscribe.push(
      this.jobs.onEnqueued(() => this.wake()),
      this.jobs.onCancelRequested((id) => this.active.get(id)?.controller.abort(new JobAborted("cancelled"))),
    );
    const beat = Math.max(10, Math.floor(this.jobs.settings.leaseMs / 3));
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), beat);
    this.heartbeatTimer.unref();
    if (this.signals) this.listening = this.listen(this.signals);
    this.loop = this.run();
    this.logger.info("job worker started", { worker: this.id, concurrency: this.concurrency, kinds: this.jobs.registry.names() });
  }

  /** Stops claiming, asks running handlers to stop and hands their jobs back (they resume elsewhere). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const u of this.unsubscribe.splice(0)) u();
    clearInterval(this.heartbeatTimer);
    this.wake();
    await this.loop;
    await this.listening;
    for (const r of this.active.values()) r.controller.abort(new JobAborted("shutdown"));
    const finished = Promise.all([...this.active.values()].map((r) => r.done));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.jobs.settings.leaseMs).unref());
    await Promise.race([finished, timeout]);
    this.logger.info("job worker stopped", { worker: this.id });
  }

  /** Runs the claim loop now instead of at the next poll. */
  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  /** Wakes on another instance's job becoming PENDING (enqueued, answered, retried, released). */
  private async listen(signals: JobSignals): Promise<void> {
    const it = signals.subscribe("jobs:updated")[Symbol.asyncIterator]();
    this.unsubscribe.push(() => void it.return?.());
    try {
      for (;;) {
        const next = await it.next();
        if (next.done || !this.running) return;
        const job = next.value.job;
        if (job.status === "PENDING" && this.active.size < this.concurrency && this.jobs.registry.get(job.kind)) this.wake();
      }
    } catch (err) {
      this.logger.warn("job worker stopped listening for other instances' jobs; polling only", { worker: this.id, error: String(err) });
    }
  }

  private async run(): Promise<void> {
    let lastSweep = 0;
    while (this.running) {
      this.pendingWake = false;
      try {
        await this.fill();
        // Timeouts are swept once a poll interval, not on every wake-up, and after the claim, so
        // a wake-up goes straight to claiming (keeps enqueue-to-start short).
        if (Date.now() - lastSweep >= this.jobs.settings.pollMs) {
          lastSweep = Date.now();
          await this.jobs.expireWaits();
        }
      } catch (err) {
        this.logger.error("job worker poll failed", { worker: this.id, error: String(err) });
      }
      if (!this.running) break;
      if (this.pendingWake) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.jobs.settings.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async fill(): Promise<void> {
    const free = this.concurrency - this.active.size;
    if (free <= 0) return;
    const claimed = await this.jobs.store.claim(this.id, this.jobs.registry.names(), free, this.jobs.settings.leaseMs);
    for (const { job, recovered } of claimed) {
      if (recovered) this.logger.warn("job resumed after an expired lease", { job: job.id, kind: job.kind, worker: this.id });
      else this.logger.info("job started", { job: job.id, kind: job.kind, attempt: job.attempts, worker: this.id });
      this.start1(job);
    }
    // A full batch means more may be waiting.
    if (claimed.length === free && free > 0) this.pendingWake = true;
  }

  private start1(job: Job): void {
    const controller = new AbortController();
    const entry: Running = { job, controller, done: Promise.resolve() };
    this.active.set(job.id, entry);
    // Everything the handler logs carries the job's id (and, when it was started by a request, its principal).
    // The run continues the trace of the request that enqueued the job (its stored traceparent).
    const started = performance.now();
    const run = () =>
      inSpan("job run", { "job.id": job.id, "job.kind": job.kind, "job.attempt": job.attempts }, async () => {
        const outcome = await this.execute(job, controller);
        annotate({ "job.outcome": outcome });
        const m = metrics();
        if (m) {
          m.jobRuns.inc({ kind: job.kind, outcome });
          m.jobDuration.observe({ kind: job.kind, outcome }, (performance.now() - started) / 1000);
        }
      }, { kind: SpanKind.CONSUMER });
    entry.done = withScope({ jobId: job.id, actor: job.createdBy }, () => withTraceparent(job.traceparent, run))
      .catch((err: unknown) => this.logger.error("job bookkeeping failed", { job: job.id, error: String(err) }))
      .finally(() => {
        this.active.delete(job.id);
        if (this.running) this.wake();
      });
  }

  private async heartbeat(): Promise<void> {
    const ids = [...this.active.keys()];
    if (ids.length === 0) return;
    try {
      const rows = await this.jobs.store.heartbeat(this.id, ids, this.jobs.settings.leaseMs);
      for (const row of rows) {
        const entry = this.active.get(row.id);
        if (!entry) continue;
        if (row.leaseOwner !== this.id || row.status !== "RUNNING") entry.controller.abort(new JobAborted("lease-lost"));
        else if (row.cancelRequested) entry.controller.abort(new JobAborted("cancelled"));
      }
    } catch (err) {
      this.logger.warn("job heartbeat failed", { worker: this.id, error: String(err) });
    }
  }

  private context(job: Job, controller: AbortController): JobContext<unknown> {
    const { store, settings } = this.jobs;
    const signal = controller.signal;
    const responses = typeof job.responses === "object" && job.responses !== null ? (job.responses as Record<string, unknown>) : {};
    const owner = this.id;
    const throwIfCancelled = () => {
      if (signal.aborted) throw signal.reason instanceof JobAborted ? signal.reason : new JobAborted("cancelled");
    };
    const lost = () => {
      controller.abort(new JobAborted("lease-lost"));
      throwIfCancelled();
    };
    return {
      jobId: job.id,
      createdBy: job.createdBy,
      input: job.input,
      attempt: job.attempts,
      checkpoint: job.checkpoint,
      signal,
      throwIfCancelled,
      async progress(percent, details = {}) {
        throwIfCancelled();
        if (!Number.isFinite(percent)) throw new Error(`progress: ${percent} is not a number between 0 and 100`);
        const data = {
          progress: Math.round(Math.min(100, Math.max(0, percent))),
          leaseExpiresAt: new Date(store.now().getTime() + settings.leaseMs),
          ...(details.phase !== undefined ? { phase: details.phase } : {}),
          ...(details.message !== undefined ? { message: details.message } : {}),
          ...(details.checkpoint !== undefined ? { checkpoint: json(details.checkpoint) } : {}),
        };
        // A step of the run: its own span, with the phase and progress reported.
        const row = await inSpan("job step", { "job.progress": data.progress, ...(details.phase != null ? { "job.phase": details.phase } : {}) }, () =>
          store.transition(job.id, store.held(owner), data, { type: "PROGRESS" }),
        );
        if (!row) return lost();
        if (row.cancelRequested) controller.abort(new JobAborted("cancelled"));
        throwIfCancelled();
      },
      async saveCheckpoint(checkpoint) {
        throwIfCancelled();
        if (!(await store.saveCheckpoint(job.id, owner, checkpoint, settings.leaseMs))) lost();
      },
      async ask(key, prompt) {
        if (Object.hasOwn(responses, key)) return responses[key];
        throw new PauseForInput(key, prompt);
      },
    };
  }

  private async execute(job: Job, controller: AbortController): Promise<Outcome> {
    const { store } = this.jobs;
    const held = store.held(this.id);
    const kind = this.jobs.registry.get(job.kind);
    if (!kind) {
      // Claims are filtered by registered kinds, so this is a programming error.
      await store.transition(job.id, held, { ...released, status: "FAILED", completedAt: store.now(), error: `No handler for kind ${job.kind}` }, { type: "STATUS" });
      return "failed";
    }
    let result: unknown;
    try {
      result = await kind.run(this.context(job, controller));
    } catch (err) {
      return this.settleFailure(job, kind, err, controller);
    }
    let stored: unknown;
    try {
      stored = result === undefined ? null : JSON.parse(JSON.stringify(result));
    } catch (err) {
      return this.settleFailure(job, kind, new Error(`The result is not JSON: ${String(err)}`), controller);
    }
    const at = store.now();
    const done = await store.transition(
      job.id,
      held,
      { ...released, status: "SUCCEEDED", progress: 100, result: json(stored), completedAt: at, message: "Succeeded", waitingUntil: null },
      { type: "STATUS" },
    );
    if (!done) {
      this.logger.warn("job finished after losing its lease; result discarded", { job: job.id, worker: this.id });
      return "discarded";
    }
    return "succeeded";
  }

  private async settleFailure(job: Job, kind: JobKind, err: unknown, controller: AbortController): Promise<Outcome> {
    const { store, settings } = this.jobs;
    const held = store.held(this.id);
    const at = store.now();
    const reason = controller.signal.aborted && controller.signal.reason instanceof JobAborted ? controller.signal.reason.reason : null;

    if (err instanceof PauseForInput) {
      const timeout = kind.hitlTimeoutMs ?? settings.hitlTimeoutMs;
      const prompt = { key: err.key, message: err.prompt.message, ...(err.prompt.choices ? { choices: err.prompt.choices } : {}), ...(err.prompt.details !== undefined ? { details: err.prompt.details } : {}) };
      await store.transition(
        job.id,
        held,
        { ...released, status: "PENDING_HITL", prompt: json(prompt), waitingUntil: new Date(at.getTime() + timeout), message: prompt.message },
        { type: "STATUS" },
      );
      return "waiting";
    }
    if (reason === "lease-lost") {
      this.logger.warn("job stopped: its lease was lost to another worker", { job: job.id, worker: this.id });
      return "lease-lost";
    }
    if (reason === "shutdown") {
      // Hand the job back so another worker (or this one, restarted) continues the attempt.
      await store.transition(job.id, held, { ...released, status: "PENDING", resume: true, runAfter: at, message: "Released by a stopping worker; will resume" }, { type: "STATUS" });
      return "released";
    }
    const current = await store.byId(job.id);
    if (reason === "cancelled" || current?.cancelRequested) {
      await store.transition(job.id, held, { ...released, status: "CANCELLED", completedAt: at, message: "Cancelled" }, { type: "STATUS" });
      return "cancelled";
    }
    const text = err instanceof Error ? err.message : String(err);
    const attempts = current?.attempts ?? job.attempts;
    // A DomainError is bad input (a rule the input breaks): another attempt cannot succeed.
    if (attempts < job.maxAttempts && !(err instanceof DomainError)) {
      const delay = backoffDelay(attempts, settings.backoffMs, settings.backoffMaxMs);
      await store.transition(
        job.id,
        held,
        { ...released, status: "PENDING", runAfter: new Date(at.getTime() + delay), error: text, message: `Attempt ${attempts} of ${job.maxAttempts} failed (${text.slice(0, 200)}); retrying in ${Math.ceil(delay / 1000)}s` },
        { type: "STATUS" },
      );
      if (delay === 0) this.wake();
      else setTimeout(() => this.wake(), delay).unref();
      return "retrying";
    }
    this.logger.warn("job failed", { job: job.id, kind: job.kind, attempts, error: text });
    await store.transition(
      job.id,
      held,
      { ...released, status: "FAILED", completedAt: at, error: text, message: `Failed after ${attempts} attempt${attempts === 1 ? "" : "s"}` },
      { type: "STATUS" },
    );
    return "failed";
  }
}
