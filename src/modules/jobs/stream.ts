// Live job state for subscriptions. Pub/sub gives no delivery guarantee (a Redis SUBSCRIBE is
// still in flight when the first events are published; a connection can drop), so one job's
// stream fills gaps from the stored event log, and a stream silent for a while checks the log
// for events it may have missed. Events come through the job's feed, shared by every stream of
// the job in this process, and each event becomes one view object for all of them.
import type { Database } from "../../db/index.js";
import { NotFoundError } from "../../lib/errors.js";
import type { EventBus } from "../../lib/event-bus.js";
import type { JobUpdatedEvent } from "./events.js";
import { jobFeeds, SILENT } from "./feed.js";
import type { JobFilter } from "./service.js";
import { fromSnapshot, isTerminal, jobPublicSelect, type JobSnapshot, type JobView } from "./snapshot.js";

const views = new WeakMap<JobSnapshot, JobView>();

/** The view of a published snapshot: one object per event for every stream that receives it. */
function eventView(snapshot: JobSnapshot): JobView {
  let view = views.get(snapshot);
  if (!view) {
    view = fromSnapshot(snapshot);
    views.set(snapshot, view);
  }
  return view;
}

function matches(job: JobView, filter: JobFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.status && job.status !== filter.status) return false;
  if (filter.kind && job.kind !== filter.kind) return false;
  if (filter.createdBy && job.createdBy !== filter.createdBy) return false;
  return true;
}

/** One job's state now, then every stored event in order, ending after a final status. */
export async function* jobStream(db: Database, bus: EventBus, id: string, pollMs: number): AsyncGenerator<JobView> {
  // Watching starts now, before the job is read.
  const watcher = jobFeeds(bus).watch(id);
  const idleCheckMs = pollMs * 30;
  try {
    const current = await db.prisma.job.findUnique({ where: { id }, select: jobPublicSelect });
    if (!current) throw new NotFoundError("Job", id);
    yield current;
    if (isTerminal(current.status)) return;
    let last: JobView = current;
    let checks = 0;

    /** Yields the stored events after `last` (and before `before`); the final one as the full job. */
    async function* catchUp(before?: number): AsyncGenerator<JobView> {
      const missed = await db.prisma.jobEvent.findMany({
        where: { jobId: id, sequence: before === undefined ? { gt: last.eventSequence } : { gt: last.eventSequence, lt: before } },
        orderBy: { sequence: "asc" },
      });
      for (const e of missed) {
        if (isTerminal(e.status)) {
          const final = await db.prisma.job.findUnique({ where: { id }, select: jobPublicSelect });
          if (final) last = { ...final, eventSequence: e.sequence };
        } else {
          last = { ...last, status: e.status, progress: e.progress, phase: e.phase, message: e.message, eventSequence: e.sequence, updatedAt: e.createdAt };
        }
        yield last;
        if (isTerminal(last.status)) return;
      }
    }

    for (;;) {
      const next = await watcher.next(checks === 0 ? pollMs : idleCheckMs);
      if (next === SILENT) {
        checks++;
        yield* catchUp();
        if (isTerminal(last.status)) return;
        continue;
      }
      if (next.done) return;
      const event = next.value;
      if (event.sequence <= last.eventSequence) continue;
      if (event.sequence > last.eventSequence + 1) {
        yield* catchUp(event.sequence);
        if (isTerminal(last.status)) return;
      }
      last = eventView(event.job);
      yield last;
      if (isTerminal(last.status)) return;
    }
  } finally {
    watcher.close();
  }
}

/** Every job's changes (dashboards), filtered. */
export async function* jobsStream(bus: EventBus, filter: JobFilter | null | undefined): AsyncGenerator<JobView> {
  const source = bus.subscribe("jobs:updated");
  try {
    for await (const event of source as AsyncIterable<JobUpdatedEvent>) {
      const job = eventView(event.job);
      if (matches(job, filter)) yield job;
    }
  } finally {
    await source.return?.();
  }
}
