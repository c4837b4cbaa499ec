// The OpenTelemetry SDK, loaded only when an exporter is configured (OTEL_EXPORTER_OTLP_ENDPOINT,
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_TRACES_EXPORTER): a server without them never imports
// it. Spans go out in batches over OTLP/HTTP (the exporter reads the other standard OTEL_* variables
// itself: headers, timeout, compression); W3C trace context is the propagator, so an incoming
// `traceparent` continues its trace. Registered once per process.
import type { TelemetryConfig } from "../telemetry-config.js";
import type { Logger } from "./logger.js";
import { setTracingOn } from "./telemetry.js";

export interface TracingHandle {
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
    const exporter = config.tracesExporter === "console" ? new ConsoleSpanExporter() : new OTLPTraceExporter();
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ "service.name": config.serviceName }),
      spanProcessors: [new BatchSpanProcessor(exporter)],
    });
    // Sets the global tracer provider, the AsyncLocalStorage context manager and the W3C propagators.
    provider.register();
    setTracingOn(true);
    logger.info("tracing on", { exporter: config.tracesExporter, service: config.serviceName });
    return {
      flush: () => provider.forceFlush(),
      shutdown: async () => {
        await provider.shutdown();
        setTracingOn(false);
        started = null;
      },
    };
  })());
}
