// Observability settings (tracing, metrics, access log), validated with the rest of the config
// (src/config.ts). Tracing follows OpenTelemetry's standard variables: it is on only when an
// exporter is configured, so a server without them never loads the SDK. Every variable is in the
// README's configuration table.
import { z } from "zod";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");
const url = z.string().refine((v) => /^https?:\/\/[^\s]+$/.test(v), "must be an http:// or https:// URL");

export const telemetryEnvSchema = {
  OTEL_SDK_DISABLED: bool.optional(),
  OTEL_TRACES_EXPORTER: z.enum(["otlp", "console", "none"], { message: "must be otlp, console or none" }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(200).default("skillgraph"),
  // The batch span processor's standard settings (the SDK's defaults when unset).
  OTEL_BSP_MAX_QUEUE_SIZE: int(1, 1_000_000).default(2048),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: int(1, 1_000_000).default(512),
  OTEL_BSP_SCHEDULE_DELAY: int(0, 3_600_000).default(5000),
  OTEL_BSP_EXPORT_TIMEOUT: int(1, 3_600_000).default(30_000),
  SKILLGRAPH_METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").max(500).optional(),
  SKILLGRAPH_METRICS_PORT: int(0, 65535).optional(),
  SKILLGRAPH_METRICS_HOST: z.string().min(1).optional(),
  SKILLGRAPH_ACCESS_LOG: bool.default(true),
};

type TelemetryEnv = z.output<z.ZodObject<typeof telemetryEnvSchema>>;

export interface TelemetryConfig {
  /** Export spans: "otlp" (OTLP over HTTP to OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT), "console", or null (tracing off). */
  tracesExporter: "otlp" | "console" | null;
  serviceName: string;
  /** The batch span processor (OTEL_BSP_*): spans queued at most (more are dropped and counted), spans per export, ms between exports, ms an export may take. */
  batch: { maxQueueSize: number; maxExportBatchSize: number; scheduledDelayMillis: number; exportTimeoutMillis: number };
  /** /metrics is served (and metrics are recorded) only when a token or a port is set. */
  metrics: {
    enabled: boolean;
    /** Bearer token /metrics asks for on the API's port; null when it is served on its own port only. */
    token: string | null;
    /** Its own listener (no token asked); null: on the API's port behind the token. */
    port: number | null;
    host: string | null;
  };
  /** One JSON line per HTTP request and graphql-ws operation (at level info). */
  accessLog: boolean;
}

export function telemetryConfig(e: TelemetryEnv): TelemetryConfig {
  const endpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  const exporter = e.OTEL_TRACES_EXPORTER ?? (endpoint ? "otlp" : "none");
  return {
    tracesExporter: e.OTEL_SDK_DISABLED === true || exporter === "none" ? null : exporter,
    serviceName: e.OTEL_SERVICE_NAME,
    batch: {
      maxQueueSize: e.OTEL_BSP_MAX_QUEUE_SIZE,
      // The SDK caps a batch at the queue size; so does this.
      maxExportBatchSize: Math.min(e.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, e.OTEL_BSP_MAX_QUEUE_SIZE),
      scheduledDelayMillis: e.OTEL_BSP_SCHEDULE_DELAY,
      exportTimeoutMillis: e.OTEL_BSP_EXPORT_TIMEOUT,
    },
    metrics: {
      enabled: e.SKILLGRAPH_METRICS_TOKEN !== undefined || e.SKILLGRAPH_METRICS_PORT !== undefined,
      token: e.SKILLGRAPH_METRICS_TOKEN ?? null,
      port: e.SKILLGRAPH_METRICS_PORT ?? null,
      host: e.SKILLGRAPH_METRICS_HOST ?? null,
    },
    accessLog: e.SKILLGRAPH_ACCESS_LOG,
  };
}
