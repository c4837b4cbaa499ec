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
    metrics: {
      enabled: e.SKILLGRAPH_METRICS_TOKEN !== undefined || e.SKILLGRAPH_METRICS_PORT !== undefined,
      token: e.SKILLGRAPH_METRICS_TOKEN ?? null,
      port: e.SKILLGRAPH_METRICS_PORT ?? null,
      host: e.SKILLGRAPH_METRICS_HOST ?? null,
    },
    accessLog: e.SKILLGRAPH_ACCESS_LOG,
  };
}
