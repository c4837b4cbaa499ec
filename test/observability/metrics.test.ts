// /metrics as Prometheus scrapes it: behind its token (or on its own port), in the text format,
// with the families an operator's dashboards and alerts use, moving as requests, subscriptions,
// jobs, rate-limit refusals and health checks happen; label values from bounded sets only.
import { decodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { openSse } from "../helpers/sse.js";
import { fastJobs, waitFor, waitForStatus } from "../jobs/helpers.js";
import { CheckMcpServerHealth, McpServerByName, SetMcpServerEnv } from "../mcp/documents.js";
import { registerServer, stdioServer } from "../mcp/fixtures.js";
import { scrape, valueOf } from "./scrape.js";

const TOKEN = "metrics-token-0123456789abcdef";
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      SKILLGRAPH_METRICS_TOKEN: TOKEN,
      ...fastJobs,
      SKILLGRAPH_RATE_LIMIT_ANONYMOUS: "2",
      SKILLGRAPH_RATE_LIMIT_WINDOW_S: "3600",
      // The rate-limit test's caller has an address of its own (Redis keeps counts across runs).
      SKILLGRAPH_TRUST_PROXY: "true",
      SKILLGRAPH_SECRET_KEY: Buffer.alloc(32, 7).toString("base64"),
    },
  });
});

afterAll(async () => {
  await t?.close();
});

const Enqueue = "mutation MetricsEnqueue($input: EnqueueJobInput!) { enqueueJob(input: $input) { __typename ... on JobPayload { job { id } } } }";

