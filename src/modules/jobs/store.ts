// Every change to a job's row: one compare-and-set UPDATE (its WHERE states what must still be
// true) returning the row, and the event row numbered from the job's eventSequence, in one
// transaction; then the event is published. An UPDATE that matched no row means someone else got
// there first. The hot paths (every transition, progress reports included, and claims) are raw
// SQL portable to SQLite and PostgreSQL: a model query costs about 0.5–1 ms in Prisma's query
// compiler, several times the statement itself, and a progress event waits for its write.
import { randomUUID } from "node:crypto";
import type { Database } from "../../db/index.js";
import { DbNull, join, modelColumns, modelDecoder, raw, rowDecoder, sql, type Prisma, type Sql } from "../../db/index.js";
import type { Job } from "../../generated/prisma/client.js";
import type { JobEventType, JobStatus } from "../../generated/prisma/enums.js";
import type { EventPublisher } from "../../lib/events.js";
import { currentTraceparent } from "../../lib/telemetry.js";
import { toSnapshot } from "./snapshot.js";

const decodeJob = modelDecoder<Job>("Job");

export type Clock = () => Date;

/** A busy database is no reason to fail a job: wait longer than Prisma's 2 s / 5 s defaults. */
const TX_OPTIONS = { maxWaitMs: 15_000, timeoutMs: 20_000 };

type JsonColumn = "input" | "result" | "checkpoint" | "prompt" | "responses";
type JsonInput = Prisma.InputJsonValue | typeof DbNull;
/** The store's own columns: every transition bumps them. */
type Bookkeeping = "id" | "version" | "eventSequence" | "updatedAt";

/** A change to a job's columns: plain values, and json(…) for the JSON columns. */
export type JobData = Partial<Omit<Job, JsonColumn | Bookkeeping>> & Partial<Record<JsonColumn, JsonInput>>;

/** What must still be true of the row for a change to apply (each column equal; null means IS NULL). */
export type JobGuard = Partial<Pick<Job, "version" | "status" | "leaseOwner" | "cancelRequested">>;

const JSON_COLUMNS: ReadonlySet<string> = new Set<JsonColumn>(["input", "result", "checkpoint", "prompt", "responses"]);
const COLUMNS: ReadonlySet<string> = new Set(Object.keys(modelColumns("Job")));

/** JSON for a Prisma Json column: null becomes the database NULL. */
export function json(value: unknown): JsonInput {
  if (value === null || value === undefined) return DbNull;
  return value as Prisma.InputJsonValue;
}

function column(name: string): Sql {
  // Identifiers come from code, never from input; checked against the model all the same.
  if (!COLUMNS.has(name)) throw new Error(`Job has no column ${name}`);
  return raw(`"${name}"`);
}

function sqlValue(name: string, value: unknown): unknown {
  if (value === null || value === DbNull) return null;
  // JSON goes in as text: SQLite stores it so, PostgreSQL casts the untyped parameter to jsonb.
  if (JSON_COLUMNS.has(name)) return JSON.stringify(value);
  if (value instanceof Date || typeof value !== "object") return value;
  throw new Error(`Job.${name}: unsupported value`);
}

function assignments(data: JobData, at: Date): Sql {
  const parts = Object.entries(data)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => sql`${column(k)} = ${sqlValue(k, v)}`);
  parts.push(sql`"version" = "version" + 1`, sql`"eventSequence" = "eventSequence" + 1`, sql`"updatedAt" = ${at}`);
  return join(parts, ", ");
}

function conditions(id: string, guard: JobGuard, extra?: Sql): Sql {
  const parts = [sql`"id" = ${id}`];
  for (const [k, v] of Object.entries(guard)) {
    if (v === undefined) continue;
    parts.push(v === null ? sql`${column(k)} IS NULL` : sql`${column(k)} = ${v}`);
  }
  if (extra) parts.push(sql`(${extra})`);
  return join(parts, " AND ");
}

