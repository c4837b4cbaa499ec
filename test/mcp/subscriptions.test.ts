// Live health: status changes over graphql-ws and SSE, driven by deploys, the scheduler (a
// health-sweep job, here every second) and on-demand checks against the real fixture server.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { print } from "graphql";
import { createClient, type Client } from "graphql-ws";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { liveChildCount } from "../../src/modules/mcp/process-transport.js";
import { useTestApp } from "../helpers/app.js";
import { openSse } from "../helpers/sse.js";
import { CheckMcpServerHealth, DeployMcpServer, HealthStatus, McpHealthChanged, SetMcpServerEnv, UpdateMcpServer } from "./documents.js";
import { approveServer, registerServer, stdioServer } from "./fixtures.js";

const root = mkdtempSync(join(tmpdir(), "skillgraph-live-"));

interface Next {
  data?: Record<string, unknown> | null;
  errors?: unknown;
}

/** Collects a graphql-ws subscription's payloads; `until` waits for one that matches. */
function subscribe(client: Client, query: string, variables: Record<string, unknown>) {
  const seen: Next[] = [];
  const waiters: { test: (n: Next) => boolean; resolve: (n: Next) => void }[] = [];
  const stop = client.subscribe<Record<string, unknown>>(
    { query, variables },
    {
      next: (n) => {
        seen.push(n as Next);
        for (const w of [...waiters]) if (w.test(n as Next)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(n as Next);
        }
      },
      error: () => {},
      complete: () => {},
    },
  );
  return {
    seen,
    stop,
    until(test: (n: Next) => boolean, ms = 10_000): Promise<Next> {
      const hit = seen.find(test);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out; seen: ${JSON.stringify(seen)}`)), ms);
        waiters.push({ test, resolve: (n) => (clearTimeout(timer), resolve(n)) });
      });
    },
  };
}

const change = (status: string) => (n: Next) => (n.data?.mcpHealthChanged as { status?: string } | undefined)?.status === status;

describe("live MCP health over graphql-ws and SSE", () => {
  const t = useTestApp({
    env: {
      // Swept servers at normal priority: under a parallel test run a niced child can be starved
      // into DEGRADED (the priority itself is tested in unit.test.ts).
      SKILLGRAPH_MCP_HEALTH_NICE: "0",
      SKILLGRAPH_SECRET_KEY: Buffer.alloc(32, 4).toString("base64"),
      SKILLGRAPH_MCP_SETTINGS_ROOT: root,
      SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "1",
      SKILLGRAPH_MCP_HEALTH_SLOW_MS: "4000",
      SKILLGRAPH_MCP_HEALTH_TIMEOUT_MS: "5000",
    },
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("sees deploy, scheduled sweeps and checks change the status live; leaves no process behind", async () => {
    const base = await t().listen();
    const client = createClient({
      url: `${base.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${t().tokens.read}` },
      retryAttempts: 0,
    });
    const id = await registerServer(t(), stdioServer("healthy", "live"));
    const otherId = await registerServer(t(), stdioServer("healthy", "other"));
    (await t().execute(SetMcpServerEnv, { id, values: [{ name: "API_KEY", value: "sk-live-0000aaaa" }] }, { token: "write" })).expectNoErrors();

    const mine = subscribe(client, print(McpHealthChanged), { serverId: id });
    const all = subscribe(client, print(McpHealthChanged), {});
    const dashboard = subscribe(client, print(HealthStatus), {});
    try {
      // The dashboard gets the whole picture at once.
      const first = await dashboard.until(() => true);
      expect(first.data?.healthStatus).toMatchObject({
        database: { ok: true },
        jobQueueDepth: expect.any(Number),
        mcpServers: [
          { name: "io.github.skillgraph-tests/live", status: "NOT_DEPLOYED" },
          { name: "io.github.skillgraph-tests/other", status: "NOT_DEPLOYED" },
        ],
      });
      await new Promise((r) => setTimeout(r, 150));

      // Deploying makes it UNKNOWN; the scheduler then checks it: HEALTHY.
      const deployed = (await t().execute(DeployMcpServer, { id, input: {} }, { token: "write" })).expectNoErrors().deployMcpServer;
      expect(deployed.__typename).toBe("McpSettingsUpdate");
      const unknown = await mine.until(change("UNKNOWN"));
      expect(unknown.data?.mcpHealthChanged).toMatchObject({ previousStatus: "NOT_DEPLOYED", status: "UNKNOWN", name: "io.github.skillgraph-tests/live" });
      const healthy = await mine.until(change("HEALTHY"));
      expect(healthy.data?.mcpHealthChanged).toMatchObject({ previousStatus: "UNKNOWN", server: { health: { status: "HEALTHY" } } });
      await dashboard.until((n) => JSON.stringify(n.data).includes('"HEALTHY"'));

      // It starts crashing: the next check (scheduled or on demand) reports UNHEALTHY.
      const crashing = stdioServer("crash", "live");
      (await t().execute(UpdateMcpServer, { id, input: crashing }, { token: "write" })).expectNoErrors();
      // A new launch specification runs only once an admin approves it.
      expect((await mine.until(change("NOT_APPROVED"))).data?.mcpHealthChanged).toMatchObject({ previousStatus: "HEALTHY", status: "NOT_APPROVED" });
      await approveServer(t(), id);
      (await t().execute(CheckMcpServerHealth, { id }, { token: "write" })).expectNoErrors();
      const down = await mine.until(change("UNHEALTHY"));
      expect(down.data?.mcpHealthChanged).toMatchObject({ previousStatus: "HEALTHY", status: "UNHEALTHY" });
      const picture = await dashboard.until((n) => JSON.stringify(n.data).includes('"UNHEALTHY"'));
      expect(picture.data?.healthStatus).toMatchObject({
        mcpServers: [
          { name: "io.github.skillgraph-tests/live", status: "UNHEALTHY" },
          { name: "io.github.skillgraph-tests/other", status: "NOT_DEPLOYED" },
        ],
      });

      // Changes of another server do not reach a subscription filtered to this one.
      (await t().execute(CheckMcpServerHealth, { id: otherId }, { token: "write" })).expectNoErrors();
      await all.until((n) => (n.data?.mcpHealthChanged as { name?: string } | undefined)?.name === "io.github.skillgraph-tests/other");
      expect(mine.seen.every((n) => (n.data?.mcpHealthChanged as { name?: string }).name === "io.github.skillgraph-tests/live")).toBe(true);
      // Only changes are emitted, never the same status twice in a row.
      const statuses = mine.seen.map((n) => (n.data?.mcpHealthChanged as { status: string }).status);
      expect(statuses.filter((s, i) => s === statuses[i - 1])).toEqual([]);
    } finally {
      mine.stop();
      all.stop();
      dashboard.stop();
      await client.dispose();
    }
  });

  it("delivers mcpHealthChanged over server-sent events", async () => {
    const id = await registerServer(t(), stdioServer("healthy", "sse"));
    (await t().execute(SetMcpServerEnv, { id, values: [{ name: "API_KEY", value: "sk-live-1111bbbb" }] }, { token: "write" })).expectNoErrors();
    const stream = await openSse(t().app, print(McpHealthChanged), { serverId: id }, t().tokens.read);
    expect(stream.response.headers.get("content-type")).toMatch(/text\/event-stream/);
    setTimeout(() => void t().execute(CheckMcpServerHealth, { id }, { token: "write" }), 150);
    await stream.readUntil(() => stream.text.includes('"status":"HEALTHY"'));
    await stream.close();
    const line = stream.text.split("\n").find((l) => l.startsWith("data:") && l.includes("HEALTHY"));
    expect(JSON.parse(line?.slice(5) ?? "null")).toMatchObject({
      data: { mcpHealthChanged: { name: "io.github.skillgraph-tests/sse", previousStatus: "NOT_DEPLOYED", status: "HEALTHY" } },
    });
  });

  it("stops the scheduler with the app and kills what it started", async () => {
    // The app (and its scheduler) stop in afterAll; here: nothing is running between sweeps.
    await new Promise((r) => setTimeout(r, 50));
    await t().app.services.mcp.shutdown();
    expect(liveChildCount()).toBe(0);
  });
});
