// The health sweep as a job (mcp.health-sweep): progress per server, visible in
// jobs(filter: {kind}), cancellable (its checks' processes killed, nothing half-recorded), queued
// by the scheduler only when none is pending or running; and the job queue in healthStatus.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { print } from "graphql";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/lib/principal.js";
import { MCP_HEALTH_SWEEP } from "../../src/modules/mcp/health-sweep-job.js";
import { liveChildCount } from "../../src/modules/mcp/process-transport.js";
import { enqueueSweep } from "../../src/modules/mcp/scheduler.js";
import { createTestApp, useTestApp, type TestApp } from "../helpers/app.js";
import { openSse } from "../helpers/sse.js";
import { DeployMcpServer, HealthStatus, McpServerByName, SetMcpServerEnv } from "./documents.js";
import { processRunning, registerServer, stdioServer, type FixtureMode } from "./fixtures.js";

const root = mkdtempSync(join(tmpdir(), "skillgraph-sweep-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SWEEP_JOBS = `query SweepJobs($kind: String) {
  jobs(filter: { kind: $kind }) {
    totalCount
    edges { node { id kind status progress createdBy result events(first: 100) { edges { node { type progress phase message } } } } }
  }
}`;
const ENQUEUE = `mutation Enqueue($kind: String!) { enqueueJob(input: { kind: $kind }) { __typename ... on JobPayload { job { id status } } ... on Error { message } } }`;
const CANCEL = `mutation Cancel($id: ID!) { cancelJob(id: $id) { __typename ... on JobPayload { job { id status cancelRequested } } ... on Error { message } } }`;
const JOB = `query Job($id: ID!) { node(id: $id) { ... on Job { id status progress message error result } } }`;

interface JobView {
  id: string;
  status: string;
  progress: number;
  message: string | null;
  error: string | null;
  result: Record<string, unknown> | null;
}

async function deploy(t: TestApp, mode: FixtureMode, name: string, extra: { name: string; value: string }[] = []): Promise<string> {
  const id = await registerServer(t, stdioServer(mode, name));
  (await t.execute(SetMcpServerEnv, { id, values: [{ name: "API_KEY", value: "sk-sweep-5566" }, ...extra] }, { token: "write" })).expectNoErrors();
  const res = (await t.execute(DeployMcpServer, { id, input: { settingsPath: "sweep.json" } }, { token: "write" })).expectNoErrors().deployMcpServer;
  expect(res.__typename).toBe("McpSettingsUpdate");
  return id;
}

async function job(t: TestApp, id: string): Promise<JobView> {
  const data = (await t.execute<{ node: JobView | null }, { id: string }>(JOB, { id }, { token: "read" })).expectNoErrors();
  if (!data.node) throw new Error(`no job ${id}`);
  return data.node;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function status(t: TestApp, name: string): Promise<string | undefined> {
  const data = (await t.execute(McpServerByName, { name: `io.github.skillgraph-tests/${name}` })).expectNoErrors();
  return data.mcpServer?.health.status;
}

describe("mcp.health-sweep as a job (worker in this process)", () => {
  const t = useTestApp({
    env: {
      // Swept servers at normal priority: under a parallel test run a niced child can be starved
      // into DEGRADED (the priority itself is tested in unit.test.ts).
      SKILLGRAPH_MCP_HEALTH_NICE: "0",
      // Nor is a check slow under a full parallel run (slowness is tested in health.test.ts).
      SKILLGRAPH_MCP_HEALTH_SLOW_MS: "10000",
      SKILLGRAPH_SECRET_KEY: Buffer.alloc(32, 6).toString("base64"),
      SKILLGRAPH_MCP_SETTINGS_ROOT: root,
      SKILLGRAPH_MCP_HEALTH_TIMEOUT_MS: "8000",
      SKILLGRAPH_MCP_HEALTH_CONCURRENCY: "2",
    },
  });
  beforeAll(() => t().app.startBackground());
  beforeEach(() => t().clear());

  it("checks every deployed server, reports progress per server, shows in jobs(filter: {kind})", async () => {
    for (const n of ["a", "b", "c"]) await deploy(t(), "healthy", `sweep-${n}`);
    await deploy(t(), "crash", "sweep-crash");
    await registerServer(t(), stdioServer("healthy", "not-deployed"));

    const started = (await t().execute<{ enqueueJob: { __typename: string; job?: { id: string } } }, { kind: string }>(ENQUEUE, { kind: MCP_HEALTH_SWEEP }, { token: "write" })).expectNoErrors();
    const id = started.enqueueJob.job?.id;
    if (!id) throw new Error(JSON.stringify(started));
    const done = await waitFor("the sweep to finish", async () => {
      const j = await job(t(), id);
      return j.status === "SUCCEEDED" || j.status === "FAILED" ? j : null;
    });
    expect(done).toMatchObject({ status: "SUCCEEDED", progress: 100 });
    expect(done.result).toMatchObject({ total: 4, checked: 4, cancelled: false, byStatus: { HEALTHY: 3, DEGRADED: 0, UNHEALTHY: 1 } });

    const listed = (await t().execute<{ jobs: { totalCount: number; edges: { node: { id: string; kind: string; events: { edges: { node: { type: string; progress: number; message: string | null } }[] } } }[] } }, { kind: string }>(SWEEP_JOBS, { kind: MCP_HEALTH_SWEEP }, { token: "read" })).expectNoErrors().jobs;
    expect(listed.totalCount).toBe(1);
    expect(listed.edges[0]?.node).toMatchObject({ id, kind: MCP_HEALTH_SWEEP });
    // One progress event per server, in order, naming it and its status.
    const perServer = (listed.edges[0]?.node.events.edges ?? []).map((e) => e.node).filter((e) => e.type === "PROGRESS" && /checked;/.test(e.message ?? ""));
    expect(perServer.map((e) => e.progress)).toEqual([25, 50, 75, 100]);
    expect(perServer.map((e) => e.message?.replace(/^(\d) of 4 checked; .*$/, "$1"))).toEqual(["1", "2", "3", "4"]);
    expect(perServer.some((e) => /sweep-crash: UNHEALTHY$/.test(e.message ?? ""))).toBe(true);

    expect(await status(t(), "sweep-a")).toBe("HEALTHY");
    expect(await status(t(), "sweep-crash")).toBe("UNHEALTHY");
    expect(await status(t(), "not-deployed")).toBe("NOT_DEPLOYED");
    expect(liveChildCount()).toBe(0);
  });

  it("is cancelled mid-sweep: running checks are killed at once and not recorded", async () => {
    const pidFiles = [join(root, "h1.pids"), join(root, "h2.pids")];
    await deploy(t(), "hang", "hang-1", [{ name: "FIXTURE_PID_FILE", value: pidFiles[0] ?? "" }]);
    await deploy(t(), "hang", "hang-2", [{ name: "FIXTURE_PID_FILE", value: pidFiles[1] ?? "" }]);
    await deploy(t(), "healthy", "after-hang");

    const id = encodeGlobalID("Job", await waitFor("a sweep job", () => enqueueSweep(t().app.services.jobs)));
    // Both hanging servers are being checked (2 at a time), each with a grandchild.
    await waitFor("both hanging servers to start", () => pidFiles.every((f) => readFileOr(f) !== ""));
    expect((await job(t(), id)).status).toBe("RUNNING");
    const pids = pidFiles.flatMap((f) => readFileOr(f).trim().split("\n").map(Number));
    expect(pids).toHaveLength(4);

    const asked = Date.now();
    // Started by the scheduler ("system"): an admin may cancel it.
    const res = (await t().execute<{ cancelJob: { __typename: string } }, { id: string }>(CANCEL, { id }, { token: "admin" })).expectNoErrors();
    expect(res.cancelJob.__typename).toBe("JobPayload");
    const cancelled = await waitFor("the job to be cancelled", async () => {
      const j = await job(t(), id);
      return j.status === "CANCELLED" ? j : null;
    });
    // Well before the 8 s check timeout: the cancellation killed the checks.
    expect(Date.now() - asked).toBeLessThan(4000);
    expect(cancelled.result).toBeNull();
    await waitFor("every process of the sweep to be gone", () => pids.every((p) => !processRunning(p)), 3000);
    expect(liveChildCount()).toBe(0);
    // Cut short says nothing about the servers: nothing recorded, and the third never started.
    expect(await status(t(), "hang-1")).toBe("UNKNOWN");
    expect(await status(t(), "hang-2")).toBe("UNKNOWN");
    expect(await status(t(), "after-hang")).toBe("UNKNOWN");
  });

  it("counts the job queue by status (pending, running, waiting for an answer)", async () => {
    const jobs = t().app.services.jobs;
    expect(await jobs.queueDepth()).toEqual({ pending: 0, running: 0, waiting: 0 });
    const asking = await jobs.enqueue("system.demo", { steps: 2, stepMs: 0, confirmAtStep: 1 }, SYSTEM);
    await waitFor("the demo job to wait for an answer", async () => (await jobs.get(asking.id)).status === "PENDING_HITL");
    const long = await jobs.enqueue("system.demo", { steps: 100, stepMs: 100 }, SYSTEM);
    await waitFor("the long job to run", async () => (await jobs.get(long.id)).status === "RUNNING");
    expect(await jobs.queueDepth()).toEqual({ pending: 0, running: 1, waiting: 1 });
    await jobs.cancel(long.id, SYSTEM);
    await jobs.cancel(asking.id, SYSTEM);
    await waitFor("both to end", async () => {
      const depth = await jobs.queueDepth();
      return depth.running + depth.waiting === 0;
    });
  });
});

describe("a stopping app and a running sweep", () => {
  it("hands the sweep job back (PENDING, to resume) and kills its checks' processes", async () => {
    const kit = await createTestApp({
      env: {
        SKILLGRAPH_SECRET_KEY: Buffer.alloc(32, 8).toString("base64"),
        SKILLGRAPH_MCP_SETTINGS_ROOT: root,
        SKILLGRAPH_MCP_HEALTH_TIMEOUT_MS: "8000",
        SKILLGRAPH_MCP_HEALTH_NICE: "0",
      },
    });
    let closed = false;
    // Every job change as the store publishes it (synchronously: with Redis, delivery would
    // race the app closing its connections).
    const updates: { id: string; status: string; message: string | null }[] = [];
    const store = kit.app.services.jobs.store;
    const publish = store.publish.bind(store);
    store.publish = (job, type) => {
      updates.push({ id: job.id, status: job.status, message: job.message });
      publish(job, type);
    };
    try {
      await kit.app.startBackground();
      const pidFiles = [join(root, "stop-1.pids"), join(root, "stop-2.pids")];
      await deploy(kit, "hang", "stop-1", [{ name: "FIXTURE_PID_FILE", value: pidFiles[0] ?? "" }]);
      await deploy(kit, "hang", "stop-2", [{ name: "FIXTURE_PID_FILE", value: pidFiles[1] ?? "" }]);
      const id = await enqueueSweep(kit.app.services.jobs);
      await waitFor("both hanging servers to start", () => pidFiles.every((f) => readFileOr(f) !== ""));
      const pids = pidFiles.flatMap((f) => readFileOr(f).trim().split("\n").map(Number));

      const asked = Date.now();
      await kit.close();
      closed = true;
      // Well before the 8 s check timeout.
      expect(Date.now() - asked).toBeLessThan(5000);
      expect(liveChildCount()).toBe(0);
      await waitFor("every process of the sweep to be gone", () => pids.every((p) => !processRunning(p)), 3000);
      const last = updates.filter((u) => u.id === id).at(-1);
      expect(last).toMatchObject({ status: "PENDING", message: expect.stringMatching(/Released by a stopping worker/) });
    } finally {
      if (!closed) await kit.close();
    }
  });
});

describe("the scheduler queues one sweep at a time (no worker in this process)", () => {
  const t = useTestApp({
    env: {
      // Swept servers at normal priority: under a parallel test run a niced child can be starved
      // into DEGRADED (the priority itself is tested in unit.test.ts).
      SKILLGRAPH_MCP_HEALTH_NICE: "0",
      SKILLGRAPH_SECRET_KEY: Buffer.alloc(32, 7).toString("base64"),
      SKILLGRAPH_MCP_SETTINGS_ROOT: root,
      SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "1",
      SKILLGRAPH_WORKER_CONCURRENCY: "0",
    },
  });
  beforeAll(() => t().app.startBackground());

  it("never queues a second sweep while one is pending; healthStatus shows the queue live", async () => {
    // Ticks at start-up and every second: one job, however many ticks.
    await new Promise((r) => setTimeout(r, 2600));
    const listed = (await t().execute<{ jobs: { totalCount: number; edges: { node: { id: string; status: string; createdBy: string } }[] } }, { kind: string }>(SWEEP_JOBS, { kind: MCP_HEALTH_SWEEP }, { token: "read" })).expectNoErrors().jobs;
    expect(listed.totalCount).toBe(1);
    expect(listed.edges[0]?.node).toMatchObject({ status: "PENDING", createdBy: "system" });
    expect(await enqueueSweep(t().app.services.jobs)).toBeNull();
    const sweepId = listed.edges[0]?.node.id ?? "";

    const stream = await openSse(t().app, print(HealthStatus), {}, t().tokens.read);
    try {
      await stream.readUntil(() => stream.events.length >= 1);
      expect(stream.events[0]).toMatchObject({ healthStatus: { database: { ok: true }, jobQueueDepth: 1 } });

      // Another job queued: the dashboard sees the queue grow without polling.
      await t().app.services.jobs.enqueue("system.demo", {}, SYSTEM);
      await stream.readUntil(() => stream.events.some((e) => (e.healthStatus as { jobQueueDepth?: number }).jobQueueDepth === 2));

      // A cancelled sweep is no longer in the queue, and the next tick queues a new one.
      const cancelled = (await t().execute<{ cancelJob: { __typename: string; job?: { status: string } } }, { id: string }>(CANCEL, { id: sweepId }, { token: "admin" })).expectNoErrors();
      expect(cancelled.cancelJob.job?.status).toBe("CANCELLED");
      const next = await waitFor("a new sweep job", async () => {
        const now = (await t().execute<{ jobs: { edges: { node: { id: string; status: string } }[] } }, { kind: string }>(SWEEP_JOBS, { kind: MCP_HEALTH_SWEEP }, { token: "read" })).expectNoErrors().jobs;
        return now.edges.find((e) => e.node.status === "PENDING" && e.node.id !== sweepId)?.node;
      }, 5000);
      expect(next.id).not.toBe(sweepId);
    } finally {
      await stream.close();
      // Let the stream unsubscribe (from Redis, when set) before the app closes its connections.
      await new Promise((r) => setTimeout(r, 200));
    }
  });
});

function readFileOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