/** Jobs a worker may take at `at`: PENDING and due, or RUNNING under an expired lease. */
function claimable(kinds: string[], at: Date): Sql {
  return sql`"kind" IN (${join(kinds)}) AND (("status" = 'PENDING' AND "runAfter" <= ${at}) OR ("status" = 'RUNNING' AND "leaseExpiresAt" < ${at}))`;
}

interface Candidate {
  id: string;
  version: number;
  status: JobStatus;
  resume: boolean;
  attempts: number;
  startedAt: Date | null;
  cancelRequested: boolean;
}
const decodeCandidate = rowDecoder<Candidate>({ id: "String", version: "Int", status: "String", resume: "Boolean", attempts: "Int", startedAt: "DateTime", cancelRequested: "Boolean" });

/** A job's lease owner and cancel flag, as a heartbeat reads them back. */
export interface Beat {
  id: string;
  leaseOwner: string | null;
  status: JobStatus;
  cancelRequested: boolean;
}
const decodeBeat = rowDecoder<Beat>({ id: "String", leaseOwner: "String", status: "String", cancelRequested: "Boolean" });

export interface Claimed {
  job: Job;
  /** The lease was taken over from a worker whose lease expired (a crash or a stall). */
  recovered: boolean;
}

export class JobStore {
  constructor(
    private readonly db: Database,
    private readonly events: EventPublisher,
    readonly now: Clock = () => new Date(),
  ) {}

  /**
   * Applies `data` to the job if it still matches `guard`, appends one event and publishes it.
   * Returns the job after the change, or null when the condition no longer held.
   */
  transition(id: string, guard: JobGuard, data: JobData, event: { type: JobEventType; message?: string | null }): Promise<Job | null> {
    return this.apply(id, guard, undefined, data, event);
  }

