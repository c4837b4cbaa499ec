// Two app instances on one database and one Redis: a job run by instance A is seen live by a
// subscriber on instance B, which runs no worker and reads the database only once per subscription.
import { setTimeout as sleep } from "node:timers/promises";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { App } from "../../src/app.js";
import { defineJobKind } from "../../src/modules/jobs/registry.js";
import { SYSTEM } from "../../src/lib/principal.js";
import { useTestApp } from "../helpers/app.js";
import { fastJobs, gate, openApp, waitForStatus } from "./helpers.js";
import { openSse } from "../helpers/sse.js";

const redisUrl = process.env.REDIS_URL;

interface Update {
  id: string;
  status: string;
  progress: number;
  eventSequence: number;
}

async function readSse(app: App, query: string, variables: unknown, token: string | null, until: (events: Update[]) => boolean): Promise<Update[]> {
  const stream = await openSse(app, query, variables, token, "http://b.test/graphql");
  // Each result's one root field is the update.
  const updates = () => stream.events.flatMap((data) => Object.values(data).slice(0, 1) as Update[]);
  await stream.readUntil(() => until(updates()));
  await stream.close();
  return updates();
}

describe.skipIf(!redisUrl)("job events across instances over Redis (skipped unless REDIS_URL is set; CI sets redis://127.0.0.1:6379)", () => {
  const t = useTestApp({ env: { ...fastJobs, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) } });
  let b: App;

  beforeAll(async () => {
    await t().app.startBackground();
    b = await openApp(t().app.config.databaseUrl, { REDIS_URL: redisUrl ?? "", SKILLGRAPH_WORKER_CONCURRENCY: "0" });
    expect(b.background.some((task) => task.name === "job-worker")).toBe(false);
  });
  afterAll(async () => {
    await b.stop();
  });

  it("a job run by instance A is seen live by subscribers on instance B", async () => {
    // On SQLite, B stays read-only (anonymous public read): a token would make it write lastUsedAt.
    const token = b.database.provider === "postgresql" ? t().tokens.read : null;
    const dashboard = readSse(
      b,
      `subscription($filter: JobFilter) { jobsUpdated(filter: $filter) { id status progress eventSequence } }`,
      { filter: { kind: "system.demo" } },
      token,
      (ev) => ev.some((e) => e.status === "SUCCEEDED"),
    );
    await new Promise((r) => setTimeout(r, 200));
    const job = await t().app.services.jobs.enqueue("system.demo", { steps: 10, stepMs: 40 }, SYSTEM);
    const gid = encodeGlobalID("Job", job.id);
    const one = await readSse(
      b,
      `subscription($id: ID!) { jobUpdated(id: $id) { id status progress eventSequence } }`,
      { id: gid },
      token,
      (ev) => ev.some((e) => e.status === "SUCCEEDED"),
    );
    expect(one[0]?.progress).toBeLessThan(100);
    expect(one.at(-1)).toMatchObject({ id: gid, status: "SUCCEEDED", progress: 100 });
    const seqs = one.map((e) => e.eventSequence);
    expect(seqs.length, JSON.stringify(one)).toBeGreaterThan(3);
    expect(seqs, JSON.stringify(one)).toEqual([...seqs].sort((x, y) => x - y));
    expect((seqs.at(-1) ?? 0) - (seqs[0] ?? 0) + 1, JSON.stringify(one)).toBe(seqs.length);

    const all = await dashboard;
    expect(all.map((e) => e.eventSequence)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(all.every((e) => e.id === gid)).toBe(true);
  });

  it("an idle worker starts a job enqueued on another instance at once, not at its next poll", async () => {
    // Instance C polls once a minute; only it runs test.wake (A's worker does not know the kind).
    const c = await openApp(t().app.config.databaseUrl, { REDIS_URL: redisUrl ?? "", SKILLGRAPH_JOB_POLL_MS: "60000", SKILLGRAPH_WORKER_CONCURRENCY: "1" });
    try {
      const started = gate();
      const kind = defineJobKind({
        name: "test.wake",
        description: "Records that it started.",
        input: z.object({}),
        async run() {
          started.open();
          return null;
        },
      });
      c.services.jobs.registry.register(kind);
      b.services.jobs.registry.register(kind);
      await c.startBackground();
      // C's first claim pass (at start) is over and it is subscribed; from now on only a wake-up or the poll a minute away.
      await sleep(500);
      const t0 = Date.now();
      const job = await b.services.jobs.enqueue("test.wake", {}, SYSTEM);
      const timeout = sleep(10_000).then(() => "timeout" as const);
      expect(await Promise.race([started.wait.then(() => "started" as const), timeout])).toBe("started");
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(await waitForStatus(c, job.id, "SUCCEEDED")).toMatchObject({ attempts: 1 });
    } finally {
      await c.stop();
    }
  });
});
