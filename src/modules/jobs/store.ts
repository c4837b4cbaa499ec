// Every change to a job's row: one compare-and-set UPDATE (its WHERE states what must still be
// true), the event row numbered from the job's eventSequence, in one transaction; then the event
// is published. An UPDATE that matched no row means someone else got there first.
import type { Db } from "../../db/client.js";
import { Prisma } from "../../db/client.js";
import type { Job } from "../../generated/prisma/client.js";
import type { JobEventType } from "../../generated/prisma/enums.js";
import type { EventPublisher } from "../../lib/events.js";
import { toSnapshot } from "./snapshot.js";

export type Clock = () => Date;

/** A busy database is no reason to fail a job: wait longer than Prisma's 2 s / 5 s defaults. */
const TX_OPTIONS = { maxWait: 15_000, timeout: 20_000 };

type JobWhere = Prisma.JobWhereInput;
type JobData = Prisma.JobUncheckedUpdateManyInput;

/** JSON for a Prisma Json column: null becomes the database NULL. */
export function json(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  if (value === null || value === undefined) return Prisma.DbNull;
  return value as Prisma.InputJsonValue;
}

export interface Claimed {
  job: Job;
  /** The lease was taken over from a worker whose lease expired (a crash or a stall). */
  recovered: boolean;
}

export class JobStore {
  constructor(
    readonly db: Db,
    private readonly events: EventPublisher,
    readonly now: Clock = () => new Date(),
  ) {}

  /**
   * Applies `data` to the job if it still matches `where`, appends one event and publishes it.
   * Returns the job after the change, or null when the condition no longer held.
   */
  async transition(id: string, where: JobWhere, data: JobData, event: { type: JobEventType; message?: string | null }): Promise<Job | null> {
    const at = this.now();
    const job = await this.db.$transaction(async (tx) => {
      // The write comes first: on SQLite it takes the write lock before anything is read.
      const changed = await tx.job.updateMany({
        where: { ...where, id },
        data: { ...data, version: { increment: 1 }, eventSequence: { increment: 1 }, updatedAt: at },
      });
      if (changed.count === 0) return null;
      const row = await tx.job.findUniqueOrThrow({ where: { id } });
      await tx.jobEvent.create({
        data: {
          jobId: id,
          sequence: row.eventSequence,
          type: event.type,
          status: row.status,
          progress: row.progress,
          phase: row.phase,
          message: event.message === undefined ? row.message : event.message,
          attempt: row.attempts,
          createdAt: at,
        },
      });
      return row;
    }, TX_OPTIONS);
    if (job) this.publish(job, event.type);
    return job;
  }

  publish(job: Job, type: JobEventType): void {
    const payload = { sequence: job.eventSequence, type, job: toSnapshot(job) };
    this.events.publish("job:updated", job.id, payload);
    this.events.publish("jobs:updated", payload);
  }

  async create(data: {
    kind: string;
    input: unknown;
    maxAttempts: number;
    createdBy: string;
  }): Promise<Job> {
    const at = this.now();
    const job = await this.db.$transaction(async (tx) => {
      const row = await tx.job.create({
        data: {
          kind: data.kind,
          input: (data.input ?? {}) as Prisma.InputJsonValue,
          maxAttempts: data.maxAttempts,
          createdBy: data.createdBy,
          status: "PENDING",
          message: "Queued",
          runAfter: at,
          createdAt: at,
          updatedAt: at,
          eventSequence: 1,
        },
      });
      await tx.jobEvent.create({
        data: { jobId: row.id, sequence: 1, type: "STATUS", status: "PENDING", progress: 0, message: "Queued", attempt: 0, createdAt: at },
      });
      return row;
    }, TX_OPTIONS);
    this.publish(job, "STATUS");
    return job;
  }

  /** Jobs a worker may take now: PENDING and due, or RUNNING under an expired lease. */
  private claimable(kinds: string[], at: Date): JobWhere {
    return {
      kind: { in: kinds },
      OR: [
        { status: "PENDING", runAfter: { lte: at } },
        { status: "RUNNING", leaseExpiresAt: { lt: at } },
      ],
    };
  }

