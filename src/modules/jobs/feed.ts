// One subscription to a job's topic per process, however many clients watch the job. The pubsub
// gives every subscription its own event listener and queue; a job watched by a thousand
// dashboards paid for a thousand of each per event. Here one pump hands each event (the same
// object) to every watcher's small queue, and a watcher's silence check re-arms one timer
// instead of creating one per event.
import type { JobUpdatedEvent } from "./events.js";

/** The pubsub as the feed needs it. */
export interface FeedSource {
  subscribe(name: "job:updated", id: string): AsyncIterable<JobUpdatedEvent>;
}

export const SILENT = Symbol("silent");

/** One client's view of a job's events: in order, from the moment it started watching. */
export class JobWatcher {
  private readonly queue: JobUpdatedEvent[] = [];
  private waiting: ((r: IteratorResult<JobUpdatedEvent, undefined> | typeof SILENT) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerMs = 0;
  private closed = false;

  constructor(private readonly onClose: (w: JobWatcher) => void) {}

  /** @internal by the feed */
  push(event: JobUpdatedEvent): void {
    if (this.closed) return;
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ value: event, done: false });
    } else this.queue.push(event);
  }

  /** @internal by the feed: the source ended (or failed); pending and later reads are done. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  /** The next event, or SILENT when none came within `ms`. */
  next(ms: number): Promise<IteratorResult<JobUpdatedEvent, undefined> | typeof SILENT> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve({ value: queued, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
      if (this.timer && this.timerMs === ms) this.timer.refresh();
      else {
        clearTimeout(this.timer);
        this.timerMs = ms;
        this.timer = setTimeout(() => this.silent(), ms);
        this.timer.unref();
      }
    });
  }

  private silent(): void {
    // The timer is re-armed, not cleared, when an event arrives: it may fire with no one waiting.
    const waiting = this.waiting;
    if (!waiting) return;
    this.waiting = undefined;
    waiting(SILENT);
  }

  /** Stops watching (idempotent). */
  close(): void {
    if (this.closed) return;
    this.end();
    this.onClose(this);
  }
}

interface Feed {
  watchers: Set<JobWatcher>;
  source: AsyncIterator<JobUpdatedEvent>;
}

export class JobFeeds {
  private readonly feeds = new Map<string, Feed>();

  constructor(private readonly pubsub: FeedSource) {}

  /** Starts watching job `id` now: every event published from here on reaches the watcher. */
  watch(id: string): JobWatcher {
    let feed = this.feeds.get(id);
    if (!feed) {
      const source = this.pubsub.subscribe("job:updated", id)[Symbol.asyncIterator]();
      const created: Feed = { watchers: new Set(), source };
      feed = created;
      this.feeds.set(id, created);
      // Asking for the first value starts listening at once (before the caller reads the job).
      void this.pump(id, created, source.next());
    }
    const owner = feed;
    const watcher = new JobWatcher((w) => {
      owner.watchers.delete(w);
      if (owner.watchers.size === 0 && this.feeds.get(id) === owner) {
        this.feeds.delete(id);
        void owner.source.return?.();
      }
    });
    owner.watchers.add(watcher);
    return watcher;
  }

  /** Jobs with at least one watcher in this process. */
  get size(): number {
    return this.feeds.size;
  }

  private async pump(id: string, feed: Feed, first: Promise<IteratorResult<JobUpdatedEvent>>): Promise<void> {
    try {
      let next = await first;
      while (!next.done) {
        for (const w of feed.watchers) w.push(next.value);
        next = await feed.source.next();
      }
    } catch {
      // A failed source ends its watchers; each falls back on the stored event log.
    } finally {
      if (this.feeds.get(id) === feed) this.feeds.delete(id);
      for (const w of feed.watchers) w.end();
    }
  }
}

const perBus = new WeakMap<object, JobFeeds>();

/** The feeds of one event bus (one per app). */
export function jobFeeds(pubsub: FeedSource): JobFeeds {
  let feeds = perBus.get(pubsub);
  if (!feeds) {
    feeds = new JobFeeds(pubsub);
    perBus.set(pubsub, feeds);
  }
  return feeds;
}
