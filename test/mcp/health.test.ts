import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { liveChildCount } from "../../src/modules/mcp/process-transport.js";
import { startHttpFixture } from "../fixtures/mcp/http-server.js";
import { startSseFixture } from "../fixtures/mcp/sse-server.js";
import { useTestApp } from "../helpers/app.js";
import { CheckMcpServerHealth, McpServerByName, SetMcpServerEnv } from "./documents.js";
import { processRunning as running, registerServer, stdioServer, type FixtureMode } from "./fixtures.js";

const tmp = mkdtempSync(join(tmpdir(), "skillgraph-health-"));
const API_KEY = "sk-fixture-77aa88bb99cc";


/** SIGKILL is delivered asynchronously: give the kernel a moment. */
async function stillRunning(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 40; i++) {
    const left = pids.filter(running);
    if (left.length === 0) return [];
    await new Promise((r) => setTimeout(r, 25));
  }
  return pids.filter(running);
}

async function waitForZero(count: () => number): Promise<void> {
  for (let i = 0; i < 40 && count() > 0; i++) await new Promise((r) => setTimeout(r, 25));
  expect(count()).toBe(0);
}

describe("MCP health checks against real servers", () => {
  const t = useTestApp({
    env: {
      SKILLGRAPH_SECRET_KEY: Buffer.alloc(32, 5).toString("base64"),
      SKILLGRAPH_MCP_HEALTH_TIMEOUT_MS: "5000",
      SKILLGRAPH_MCP_HEALTH_SLOW_MS: "2000",
    },
  });
  beforeEach(() => t().clear());
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
    expect(liveChildCount()).toBe(0);
  });

  async function stdio(mode: FixtureMode, extra: { name: string; value: string }[] = []) {
    const id = await registerServer(t(), stdioServer(mode));
    (await t().execute(SetMcpServerEnv, { id, values: [{ name: "API_KEY", value: API_KEY }, ...extra] }, { token: "write" })).expectNoErrors();
    return id;
  }
  /** As an admin: only admins see the detail of an error (everyone else its classified reason; test/security/mcp-health-output.test.ts). */
  async function check(id: string) {
    const res = (await t().execute(CheckMcpServerHealth, { id }, { token: "admin" })).expectNoErrors().checkMcpServerHealth;
    if (res.__typename !== "CheckMcpServerHealthPayload") throw new Error(`${res.__typename}: ${"message" in res ? res.message : ""}`);
    return res.health;
  }

  it("a healthy stdio server: handshake, tools/list, server info, history", async () => {
    const id = await stdio("healthy");
    const health = await check(id);
    expect(health).toMatchObject({ status: "HEALTHY", toolCount: 2, serverInfo: { name: "fixture-healthy", version: "1.2.3" }, errorCount: 0, recentErrors: [] });
    expect(health.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(health.latencyMs).toBeGreaterThan(0);
    expect(health.lastSeen).not.toBeNull();
    await check(id);
    const read = (await t().execute(McpServerByName, { name: "io.github.skillgraph-tests/healthy" })).expectNoErrors().mcpServer;
    expect(read?.health.status).toBe("HEALTHY");
    expect(read?.healthHistory.totalCount).toBe(2);
    expect(read?.healthHistory.edges.map((e) => e.node.status)).toEqual(["HEALTHY", "HEALTHY"]);
    expect(liveChildCount()).toBe(0);
  });

  it("two checks of one server at once share one run", async () => {
    const id = await stdio("healthy");
    const [a, b] = await Promise.all([check(id), check(id)]);
    expect(a).toEqual(b);
    const read = (await t().execute(McpServerByName, { name: "io.github.skillgraph-tests/healthy" })).expectNoErrors().mcpServer;
    expect(read?.healthHistory.totalCount).toBe(1);
  });

  it("a healthy streamable HTTP remote, with its secret header sent", async () => {
    const fixture = await startHttpFixture({ requireToken: API_KEY });
    try {
      const id = await registerServer(t(), null, {
        name: "io.github.skillgraph-tests/http",
        description: "Fixture over streamable HTTP",
        version: "2.0.0",
        remotes: [{ type: "streamable-http", url: fixture.url, headers: [{ name: "Authorization", isRequired: true, isSecret: true, value: "Bearer {token}" }] }],
      });
      const missing = await check(id);
      expect(missing.status).toBe("UNHEALTHY");
      expect(missing.recentErrors[0]?.message).toMatch(/Required environment variables are not set: Authorization/);

      // "token" fills the header's template "Bearer {token}".
      const set = (await t().execute(SetMcpServerEnv, { id, values: [{ name: "token", value: API_KEY }] }, { token: "write" })).expectNoErrors();
      expect(set.setMcpServerEnv).toMatchObject({ server: { missingEnv: [] } });
      const health = await check(id);
      expect(health).toMatchObject({ status: "HEALTHY", toolCount: 1, serverInfo: { name: "fixture-http", version: "2.0.0" }, errorCount: 0 });
      expect(fixture.seenHeaders.some((h) => h.authorization === `Bearer ${API_KEY}`)).toBe(true);
    } finally {
      await fixture.close();
    }
  });

  it("a healthy SSE remote (HTTP+SSE transport), with its secret header sent; the stream is closed after", async () => {
    const fixture = await startSseFixture({ requireToken: API_KEY });
    try {
      const id = await registerServer(t(), null, {
        name: "io.github.skillgraph-tests/sse",
        description: "Fixture over HTTP+SSE",
        version: "3.0.0",
        remotes: [{ type: "sse", url: fixture.url, headers: [{ name: "Authorization", isRequired: true, isSecret: true, value: "Bearer {token}" }] }],
      });
      (await t().execute(SetMcpServerEnv, { id, values: [{ name: "token", value: API_KEY }] }, { token: "write" })).expectNoErrors();
      const health = await check(id);
      expect(health).toMatchObject({ status: "HEALTHY", toolCount: 2, serverInfo: { name: "fixture-sse", version: "3.0.0" }, errorCount: 0 });
      expect(health.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // SSE straight away: the stream, then the messages posted to the endpoint it named.
      expect(fixture.requests[0]).toBe("GET /sse");
      expect(fixture.requests.slice(1).every((r) => r === "POST /messages")).toBe(true);
      await waitForZero(() => fixture.openStreams());
    } finally {
      await fixture.close();
    }
  });

  it("a remote declared streamable-http that only speaks SSE: falls back to SSE (405 on POST), HEALTHY", async () => {
    const fixture = await startSseFixture();
    try {
      const id = await registerServer(t(), null, {
        name: "io.github.skillgraph-tests/sse-fallback",
        description: "An older server behind a streamable-http declaration",
        version: "3.0.0",
        remotes: [{ type: "streamable-http", url: fixture.url }],
      });
      const health = await check(id);
      expect(health).toMatchObject({ status: "HEALTHY", toolCount: 2, serverInfo: { name: "fixture-sse" } });
      expect(fixture.requests.slice(0, 2)).toEqual(["POST /sse", "GET /sse"]);
    } finally {
      await fixture.close();
    }
  });

  it("a streamable HTTP remote that refuses (401) is UNHEALTHY, without an SSE retry", async () => {
    const fixture = await startHttpFixture({ requireToken: "not-what-is-sent" });
    try {
      const id = await registerServer(t(), null, {
        name: "io.github.skillgraph-tests/http-refuses",
        description: "Refuses every request",
        version: "2.0.0",
        remotes: [{ type: "streamable-http", url: fixture.url }],
      });
      const health = await check(id);
      expect(health.status).toBe("UNHEALTHY");
      expect(fixture.seenHeaders.every((h) => h.accept?.includes("application/json"))).toBe(true);
      expect(fixture.seenHeaders).toHaveLength(1);
    } finally {
      await fixture.close();
    }
  });

  it("slow → DEGRADED, never answers → UNHEALTHY (timed out, whole process group killed)", async () => {
    const pidFile = join(tmp, "hang.pids");
    const [slow, hang] = await Promise.all([stdio("slow", [{ name: "FIXTURE_DELAY_MS", value: "2600" }]), stdio("hang", [{ name: "FIXTURE_PID_FILE", value: pidFile }])]);
    const [slowHealth, hangHealth] = await Promise.all([check(slow), check(hang)]);
    expect(slowHealth).toMatchObject({ status: "DEGRADED", toolCount: 2, serverInfo: { name: "fixture-slow" } });
    expect(slowHealth.recentErrors[0]?.message).toMatch(/slower than 2000 ms/);
    expect(hangHealth).toMatchObject({ status: "UNHEALTHY", toolCount: null, serverInfo: null, errorCount: 1 });
    expect(hangHealth.recentErrors[0]?.message).toMatch(/no answer within 5000 ms/);
    const pids = readFileSync(pidFile, "utf8").trim().split("\n").map(Number);
    expect(pids).toHaveLength(2);
    expect(await stillRunning(pids)).toEqual([]);
    expect(liveChildCount()).toBe(0);
  });

  it("crashes on start → UNHEALTHY with its exit and stderr, the secret masked", async () => {
    const id = await stdio("crash");
    const first = await check(id);
    expect(first).toMatchObject({ status: "UNHEALTHY", errorCount: 1, lastSeen: null });
    const message = first.recentErrors[0]?.message ?? "";
    expect(message).toMatch(/exited \(code 3\)/);
    expect(message).toContain("API_KEY=****");
    expect(message).not.toContain(API_KEY);
    const second = await check(id);
    expect(second.errorCount).toBe(2);
    expect(second.recentErrors).toHaveLength(2);
  });

  it("answers but tools/list fails → DEGRADED", async () => {
    const id = await stdio("tool-error");
    const health = await check(id);
    expect(health).toMatchObject({ status: "DEGRADED", toolCount: null, serverInfo: { name: "fixture-tool-error" } });
    expect(health.recentErrors[0]?.message).toMatch(/tools\/list failed: .*tool registry is broken/);
  });

  it("a command that does not exist → UNHEALTHY", async () => {
    const doc = stdioServer("healthy", "missing-runtime");
    const id = await registerServer(t(), { ...doc, packages: [{ ...doc.packages[0], runtimeHint: "no-such-runtime-xyz" }] } as typeof doc);
    (await t().execute(SetMcpServerEnv, { id, values: [{ name: "API_KEY", value: API_KEY }] }, { token: "write" })).expectNoErrors();
    const health = await check(id);
    expect(health.status).toBe("UNHEALTHY");
    expect(health.recentErrors[0]?.message).toMatch(/ENOENT/);
  });
});