  /**
   * Takes up to `limit` jobs for `owner`. Each claim is a compare-and-set on the row's version
   * (and the claimable condition, re-checked by the UPDATE), so of two workers racing for a job
   * exactly one UPDATE matches.
   */
  async claim(owner: string, kinds: string[], limit: number, leaseMs: number): Promise<Claimed[]> {
    if (limit <= 0 || kinds.length === 0) return [];
    const at = this.now();
    const candidates = await this.db.job.findMany({
      where: this.claimable(kinds, at),
      orderBy: [{ runAfter: "asc" }, { createdAt: "asc" }, { id: "asc" }],
      take: limit * 2,
      select: { id: true, version: true, status: true, resume: true, attempts: true, startedAt: true, cancelRequested: true },
    });
    const claimed: Claimed[] = [];
    for (const c of candidates) {
      if (claimed.length >= limit) break;
      const recovered = c.status === "RUNNING";
      const guard: JobWhere = { version: c.version, ...this.claimable(kinds, at) };
      if (c.cancelRequested) {
        // Cancelled while its worker was gone: finish the cancellation instead of running it.
        await this.transition(c.id, guard, { ...released, status: "CANCELLED", completedAt: at, message: "Cancelled" }, { type: "STATUS" });
        continue;
      }
      // A crash-resume or a HITL answer continues the attempt; anything else starts a new one.
      const continues = recovered || c.resume;
      const attempt = continues ? Math.max(c.attempts, 1) : c.attempts + 1;
      const job = await this.transition(
        c.id,
        guard,
        {
          status: "RUNNING",
          leaseOwner: owner,
          // From now, not from the start of the batch: earlier claims in it took time.
          leaseExpiresAt: new Date(this.now().getTime() + leaseMs),
          attempts: attempt,
          resume: false,
          startedAt: c.startedAt ?? at,
          error: null,
          message: recovered ? "Resumed after the previous worker's lease expired" : c.resume ? "Resumed" : `Started (attempt ${attempt})`,
        },
        { type: "STATUS" },
      );
      if (job) claimed.push({ job, recovered });
    }
    return claimed;
  }

  /** Renews the leases `owner` holds on `ids`; returns each job's lease owner and cancel flag. */
  async heartbeat(owner: string, ids: string[], leaseMs: number) {
    if (ids.length === 0) return [];
    const at = this.now();
    await this.db.job.updateMany({
      where: { id: { in: ids }, leaseOwner: owner, status: "RUNNING" },
      data: { leaseExpiresAt: new Date(at.getTime() + leaseMs) },
    });
    return this.db.job.findMany({
      where: { id: { in: ids } },
      select: { id: true, leaseOwner: true, status: true, cancelRequested: true },
    });
  }

  /** The condition for every write by the worker holding the lease. */
  held(owner: string): JobWhere {
    return { leaseOwner: owner, status: "RUNNING" };
  }

  /** Stores a checkpoint without an event; false when the lease is gone. */
  async saveCheckpoint(id: string, owner: string, checkpoint: unknown, leaseMs: number): Promise<boolean> {
    const at = this.now();
    const r = await this.db.job.updateMany({
      where: { id, ...this.held(owner) },
      data: { checkpoint: json(checkpoint), leaseExpiresAt: new Date(at.getTime() + leaseMs), updatedAt: at },
    });
    return r.count === 1;
  }

  /** Jobs still waiting for a person after their deadline. */
  async expiredWaits(limit: number) {
    return this.db.job.findMany({
      where: { status: "PENDING_HITL", waitingUntil: { lt: this.now() } },
      select: { id: true, version: true, prompt: true, waitingUntil: true },
      take: limit,
    });
  }

  async byId(id: string): Promise<Job | null> {
    return this.db.job.findUnique({ where: { id } });
  }
}

/** The columns that clear a job's lease. */
export const released = { leaseOwner: null, leaseExpiresAt: null } satisfies JobData;
