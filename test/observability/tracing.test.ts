// Tracing as an operator sees it in their collector: the server exports spans over OTLP/HTTP to a
// receiver (test/fixtures/otlp), an incoming traceparent is continued, a query and a mutation get
// their operation, root-field, domain and SQL spans in one trace, and a job continues the trace of
// the request that enqueued it. Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../fixtures/otlp/receiver.js";
import { makeArtifact } from "../ratings/fixtures.js";
import { fastJobs, waitFor, waitForStatus } from "../jobs/helpers.js";
import { createClient } from "graphql-ws";
import { WebSocket } from "ws";
import { createLogger } from "../../src/lib/logger.js";
import { CheckMcpServerHealth, SetMcpServerEnv } from "../mcp/documents.js";
import { registerServer, stdioServer } from "../mcp/fixtures.js";
import { feedEntry, startFeedServer } from "../fixtures/marketplace/feed-server.js";

let receiver: OtlpReceiver;
let t: TestApp;
/** Every JSON line the app logged (level info and up). */
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // The exporter reads the standard variables from the environment itself.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  const logger = createLogger("info", (line) => void lines.push(JSON.parse(line) as Record<string, unknown>));
  t = await createTestApp({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: "skillgraph-test", ...fastJobs, SKILLGRAPH_SECRET_KEY: Buffer.alloc(32, 9).toString("base64") },
    logger,
  });
});

