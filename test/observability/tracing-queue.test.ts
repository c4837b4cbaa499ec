// The batch span processor's queue as an operator tunes it: OTEL_BSP_MAX_QUEUE_SIZE and the other
// standard OTEL_BSP_* variables are honoured, and spans dropped on a full queue are counted in
// skillgraph_tracing_dropped_spans_total. The collector here accepts connections and never answers.
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { scrape, valueOf } from "./scrape.js";

const TOKEN = "tracing-queue-metrics-token-0123";
let silent: Server;
const sockets: Socket[] = [];
let t: TestApp;

beforeAll(async () => {
  silent = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  // Read by the OTLP exporter itself: give up on the silent collector quickly at shutdown.
  process.env.OTEL_EXPORTER_OTLP_TIMEOUT = "500";
  t = await createTestApp({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_MAX_QUEUE_SIZE: "4",
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "2",
      OTEL_BSP_SCHEDULE_DELAY: "60000",
      OTEL_BSP_EXPORT_TIMEOUT: "1000",
      SKILLGRAPH_METRICS_TOKEN: TOKEN,
    },
  });
});

afterAll(async () => {
  await t?.close();
  await t?.app.tracing?.shutdown().catch(() => {});
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
  delete process.env.OTEL_EXPORTER_OTLP_TIMEOUT;
});

describe("batch span processor queue", () => {
  it("reads the OTEL_BSP_* variables (the SDK's defaults when unset; a batch never exceeds the queue)", () => {
    const batch = (env: Record<string, string>) => loadConfig({ DATABASE_URL: "file:./x.db", ...env }).telemetry.batch;
    expect(batch({})).toEqual({ maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 });
    expect(batch({ OTEL_BSP_MAX_QUEUE_SIZE: "20000", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "1000", OTEL_BSP_SCHEDULE_DELAY: "200", OTEL_BSP_EXPORT_TIMEOUT: "5000" })).toEqual({
      maxQueueSize: 20000,
      maxExportBatchSize: 1000,
      scheduledDelayMillis: 200,
      exportTimeoutMillis: 5000,
    });
    expect(batch({ OTEL_BSP_MAX_QUEUE_SIZE: "100", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "512" }).maxExportBatchSize).toBe(100);
    expect(() => batch({ OTEL_BSP_MAX_QUEUE_SIZE: "0" })).toThrow(/OTEL_BSP_MAX_QUEUE_SIZE/);
    expect(() => batch({ OTEL_BSP_SCHEDULE_DELAY: "soon" })).toThrow(/OTEL_BSP_SCHEDULE_DELAY/);
  });

  it("drops spans beyond the queue and counts every one in /metrics", async () => {
    const tracing = t.app.tracing;
    expect(tracing).not.toBeNull();
    (await t.execute("query Queued { artifacts(first: 2) { edges { node { key } } } }", undefined, { token: "read" })).expectNoErrors();
    // 50 spans ending at once (as a burst of statements on SQLite does): the processor exports in
    // the background, so at most the queue's 4 wait for it and the rest are dropped and counted.
    const before = tracing?.droppedSpans() ?? 0;
    const tracer = trace.getTracer("tracing-queue-test");
    for (let i = 0; i < 50; i++) tracer.startSpan(`burst ${i}`).end();
    const dropped = tracing?.droppedSpans() ?? 0;
    expect(dropped - before).toBeGreaterThanOrEqual(46);
    // The scrape is a request too, whose spans are dropped as well: the count it shows lies between.
    const metrics = await scrape(t.app, TOKEN);
    const shown = valueOf(metrics, "skillgraph_tracing_dropped_spans_total");
    expect(shown).toBeGreaterThanOrEqual(dropped);
    expect(shown).toBeLessThanOrEqual(tracing?.droppedSpans() ?? 0);
  });
});
