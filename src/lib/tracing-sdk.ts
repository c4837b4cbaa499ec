// The OpenTelemetry SDK, loaded only when an exporter is configured (OTEL_EXPORTER_OTLP_ENDPOINT,
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_TRACES_EXPORTER): a server without them never imports
// it. Spans go out in batches over OTLP/HTTP (the exporter reads the other standard OTEL_* variables
// itself: headers, timeout, compression); W3C trace context is the propagator, so an incoming
// `traceparent` continues its trace. Registered once per process. The batch span processor takes
// its queue and batch sizes from the standard OTEL_BSP_* variables (telemetry-config.ts); a span
// that finds the queue full is dropped, as the SDK does, and counted
// (skillgraph_tracing_dropped_spans_total) so an operator sees the loss and raises the queue.
import { TraceFlags } from "@opentelemetry/api";
import type { ReadableSpan, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-node";
import type { TelemetryConfig } from "../telemetry-config.js";
import type { Logger } from "./logger.js";
import { metrics } from "./metrics.js";
import { setTracingOn } from "./telemetry.js";

export interface TracingHandle {
  /** Spans dropped because the batch span processor's queue was full, since tracing started. */
  droppedSpans(): number;
  /** Exports what is buffered now (tests, and before a process exits). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let started: Promise<TracingHandle | null> | null = null;

export function startTracing(config: TelemetryConfig, logger: Logger): Promise<TracingHandle | null> {
  if (config.tracesExporter === null) return Promise.resolve(null);
  return (started ??= (async () => {
    const [{ NodeTracerProvider, BatchSpanProcessor, ConsoleSpanExporter }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
      import("@opentelemetry/sdk-trace-node"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/resources"),
    ]);
    const exporter: SpanExporter = config.tracesExporter === "console" ? new ConsoleSpanExporter() : new OTLPTraceExporter();
    const { maxQueueSize } = config.batch;
    // The batch processor's queue, mirrored through its documented interfaces: a span enters when
    // it ends and leaves when it is handed to the exporter. A span that would find the queue full is
    // dropped here (where the SDK would drop it, logging only at debug level) and counted.
    let queued = 0;
    let dropped = 0;
    const counted: SpanExporter = {
      export(spans, done) {
        queued = Math.max(0, queued - spans.length);
        exporter.export(spans, done);
      },
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
    };
    const batch = new BatchSpanProcessor(counted, config.batch);
    const bounded: SpanProcessor = {
      onStart: (span, parent) => batch.onStart(span, parent),
      onEnd(span: ReadableSpan) {
        // Unsampled spans never enter the queue.
        if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return batch.onEnd(span);
        if (queued >= maxQueueSize) {
          dropped++;
          metrics()?.droppedSpans.inc();
          return;
        }
        queued++;
        batch.onEnd(span);
      },
      forceFlush: () => batch.forceFlush(),
      shutdown: () => batch.shutdown(),
    };
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ "service.name": config.serviceName }),
      spanProcessors: [bounded],
    });
    // Sets the global tracer provider, the AsyncLocalStorage context manager and the W3C propagators.
    provider.register();
    setTracingOn(true);
    logger.info("tracing on", { exporter: config.tracesExporter, service: config.serviceName });
    return {
      droppedSpans: () => dropped,
      flush: () => provider.forceFlush(),
      shutdown: async () => {
        await provider.shutdown();
        setTracingOn(false);
        started = null;
      },
    };
  })());
}