afterAll(async () => {
  await t?.close();
  await t?.app.tracing?.shutdown();
  await receiver?.close();
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
});

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** A caller's trace context: the ids it sends as `traceparent`. */
function callerTrace() {
  const traceId = hex(16);
  const spanId = hex(8);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

async function spansOf(traceId: string, name: string): Promise<ReceivedSpan[]> {
  await t.app.tracing?.flush();
  return receiver.waitFor((s) => s.traceId === traceId && s.name === name);
}

describe("tracing (OTLP over HTTP)", () => {
  it("is on, and exports to the configured endpoint with the service name", async () => {
    expect(t.app.tracing).not.toBeNull();
    const caller = callerTrace();
    await t.execute("query Probe { __typename }", undefined, { headers: { traceparent: caller.traceparent } });
    const [server] = await spansOf(caller.traceId, "POST /graphql");
    expect(server?.service).toBe("skillgraph-test");
    expect(receiver.requests.some((r) => r.path === "/v1/traces")).toBe(true);
  });

  it("continues an incoming traceparent: server span, operation span with its hash, root field, SQL statements", async () => {
    await makeArtifact(t, "traced-skill");
    const caller = callerTrace();
    const res = await t.execute("query TracedList { artifacts(first: 5) { edges { node { id key } } } }", undefined, { token: "read", headers: { traceparent: caller.traceparent } });
    res.expectNoErrors();

    const [server] = await spansOf(caller.traceId, "POST /graphql");
    expect(server?.parentSpanId).toBe(caller.spanId);
    expect(server?.attributes["http.response.status_code"]).toBe(200);

    const [operation] = await spansOf(caller.traceId, "query.TracedList");
    expect(operation?.parentSpanId).toBe(server?.spanId);
    expect(operation?.attributes["graphql.execute.operationName"]).toBe("TracedList");
    expect(operation?.attributes["graphql.execute.operationType"]).toBe("query");
    expect(operation?.attributes["graphql.document.hash"]).toMatch(/^[0-9a-f]{64}$/);
    // Never the document's text, nor the variables.
    expect(operation?.attributes["graphql.execute.document"]).toBeUndefined();

    const [field] = await spansOf(caller.traceId, "Query.artifacts");
    expect(field?.parentSpanId).toBe(operation?.spanId);
    const statements = await spansOf(caller.traceId, "db SELECT");
    expect(statements.some((s) => s.parentSpanId === field?.spanId && String(s.attributes["db.query.text"]).includes('"Artifact"'))).toBe(true);
    expect(statements[0]?.attributes["db.system.name"]).toBe(t.app.database.provider);
  });

  it("a nested field resolved through a loader has one span per batch, with the batch size, under the list's trace", async () => {
    await makeArtifact(t, "loaded-a");
    await makeArtifact(t, "loaded-b");
    const caller = callerTrace();
    const res = await t.execute<{ artifacts: { edges: unknown[] } }, unknown>("query Loaded { artifacts(first: 100) { edges { node { key scores { qualityScore } } } } }", undefined, {
      token: "read",
      headers: { traceparent: caller.traceparent },
    });
    const count = res.expectNoErrors().artifacts.edges.length;
    expect(count).toBeGreaterThanOrEqual(2);
    const [batch, ...more] = await spansOf(caller.traceId, "load Artifact.scores");
    // One batch for the whole page, however many artifacts it holds.
    expect(more).toEqual([]);
    expect(batch?.attributes["dataloader.batch_size"]).toBe(count);
    // The batch's work (the score read and its statement) is inside it.
    const [read] = await spansOf(caller.traceId, "score read");
    expect(read?.parentSpanId).toBe(batch?.spanId);
    expect(read?.attributes["score.artifact_count"]).toBe(count);
    const statements = await spansOf(caller.traceId, "db SELECT");
    expect(statements.some((s) => s.parentSpanId === read?.spanId && String(s.attributes["db.query.text"]).includes('"ArtifactScore"'))).toBe(true);
  });

  it("a mutation rating an artifact has the rating submission and quality aggregation spans, with counts", async () => {
    const a = await makeArtifact(t, "rated-skill");
    const caller = callerTrace();
    const res = await t.execute(
      "mutation TracedRate($input: RateArtifactInput!) { rateArtifact(input: $input) { __typename ... on RateArtifactPayload { scores { qualityScore } } } }",
      { input: { artifactId: a.gid, rating: 4 } },
      { token: "write", headers: { traceparent: caller.traceparent } },
    );
    expect(res.expectNoErrors()).toMatchObject({ rateArtifact: { __typename: "RateArtifactPayload" } });

    const [mutation] = await spansOf(caller.traceId, "mutation.TracedRate");
    const [field] = await spansOf(caller.traceId, "Mutation.rateArtifact");
    const [submit] = await spansOf(caller.traceId, "rating submit");
    const [aggregation] = await spansOf(caller.traceId, "quality aggregation");
    expect(field?.parentSpanId).toBe(mutation?.spanId);
    expect(submit?.parentSpanId).toBe(field?.spanId);
    expect(submit?.attributes["rating.value"]).toBe(4);
    expect(aggregation?.attributes["rating.count_delta"]).toBe(1);
    const writes = await spansOf(caller.traceId, "db INSERT");
    expect(writes.some((s) => String(s.attributes["db.query.text"]).includes('"Rating"'))).toBe(true);
  });

  it("a job enqueued by a request runs in that request's trace, with a span per step", async () => {
    await t.app.startBackground();
    const caller = callerTrace();
    const res = await t.execute(
      "mutation TracedEnqueue($input: EnqueueJobInput!) { enqueueJob(input: $input) { __typename ... on JobPayload { job { id } } } }",
      { input: { kind: "system.demo", input: { steps: 2, stepMs: 0 } } },
      { token: "admin", headers: { traceparent: caller.traceparent } },
    );
    const data = res.expectNoErrors() as { enqueueJob: { job: { id: string } } };
    const { decodeGlobalID } = await import("@pothos/plugin-relay");
    const jobId = decodeGlobalID(data.enqueueJob.job.id).id;
    await waitForStatus(t.app, jobId, "SUCCEEDED");

    const [enqueue] = await spansOf(caller.traceId, "mutation.TracedEnqueue");
    const [run] = await spansOf(caller.traceId, "job run");
    expect(enqueue).toBeDefined();
    expect(run?.attributes["job.kind"]).toBe("system.demo");
    expect(run?.attributes["job.outcome"]).toBe("succeeded");
    const steps = await spansOf(caller.traceId, "job step");
    expect(steps.filter((s) => s.parentSpanId === run?.spanId).length).toBeGreaterThanOrEqual(2);
  });

  it("an MCP health check asked for by a request is a span of that request, with the status found", async () => {
    const id = await registerServer(t, stdioServer("healthy", "traced-healthy"));
    (await t.execute(SetMcpServerEnv, { id, values: [{ name: "API_KEY", value: "sk-traced-0000" }] }, { token: "write" })).expectNoErrors();
    const caller = callerTrace();
    const res = await t.execute(CheckMcpServerHealth, { id }, { token: "admin", headers: { traceparent: caller.traceparent } });
    expect(res.expectNoErrors().checkMcpServerHealth.__typename).toBe("CheckMcpServerHealthPayload");
    const [check] = await spansOf(caller.traceId, "mcp health check");
    const [field] = await spansOf(caller.traceId, "Mutation.checkMcpServerHealth");
    expect(check?.parentSpanId).toBe(field?.spanId);
    expect(check?.attributes["mcp.health.status"]).toBe("HEALTHY");
  });

  it("a subscription gets a span per delivered event, in the subscriber's trace", async () => {
    await t.app.startBackground();
    const res = await t.execute(
      "mutation SubEnqueue($input: EnqueueJobInput!) { enqueueJob(input: $input) { __typename ... on JobPayload { job { id } } } }",
      { input: { kind: "system.demo", input: { steps: 3, stepMs: 30 } } },
      { token: "admin" },
    );
    const gid = (res.expectNoErrors() as { enqueueJob: { job: { id: string } } }).enqueueJob.job.id;
    const caller = callerTrace();
    const response = await t.app.yoga.fetch("http://skillgraph.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${t.tokens.read}`, traceparent: caller.traceparent },
      body: JSON.stringify({ query: "subscription TracedWatch($id: ID!) { jobUpdated(id: $id) { status progress } }", variables: { id: gid } }),
    });
    const text = await response.text();
    const delivered = text.split("\n").filter((l) => l.startsWith("data:") && l.includes('"jobUpdated"')).length;
    expect(delivered).toBeGreaterThanOrEqual(2);
    const [subscription] = await spansOf(caller.traceId, "subscription.TracedWatch");
    const events = await spansOf(caller.traceId, "Subscription.jobUpdated");
    await waitFor("a span per event", async () => {
      await t.app.tracing?.flush();
      return receiver.spans.filter((s) => s.traceId === caller.traceId && s.name === "Subscription.jobUpdated").length >= delivered;
    });
    expect(events.every((e) => e.parentSpanId === subscription?.spanId)).toBe(true);
  });

  it("an outgoing feed request is a client span of the sync job, and sends the trace along", async () => {
    await t.app.startBackground();
    const feed = await startFeedServer([[feedEntry("traced-1")]]);
    try {
      const created = await t.execute(
        "mutation TracedBroker($input: CreateBrokerInput!) { createBroker(input: $input) { __typename } }",
        { input: { name: "traced-feed", kind: "HTTP_FEED", url: feed.url, rateLimit: 100, rateWindowSeconds: 1 } },
        { token: "admin" },
      );
      expect(created.expectNoErrors()).toEqual({ createBroker: { __typename: "CreateBrokerPayload" } });
      const caller = callerTrace();
      const res = await t.execute(
        "mutation TracedSync($name: String!) { syncBroker(name: $name) { __typename ... on SyncBrokerPayload { job { id } } } }",
        { name: "traced-feed" },
        { token: "admin", headers: { traceparent: caller.traceparent } },
      );
      const { decodeGlobalID } = await import("@pothos/plugin-relay");
      const jobId = decodeGlobalID((res.expectNoErrors() as { syncBroker: { job: { id: string } } }).syncBroker.job.id).id;
      await waitForStatus(t.app, jobId, "SUCCEEDED");
      const [run] = await spansOf(caller.traceId, "job run");
      const [get] = await spansOf(caller.traceId, "GET feed page");
      expect(get?.parentSpanId).toBe(run?.spanId);
      expect(get?.attributes["http.response.status_code"]).toBe(200);
      expect(feed.log[0]?.traceparent).toMatch(new RegExp(`^00-${caller.traceId}-${get?.spanId}-01$`));
    } finally {
      await feed.close();
    }
  });

  it("a root field resolves through one span however many requests came before it (W2 \"Unexpected error.\" regression)", async () => {
    // The root-field span wrapper used to be installed again on every resolve, nesting one more
    // span per request: request k ran Query.artifact through k spans, until the stack overflowed.
    await makeArtifact(t, "repeated-skill");
    const traces: string[] = [];
    for (let i = 0; i < 25; i++) {
      const caller = callerTrace();
      traces.push(caller.traceId);
      const res = await t.execute<{ artifact: { key: string } | null }, { key: string }>(
        "query Repeated($key: String!) { artifact(key: $key) { key tags { name } } }",
        { key: "skill:repeated-skill" },
        { token: "read", headers: { traceparent: caller.traceparent } },
      );
      expect(res.expectNoErrors().artifact?.key).toBe("skill:repeated-skill");
    }
    const last = traces.at(-1) ?? "";
    await spansOf(last, "query.Repeated");
    for (const traceId of [traces[0], last]) {
      const fields = receiver.spans.filter((s) => s.traceId === traceId && s.name === "Query.artifact");
      expect(fields).toHaveLength(1);
    }
  });

  it("without a traceparent each request starts a trace of its own", async () => {
    await t.execute("query Lonely { __typename }");
    await t.app.tracing?.flush();
    const [server] = await receiver.waitFor((s) => s.name === "query.Lonely");
    expect(server?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("access log", () => {
  const access = () => lines.filter((l) => l.component === "access");

  it("has one JSON line per HTTP request with its request id, trace id, operation, caller, status, duration and bytes", async () => {
    const caller = callerTrace();
    const res = await t.execute("query Logged { __typename }", undefined, { token: "read", headers: { traceparent: caller.traceparent, "x-request-id": "req-logged-1" } });
    expect(res.headers.get("x-request-id")).toBe("req-logged-1");
    const line = await waitFor("the access line", () => access().find((l) => l.requestId === "req-logged-1"));
    expect(line).toMatchObject({ level: "info", msg: "request", requestId: "req-logged-1", traceId: caller.traceId, method: "POST", route: "/graphql", status: 200, operationName: "Logged", operationType: "query", caller: "test-read", errors: 0 });
    expect(typeof line.durationMs).toBe("number");
    expect(typeof line.time).toBe("string");
    expect(line.bytesIn).toBeGreaterThan(0);
    // The token is never logged, only its name.
    expect(JSON.stringify(lines)).not.toContain(t.tokens.read);
    expect(access().filter((l) => l.requestId === "req-logged-1")).toHaveLength(1);
  });

  it("/healthz answers {status: ok} with a request id, and is logged", async () => {
    const res = await t.app.yoga.fetch("http://skillgraph.test/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", uptimeSeconds: expect.any(Number) });
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const line = await waitFor("the healthz line", () => access().find((l) => l.requestId === id));
    expect(line).toMatchObject({ route: "/healthz", status: 200, method: "GET" });
  });

  it("has one line per graphql-ws operation, with its caller, client address and the trace its payload continues", async () => {
    const url = await t.listen();
    const caller = callerTrace();
    const client = createClient({ url: `${url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${t.tokens.read}` }, lazy: true, retryAttempts: 0 });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        let value: unknown;
        client.subscribe({ query: "query OverWs { __typename }", extensions: { traceparent: caller.traceparent } }, { next: (v) => (value = v), error: reject, complete: () => resolve(value) });
      });
      expect(result).toEqual({ data: { __typename: "Query" } });
    } finally {
      await client.dispose();
    }
    const line = await waitFor("the ws line", () => access().find((l) => l.operationName === "OverWs"));
    expect(line).toMatchObject({ msg: "ws operation", transport: "ws", status: "ok", operationType: "query", caller: "test-read", client: "127.0.0.1", errors: 0, events: 1, traceId: caller.traceId });
    const [operation] = await spansOf(caller.traceId, "query.OverWs");
    expect(operation?.parentSpanId).toBe(caller.spanId);
    expect(line.requestId).toEqual(expect.any(String));
  });
});
