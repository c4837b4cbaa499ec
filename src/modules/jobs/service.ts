// Jobs: enqueue (input checked against the kind's schema), cancel, retry and answer. The worker
// (worker.ts) runs them; both go through JobStore, so the database is the truth.
import type { Database, Prisma } from "../../db/index.js";
import type { Job } from "../../generated/prisma/client.js";
import type { JobStatus } from "../../generated/prisma/enums.js";
import { ForbiddenError, InvalidInputError, JobNotWaitingError, JobStateError, NotFoundError } from "../../lib/errors.js";
import type { EventBus } from "../../lib/event-bus.js";
import type { Principal } from "../../lib/principal.js";
import { JobRegistry, type HitlPrompt } from "./registry.js";
import { jobStream, jobsStream } from "./stream.js";
import type { JobView } from "./snapshot.js";
import { JobStore, json, released, type Clock } from "./store.js";

const isAdmin = (p: Principal) => p.scopes.has("admin");

export interface JobSettings {
  concurrency: number;
  pollMs: number;
  leaseMs: number;
  backoffMs: number;
  backoffMaxMs: number;
  hitlTimeoutMs: number;
}

export interface JobFilter {
  status?: JobStatus | null;
  kind?: string | null;
  createdBy?: string | null;
}

/** The stored prompt of a waiting job: the question's key plus what the handler asked. */
export interface StoredPrompt extends HitlPrompt {
  key: string;
}

const MAX_INPUT_BYTES = 64 * 1024;
export const DEFAULT_MAX_ATTEMPTS = 3;

export function jobWhere(filter: JobFilter | null | undefined): Prisma.JobWhereInput {
  const where: Prisma.JobWhereInput = {};
  if (filter?.status) where.status = filter.status;
  if (filter?.kind) where.kind = filter.kind;
  if (filter?.createdBy) where.createdBy = filter.createdBy;
  return where;
}

/** Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export function parsePrompt(value: unknown): StoredPrompt | null {
  if (typeof value !== "object" || value === null) return null;
  const p = value as Record<string, unknown>;
  if (typeof p.key !== "string" || typeof p.message !== "string") return null;
  const choices = Array.isArray(p.choices) ? p.choices.filter((c): c is string => typeof c === "string") : undefined;
  return { key: p.key, message: p.message, ...(choices ? { choices } : {}), ...(p.details !== undefined ? { details: p.details } : {}) };
}

export class JobService {
  readonly registry = new JobRegistry();
  readonly store: JobStore;
  private readonly enqueued = new Set<() => void>();
  private readonly cancelRequested = new Set<(jobId: string) => void>();

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    readonly settings: JobSettings,
    now: Clock = () => new Date(),
  ) {
    this.store = new JobStore(db, events, now);
  }

  /** Called after every enqueue in this process (the local worker wakes at once). */
  onEnqueued(listener: () => void): () => void {
    this.enqueued.add(listener);
    return () => this.enqueued.delete(listener);
  }

  /** Called when a running job is asked to cancel (the local worker aborts it at once). */
  onCancelRequested(listener: (jobId: string) => void): () => void {
    this.cancelRequested.add(listener);
    return () => this.cancelRequested.delete(listener);
  }

  /** Validates `input` against the kind's schema and queues the job. Nothing is written on a bad input. */
  async enqueue(kindName: string, input: unknown, actor: Principal, field = "input"): Promise<Job> {
    const kind = this.registry.get(kindName);
    if (!kind) {
      throw new InvalidInputError(`${field}.kind`, `unknown job kind "${kindName}"; known kinds: ${this.registry.names().join(", ") || "none"}`);
    }
    if (kind.scope === "admin" && !isAdmin(actor)) {
      throw new ForbiddenError("JobKind", kind.name, `Starting a ${kind.name} job needs the admin scope.`);
    }
    const size = Buffer.byteLength(JSON.stringify(input ?? null));
    if (size > MAX_INPUT_BYTES) throw new InvalidInputError(`${field}.input`, `must be at most ${MAX_INPUT_BYTES} bytes of JSON (got ${size})`);
    const parsed = kind.input.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues;
      const first = issues[0];
      const path = [field, "input", ...(first?.path ?? []).map(String)].join(".");
      const text = issues.map((i) => (i.path.length && i !== first ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
      throw new InvalidInputError(path, text);
    }
    const job = await this.store.create({
      kind: kind.name,
      input: parsed.data,
      maxAttempts: kind.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      createdBy: actor.name,
    });
    for (const l of this.enqueued) l();
    return job;
  }

  async get(id: string): Promise<Job> {
    const job = await this.store.byId(id);
    if (!job) throw new NotFoundError("Job", id);
    return job;
  }

  /** A page of jobs, newest first; `query` is the GraphQL layer's selection and paging (the CLI passes `take`). */
  list<Q extends Omit<Prisma.JobFindManyArgs, "where" | "orderBy">>(_viewer: Principal, filter: JobFilter | null | undefined, query: Q) {
    return this.db.prisma.job.findMany({ ...query, where: jobWhere(filter), orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  }

  count(_viewer: Principal, filter: JobFilter | null | undefined): Promise<number> {
    return this.db.prisma.job.count({ where: jobWhere(filter) });
  }

  /** A job's stored events, oldest first. */
  async eventsOf(id: string) {
    return this.db.prisma.jobEvent.findMany({ where: { jobId: id }, orderBy: { sequence: "asc" } });
  }

  /** The id of a PENDING or RUNNING job of `kind`, other than `except`, if any (a running one with a live lease when `runningOnly`). */
  async activeOfKind(kind: string, options: { except?: string; runningOnly?: boolean } = {}): Promise<string | null> {
    const found = await this.db.prisma.job.findFirst({
      where: {
        kind,
        ...(options.runningOnly ? { status: "RUNNING", leaseExpiresAt: { gt: this.store.now() } } : { status: { in: ["PENDING", "RUNNING"] } }),
        ...(options.except ? { id: { not: options.except } } : {}),
      },
      select: { id: true },
    });
    return found?.id ?? null;
  }

  /** One job's state now, then after each change, in order, ending once it is finished (stream.ts). */
  watch(_viewer: Principal, id: string): AsyncGenerator<JobView> {
    return jobStream(this.db, this.events, id, this.settings.pollMs);
  }

  /** Every job's changes as they happen (dashboards), filtered. */
  watchAll(_viewer: Principal, filter: JobFilter | null | undefined): AsyncGenerator<JobView> {
    return jobsStream(this.events, filter);
  }

  private async controllable(id: string, actor: Principal, action: string): Promise<Job> {
    const job = await this.get(id);
    if (job.createdBy !== actor.name && !isAdmin(actor)) {
      throw new ForbiddenError("Job", id, `Only the token that started job ${id} (${job.createdBy}) or an admin may ${action} it.`);
    }
    return job;
  }

  /**
   * A pending or waiting job is cancelled at once; a running one is asked to stop (its handler
   * sees the cancellation at its next progress report or through its abort signal).
   */
  async cancel(id: string, actor: Principal): Promise<Job> {
    for (;;) {
      const job = await this.controllable(id, actor, "cancel");
      if (job.status === "CANCELLED" || (job.status === "RUNNING" && job.cancelRequested)) return job;
      if (job.status === "SUCCEEDED" || job.status === "FAILED") {
        throw new JobStateError(id, "cancel", job.status, "only pending, waiting or running jobs can be cancelled.");
      }
      const at = this.store.now();
      const changed =
        job.status === "RUNNING"
          ? await this.store.transition(
              id,
              { version: job.version, status: "RUNNING" },
              { cancelRequested: true, message: `Cancellation requested by ${actor.name}` },
              { type: "STATUS" },
            )
          : await this.store.transition(
              id,
              { version: job.version, status: job.status },
              { ...released, status: "CANCELLED", cancelRequested: true, completedAt: at, waitingUntil: null, message: `Cancelled by ${actor.name}` },
              { type: "STATUS" },
            );
      if (changed) {
        if (changed.status === "RUNNING") for (const l of this.cancelRequested) l(id);
        return changed;
      }
      // The job moved on between the read and the write: look again.
    }
  }

  /** Runs a failed or cancelled job again from the start (attempts, checkpoint and answers reset). */
  async retry(id: string, actor: Principal): Promise<Job> {
    const job = await this.controllable(id, actor, "retry");
    if (job.status !== "FAILED" && job.status !== "CANCELLED") {
      throw new JobStateError(id, "retry", job.status, "only failed or cancelled jobs can be retried.");
    }
    const at = this.store.now();
    const changed = await this.store.transition(
      id,
      { version: job.version },
      {
        ...released,
        status: "PENDING",
        attempts: 0,
        progress: 0,
        phase: null,
        message: `Retry requested by ${actor.name}`,
        error: null,
        result: json(null),
        checkpoint: json(null),
        prompt: json(null),
        responses: json(null),
        waitingUntil: null,
        cancelRequested: false,
        resume: false,
        runAfter: at,
        startedAt: null,
        completedAt: null,
      },
      { type: "STATUS" },
    );
    if (!changed) throw new JobStateError(id, "retry", (await this.get(id)).status, "it changed while retrying; look again.");
    for (const l of this.enqueued) l();
    return changed;
  }

  /** Answers a waiting job's question; it becomes PENDING and resumes on a worker. */
  async respond(id: string, response: unknown, actor: Principal): Promise<Job> {
    const job = await this.controllable(id, actor, "respond to");
    if (job.status !== "PENDING_HITL") throw new JobNotWaitingError(id, job.status);
    const prompt = parsePrompt(job.prompt);
    if (!prompt) throw new JobNotWaitingError(id, job.status);
    if (prompt.choices?.length && (typeof response !== "string" || !prompt.choices.includes(response))) {
      throw new InvalidInputError("response", `must be one of ${prompt.choices.map((c) => JSON.stringify(c)).join(", ")}`);
    }
    if (response === null || response === undefined) throw new InvalidInputError("response", "must not be null");
    this.registry.get(job.kind)?.checkResponse?.(prompt, response);
    const responses = { ...(typeof job.responses === "object" && job.responses !== null ? (job.responses as Record<string, unknown>) : {}), [prompt.key]: response };
    const changed = await this.store.transition(
      id,
      { version: job.version, status: "PENDING_HITL" },
      {
        status: "PENDING",
        responses: json(responses),
        prompt: json(null),
        waitingUntil: null,
        resume: true,
        runAfter: this.store.now(),
        message: `Answered by ${actor.name}; resuming`,
      },
      { type: "STATUS" },
    );
    if (!changed) throw new JobNotWaitingError(id, (await this.get(id)).status);
    for (const l of this.enqueued) l();
    return changed;
  }

  /** Unfinished jobs by status (a dashboard's queue depth): PENDING, RUNNING and PENDING_HITL (waiting). */
  async queueDepth(): Promise<{ pending: number; running: number; waiting: number }> {
    const rows = await this.db.prisma.job.groupBy({ by: ["status"], where: { status: { in: ["PENDING", "RUNNING", "PENDING_HITL"] } }, _count: { _all: true } });
    const count = (s: JobStatus) => rows.find((r) => r.status === s)?._count._all ?? 0;
    return { pending: count("PENDING"), running: count("RUNNING"), waiting: count("PENDING_HITL") };
  }

  /**
   * Open jobs (PENDING, RUNNING, PENDING_HITL) by registered kind and status, for the queue-depth
   * gauge; a kind no longer registered counts as "other", so the labels stay a bounded set.
   */
  async openJobsByKind(): Promise<{ kind: string; status: JobStatus; count: number }[]> {
    const rows = await this.db.prisma.job.groupBy({ by: ["kind", "status"], where: { status: { in: ["PENDING", "RUNNING", "PENDING_HITL"] } }, _count: { _all: true } });
    const known = new Set(this.registry.names());
    return rows.map((r) => ({ kind: known.has(r.kind) ? r.kind : "other", status: r.status, count: r._count._all }));
  }

  /** Fails jobs whose question went unanswered past its deadline. Returns how many. */
  async expireWaits(): Promise<number> {
    let n = 0;
    for (const w of await this.store.expiredWaits(100)) {
      const prompt = parsePrompt(w.prompt);
      const at = this.store.now();
      const changed = await this.store.transition(
        w.id,
        { version: w.version, status: "PENDING_HITL" },
        {
          status: "FAILED",
          completedAt: at,
          waitingUntil: null,
          error: `No response by ${w.waitingUntil?.toISOString() ?? "the deadline"} to: ${prompt?.message ?? "the job's question"} (timed out waiting for a human).`,
          message: "Timed out waiting for a response",
        },
        { type: "STATUS" },
      );
      if (changed) n++;
    }
    return n;
  }
}
