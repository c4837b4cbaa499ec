// A change made from the CLI reaches a GraphQL subscriber as one made over GraphQL would: through
// the process's bus when the command runs in the server's process, and through Redis from a
// separate `skillgraph` process when REDIS_URL is set. Job polling is slowed to a minute, so only
// the published event can deliver the change within the test's time.
import { spawn } from "node:child_process";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { Command } from "commander";
import { describe, expect, it, vi } from "vitest";
import { registerJobCommands } from "../../src/modules/jobs/cli.js";
import { SYSTEM } from "../../src/lib/principal.js";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { bin } from "../helpers/cli.js";
import { openSse } from "../helpers/sse.js";

const redisUrl = process.env.REDIS_URL;
const slowPolling = { SKILLGRAPH_JOB_POLL_MS: "60000", SKILLGRAPH_WORKER_CONCURRENCY: "0" };

/** Subscribes to a pending job; resolves with the statuses seen once CANCELLED arrives (or after 10 s). */
async function watchJob(t: TestApp): Promise<{ id: string; statuses: Promise<string[]> }> {
  const job = await t.app.services.jobs.enqueue("system.demo", { steps: 1, stepMs: 1 }, SYSTEM);
  const stream = await openSse(t.app, `subscription($id: ID!) { jobUpdated(id: $id) { status } }`, { id: encodeGlobalID("Job", job.id) }, t.tokens.read);
  const statuses = () => stream.events.map((e) => (e.jobUpdated as { status: string }).status);
  await stream.readUntil(() => statuses().length > 0);
  expect(statuses()).toEqual(["PENDING"]);
  const done = (async () => {
    const timer = setTimeout(() => void stream.close(), 10_000);
    await stream.readUntil(() => statuses().includes("CANCELLED"));
    clearTimeout(timer);
    await stream.close();
    return statuses();
  })();
  return { id: job.id, statuses: done };
}

describe("a CLI change reaches GraphQL subscribers", () => {
  const t = useTestApp({ env: slowPolling });

  it("through the process's bus: `jobs cancel` run in the server's process", async () => {
    const { id, statuses } = await watchJob(t());
    const env = { DATABASE_URL: process.env.DATABASE_URL, LOG_LEVEL: process.env.LOG_LEVEL };
    process.env.DATABASE_URL = t().app.config.databaseUrl;
    process.env.LOG_LEVEL = "silent";
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const program = new Command().exitOverride();
      registerJobCommands(program);
      await program.parseAsync(["node", "skillgraph", "jobs", "cancel", encodeGlobalID("Job", id)]);
      expect(log).toHaveBeenCalledWith(`Cancelled job ${id}.`);
    } finally {
      log.mockRestore();
      Object.assign(process.env, env);
    }
    expect(await statuses).toEqual(["PENDING", "CANCELLED"]);
  });
});

describe.skipIf(!redisUrl)("a CLI change reaches GraphQL subscribers over Redis (skipped unless REDIS_URL is set)", () => {
  const t = useTestApp({ env: { ...slowPolling, REDIS_URL: redisUrl ?? "" } });

  it("`skillgraph jobs cancel` in its own process", async () => {
    const { id, statuses } = await watchJob(t());
    const child = spawn(process.execPath, [bin, "jobs", "cancel", id], {
      env: { ...process.env, DATABASE_URL: t().app.config.databaseUrl, REDIS_URL: redisUrl, LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect({ code, out: out.trim() }).toEqual({ code: 0, out: `Cancelled job ${id}.` });
    expect(await statuses).toEqual(["PENDING", "CANCELLED"]);
  });
});