  private async apply(id: string, guard: JobGuard, extra: Sql | undefined, data: JobData, event: { type: JobEventType; message?: string | null }): Promise<Job | null> {
    const at = this.now();
    const job = await this.db.sqlTransaction(async (tx) => {
      // The write comes first: on SQLite it takes the write lock before anything is read.
      const [found] = await tx.query(sql`UPDATE "Job" SET ${assignments(data, at)} WHERE ${conditions(id, guard, extra)} RETURNING *`);
      if (!found) return null;
      const row = decodeJob(found);
      const message = event.message === undefined ? row.message : event.message;
      await tx.execute(sql`
        INSERT INTO "JobEvent" ("id", "jobId", "sequence", "type", "status", "progress", "phase", "message", "attempt", "createdAt")
        VALUES (${randomUUID()}, ${id}, ${row.eventSequence}, ${event.type}, ${row.status}, ${row.progress}, ${row.phase}, ${message}, ${row.attempts}, ${at})`);
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
    const job = await this.db.transaction(async (tx) => {
      const row = await tx.prisma.job.create({
        data: {
          kind: data.kind,
          input: (data.input ?? {}) as Prisma.InputJsonValue,
          maxAttempts: data.maxAttempts,
          createdBy: data.createdBy,
          // The trace of the request that enqueued it, so the run continues that trace.
          traceparent: currentTraceparent(),
          status: "PENDING",
          message: "Queued",
          runAfter: at,
          createdAt: at,
          updatedAt: at,
          eventSequence: 1,
        },
      });
      await tx.sql.execute(sql`
        INSERT INTO "JobEvent" ("id", "jobId", "sequence", "type", "status", "progress", "phase", "message", "attempt", "createdAt")
        VALUES (${randomUUID()}, ${row.id}, ${1}, ${"STATUS"}, ${"PENDING"}, ${0}, ${null}, ${"Queued"}, ${0}, ${at})`);
      return row;
    }, TX_OPTIONS);
    this.publish(job, "STATUS");
    return job;
  }

  /**
   * Takes up to `limit` jobs for `owner`. Each claim is a compare-and-set on the row's version
   * (and the claimable condition, re-checked by the UPDATE), so of two workers racing for a job
   * exactly one UPDATE matches.
   */
  async claim(owner: string, kinds: string[], limit: number, leaseMs: number): Promise<Claimed[]> {
    if (limit <= 0 || kinds.length === 0) return [];
    const at = this.now();
    const candidates = (
      await this.db.sql.query(sql`
        SELECT "id", "version", "status", "resume", "attempts", "startedAt", "cancelRequested" FROM "Job"
        WHERE ${claimable(kinds, at)}
        ORDER BY "runAfter" ASC, "createdAt" ASC, "id" ASC
        LIMIT ${limit * 2}`)
    ).map(decodeCandidate);
    const claimed: Claimed[] = [];
    for (const c of candidates) {
      if (claimed.length >= limit) break;
      const recovered = c.status === "RUNNING";
      const guard: JobGuard = { version: c.version };
      const stillClaimable = claimable(kinds, at);
      if (c.cancelRequested) {
        // Cancelled while its worker was gone: finish the cancellation instead of running it.
        await this.apply(c.id, guard, stillClaimable, { ...released, status: "CANCELLED", completedAt: at, message: "Cancelled" }, { type: "STATUS" });
        continue;
      }
      // A crash-resume or a HITL answer continues the attempt; anything else starts a new one.
      const continues = recovered || c.resume;
      const attempt = continues ? Math.max(c.attempts, 1) : c.attempts + 1;
      const job = await this.apply(
        c.id,
        guard,
        stillClaimable,
        {
          status: "RUNNING",
          leaseOwner: owner,
          // From now, not from the start of the batch: earlier claims in it took time.
          leaseExpiresAt: new Date(this.now().getTime() + leaseMs),
          attempts: attempt,
          resume: false,
          startedAt: c.startedAt ? new Date(c.startedAt) : at,
          error: null,
          message: recovered ? "Resumed after the previous worker's lease expired" : c.resume ? "Resumed" : `Started (attempt ${attempt})`,
        },
        { type: "STATUS" },
      );
      if (job) claimed.push({ job, recovered });
    }
    return claimed;
  }

  /**
   * Renews the leases `owner` holds on `ids`; returns each job's lease owner and cancel flag.
   * Hand-written, so a worker's first beat after start-up never waits for Prisma's engine to load
   * (a lease could run out meanwhile, and another claim would take the job over).
   */
  async heartbeat(owner: string, ids: string[], leaseMs: number): Promise<Beat[]> {
    if (ids.length === 0) return [];
    const at = this.now();
    await this.db.sql.execute(sql`
      UPDATE "Job" SET "leaseExpiresAt" = ${new Date(at.getTime() + leaseMs)}
      WHERE "id" IN (${join(ids)}) AND "leaseOwner" = ${owner} AND "status" = 'RUNNING'`);
    const rows = await this.db.sql.query(sql`SELECT "id", "leaseOwner", "status", "cancelRequested" FROM "Job" WHERE "id" IN (${join(ids)})`);
    return rows.map(decodeBeat);
  }

  /** The condition for every write by the worker holding the lease. */
  held(owner: string): JobGuard {
    return { leaseOwner: owner, status: "RUNNING" };
  }

  /** Stores a checkpoint without an event; false when the lease is gone. */
  async saveCheckpoint(id: string, owner: string, checkpoint: unknown, leaseMs: number): Promise<boolean> {
    const at = this.now();
    const r = await this.db.prisma.job.updateMany({
      where: { id, ...this.held(owner) },
      data: { checkpoint: json(checkpoint), leaseExpiresAt: new Date(at.getTime() + leaseMs), updatedAt: at },
    });
    return r.count === 1;
  }

  /** Jobs still waiting for a person after their deadline. */
  async expiredWaits(limit: number) {
    return this.db.prisma.job.findMany({
      where: { status: "PENDING_HITL", waitingUntil: { lt: this.now() } },
      select: { id: true, version: true, prompt: true, waitingUntil: true },
      take: limit,
    });
  }

  async byId(id: string): Promise<Job | null> {
    return this.db.prisma.job.findUnique({ where: { id } });
  }
}

/** The columns that clear a job's lease. */
export const released = { leaseOwner: null, leaseExpiresAt: null } satisfies JobData;
