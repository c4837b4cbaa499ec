// A job's feed: one pubsub subscription per job per process, however many streams watch it.
import { createPubSub } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import type { EventArgs } from "../../src/lib/events.js";
import type { JobUpdatedEvent } from "../../src/modules/jobs/index.js";
import { JobFeeds, SILENT } from "../../src/modules/jobs/feed.js";

function event(sequence: number): JobUpdatedEvent {
  return { sequence, type: "PROGRESS", job: { eventSequence: sequence } as JobUpdatedEvent["job"] };
}

/** The pubsub, counting its live subscriptions. */
function bus() {
  const pubsub = createPubSub<EventArgs>();
  let live = 0;
  const source = {
    subscribe(name: "job:updated", id: string): AsyncIterable<JobUpdatedEvent> {
      const inner = pubsub.subscribe(name, id);
      live++;
      const it = inner[Symbol.asyncIterator]();
      return {
        [Symbol.asyncIterator]: () => ({
          next: () => it.next(),
          return: async () => {
            live--;
            return (await it.return?.()) ?? { value: undefined, done: true };
          },
        }),
      };
    },
  };
  return { pubsub, source, live: () => live };
}

describe("job feeds", () => {
  it("hands every event, in order, to each watcher of the job, over one subscription per job", async () => {
    const { pubsub, source, live } = bus();
    const feeds = new JobFeeds(source);
    const a = feeds.watch("j1");
    const b = feeds.watch("j1");
    const other = feeds.watch("j2");
    expect(live()).toBe(2);
    pubsub.publish("job:updated", "j1", event(1));
    pubsub.publish("job:updated", "j1", event(2));
    const late = feeds.watch("j1");
    pubsub.publish("job:updated", "j1", event(3));
    const read = async (w: ReturnType<JobFeeds["watch"]>, n: number) => {
      const seen: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = await w.next(1000);
        if (r === SILENT || r.done) break;
        seen.push(r.value.sequence);
      }
      return seen;
    };
    expect(await read(a, 3)).toEqual([1, 2, 3]);
    expect(await read(b, 3)).toEqual([1, 2, 3]);
    // A watcher gets everything published after watch() (events still being handed out may come too; streams skip by sequence).
    const lateSeen: number[] = [];
    while (lateSeen.at(-1) !== 3) lateSeen.push(...(await read(late, 1)));
    expect(lateSeen).toEqual([...lateSeen].sort((x, y) => x - y));
    // The same event object reaches every watcher (so their executions can be shared).
    pubsub.publish("job:updated", "j1", event(4));
    const [ra, rb] = await Promise.all([a.next(1000), b.next(1000)]);
    expect(ra !== SILENT && rb !== SILENT && ra.value === rb.value).toBe(true);
    expect(await other.next(20)).toBe(SILENT);

    a.close();
    pubsub.publish("job:updated", "j1", event(5));
    expect(await a.next(1000)).toEqual({ value: undefined, done: true });
    expect(await read(b, 2)).toEqual([5]);
    b.close();
    late.close();
    other.close();
    // The last watcher gone, the job's subscription is gone too.
    expect(live()).toBe(0);
    expect(feeds.size).toBe(0);
  });

  it("reports silence after the given time, and again after each quiet period", async () => {
    const { pubsub, source } = bus();
    const w = new JobFeeds(source).watch("j1");
    const t0 = Date.now();
    expect(await w.next(40)).toBe(SILENT);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    setTimeout(() => pubsub.publish("job:updated", "j1", event(1)), 10);
    const r = await w.next(200);
    expect(r !== SILENT && !r.done && r.value.sequence).toBe(1);
    expect(await w.next(40)).toBe(SILENT);
    w.close();
  });
});