describe("GET /metrics", () => {
  it("asks for the metrics token", async () => {
    const none = await t.app.yoga.fetch("http://skillgraph.test/metrics");
    expect(none.status).toBe(401);
    const wrong = await t.app.yoga.fetch("http://skillgraph.test/metrics", { headers: { authorization: "Bearer not-the-metrics-token" } });
    expect(wrong.status).toBe(401);
    // An API token is not a metrics token.
    const api = await t.app.yoga.fetch("http://skillgraph.test/metrics", { headers: { authorization: `Bearer ${t.tokens.admin}` } });
    expect(api.status).toBe(401);
    const ok = await t.app.yoga.fetch("http://skillgraph.test/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it("has Node's process metrics", async () => {
    const families = await scrape(t.app, TOKEN);
    const names = families.families.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(["process_cpu_user_seconds_total", "process_resident_memory_bytes", "nodejs_heap_size_used_bytes", "nodejs_eventloop_lag_seconds"]));
  });

  it("counts HTTP requests by route and status, and GraphQL operations by name, type and errors", async () => {
    const before = await scrape(t.app, TOKEN);
    await t.execute("query MetricsProbe { __typename }", undefined, { token: "read" });
    await t.execute("query MetricsProbe { __typename }", undefined, { token: "read" });
    await t.execute("query MetricsBroken { noSuchField }", undefined, { token: "read" });
    await t.app.yoga.fetch("http://skillgraph.test/healthz");
    await t.app.yoga.fetch("http://skillgraph.test/no/such/path/abc123");
    const after = await scrape(t.app, TOKEN);
    const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - (valueOf(before, name, labels) || 0);

    expect(delta("skillgraph_graphql_operations_total", { operation_name: "MetricsProbe", operation_type: "query" })).toBe(2);
    expect(delta("skillgraph_graphql_operation_duration_seconds", { operation_name: "MetricsProbe", operation_type: "query" })).toBe(2);
    expect(delta("skillgraph_http_requests_total", { route: "/healthz", status: "200", method: "GET" })).toBe(1);
    expect(delta("skillgraph_http_request_duration_seconds", { route: "/graphql", method: "POST" })).toBeGreaterThanOrEqual(3);
    // A path is input: it is counted as "other", never by itself.
    expect(delta("skillgraph_http_requests_total", { route: "other" })).toBe(1);
    const routes = after.samples.filter((x) => x.name === "skillgraph_http_requests_total").map((x) => x.labels.route);
    expect(routes).not.toContain("/no/such/path/abc123");
    expect(delta("skillgraph_graphql_operations_total", { operation_name: "MetricsBroken" })).toBe(0);
    // A document that fails validation never executes; one that executes with errors is counted.
    const failing = await t.execute('query MetricsErrors { node(id: "not-a-global-id") { id } }', undefined, { token: "read" });
    failing.expectErrors();
    const later = await scrape(t.app, TOKEN);
    expect(valueOf(later, "skillgraph_graphql_operations_total", { operation_name: "MetricsErrors" })).toBe(1);
    expect(valueOf(later, "skillgraph_graphql_errors_total", { operation_name: "MetricsErrors", operation_type: "query" })).toBe(1);
  });

  it("times database statements by provider and statement kind", async () => {
    await t.execute("query MetricsList { artifacts(first: 3) { edges { node { id } } } }", undefined, { token: "read" });
    const families = await scrape(t.app, TOKEN);
    expect(valueOf(families, "skillgraph_db_statement_duration_seconds", { provider: t.app.database.provider, statement: "SELECT" })).toBeGreaterThan(0);
    const kinds = new Set(families.samples.filter((x) => x.name === "skillgraph_db_statement_duration_seconds_count").map((x) => x.labels.statement));
    expect(kinds.size).toBeGreaterThan(0);
    for (const k of kinds) expect(k).toMatch(/^[A-Z]+$/);
  });

  it("shows the job queue by kind and status, and job runs by outcome with durations", async () => {
    const res = await t.execute(Enqueue, { input: { kind: "system.demo", input: { steps: 1, stepMs: 0 } } }, { token: "admin" });
    const gid = (res.expectNoErrors() as { enqueueJob: { job: { id: string } } }).enqueueJob.job.id;
    // No worker yet: the job waits in the queue.
    const queued = await scrape(t.app, TOKEN);
    expect(valueOf(queued, "skillgraph_job_queue_jobs", { kind: "system.demo", status: "PENDING" })).toBe(1);
    expect(valueOf(queued, "skillgraph_ready", { check: "readiness" })).toBe(1);

    // A subscriber watching it over SSE: an active subscription, and its events delivered.
    const stream = await openSse(t.app, "subscription MetricsWatch($id: ID!) { jobUpdated(id: $id) { status } }", { id: gid }, t.tokens.read);
    await stream.readUntil(() => stream.events.length >= 1);
    const watching = await scrape(t.app, TOKEN);
    expect(valueOf(watching, "skillgraph_subscriptions_active", { transport: "sse" })).toBe(1);

    await t.app.startBackground();
    await waitForStatus(t.app, decodeGlobalID(gid).id, "SUCCEEDED");
    await stream.readUntil(() => stream.completed);
    await stream.close();
    const done = await waitFor("the subscription to end", async () => {
      const f = await scrape(t.app, TOKEN);
      return valueOf(f, "skillgraph_subscriptions_active", { transport: "sse" }) === 0 ? f : null;
    });
    expect(valueOf(done, "skillgraph_subscription_events_total", { transport: "sse" })).toBeGreaterThanOrEqual(2);
    expect(valueOf(done, "skillgraph_job_queue_jobs", { kind: "system.demo", status: "PENDING" })).toBe(0);
    expect(valueOf(done, "skillgraph_job_runs_total", { kind: "system.demo", outcome: "succeeded" })).toBe(1);
    expect(valueOf(done, "skillgraph_job_run_duration_seconds", { kind: "system.demo", outcome: "succeeded" })).toBe(1);
  });

  it("shows MCP servers by their health status, moving as a check happens", async () => {
    const id = await registerServer(t, stdioServer("crash", "metrics-crash"));
    (await t.execute(SetMcpServerEnv, { id, values: [{ name: "API_KEY", value: "sk-metrics-0000" }] }, { token: "write" })).expectNoErrors();
    const unchecked = await scrape(t.app, TOKEN);
    expect(valueOf(unchecked, "skillgraph_mcp_servers", { status: "NOT_DEPLOYED" })).toBe(1);
    expect(valueOf(unchecked, "skillgraph_mcp_servers", { status: "UNHEALTHY" })).toBe(0);
    const checked = (await t.execute(CheckMcpServerHealth, { id }, { token: "admin" })).expectNoErrors().checkMcpServerHealth;
    expect(checked.__typename).toBe("CheckMcpServerHealthPayload");
    const shown = (await t.execute(McpServerByName, { name: "io.github.skillgraph-tests/metrics-crash" }, { token: "read" })).expectNoErrors().mcpServer?.health.status;
    expect(shown).toBe("UNHEALTHY");
    const after = await scrape(t.app, TOKEN);
    expect(valueOf(after, "skillgraph_mcp_servers", { status: "UNHEALTHY" })).toBe(1);
    expect(valueOf(after, "skillgraph_mcp_servers", { status: "NOT_DEPLOYED" })).toBe(0);
  });

  it("counts rate-limit refusals by caller kind", async () => {
    // Anonymous callers get 2 points an hour here.
    const address = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 3; i++) await t.execute("query MetricsAnon { __typename }", undefined, { headers: { "x-forwarded-for": address } });
    const families = await scrape(t.app, TOKEN);
    expect(valueOf(families, "skillgraph_rate_limited_total", { caller: "anonymous" })).toBeGreaterThanOrEqual(1);
  });

  it("gives operation names a bounded set of labels", async () => {
    const { samples } = await scrape(t.app, TOKEN);
    const ours = samples.filter((x) => x.name.startsWith("skillgraph_"));
    expect(ours.length).toBeGreaterThan(0);
    for (const x of ours) for (const v of Object.values(x.labels)) expect(v.length).toBeLessThanOrEqual(100);
  });
});

describe("SKILLGRAPH_METRICS_PORT", () => {
  it("serves /metrics on a listener of its own, without a token, and not on the API's port", async () => {
    const own = await createTestApp({ env: { SKILLGRAPH_METRICS_PORT: "0", SKILLGRAPH_WORKER_CONCURRENCY: "0" } });
    try {
      await own.listen();
      expect(own.app.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const res = await fetch(own.app.metricsUrl ?? "");
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("# TYPE skillgraph_http_requests_total counter");
      const onApi = await own.app.yoga.fetch("http://skillgraph.test/metrics");
      expect(onApi.status).toBe(404);
    } finally {
      await own.close();
    }
  });
});
