// The observability settings as an operator writes them: tracing only when an exporter is
// configured (or explicitly turned off), metrics only with a token or a port, and bad values
// stopping start-up with a message naming the variable and the rule.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const telemetry = (env: Record<string, string>) => loadConfig({ DATABASE_URL: "file:./x.db", ...env }).telemetry;

describe("observability settings", () => {
  it("tracing and metrics are off by default; the access log is on", () => {
    expect(telemetry({})).toEqual({ tracesExporter: null, serviceName: "skillgraph", batch: { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 }, metrics: { enabled: false, token: null, port: null, host: null }, accessLog: true });
  });

  it("an OTLP endpoint turns tracing on; OTEL_TRACES_EXPORTER=none and OTEL_SDK_DISABLED turn it off", () => {
    expect(telemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).tracesExporter).toBe("otlp");
    expect(telemetry({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" }).tracesExporter).toBe("otlp");
    expect(telemetry({ OTEL_TRACES_EXPORTER: "console" }).tracesExporter).toBe("console");
    expect(telemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_EXPORTER: "none" }).tracesExporter).toBeNull();
    expect(telemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" }).tracesExporter).toBeNull();
    expect(telemetry({ OTEL_SERVICE_NAME: "sg-eu" }).serviceName).toBe("sg-eu");
  });

  it("metrics are on with a token or a port", () => {
    expect(telemetry({ SKILLGRAPH_METRICS_TOKEN: "0123456789abcdef" }).metrics).toEqual({ enabled: true, token: "0123456789abcdef", port: null, host: null });
    expect(telemetry({ SKILLGRAPH_METRICS_PORT: "9464", SKILLGRAPH_METRICS_HOST: "0.0.0.0" }).metrics).toEqual({ enabled: true, token: null, port: 9464, host: "0.0.0.0" });
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: "zipkin" }, /OTEL_TRACES_EXPORTER: must be otlp, console or none/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, /OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/],
    [{ SKILLGRAPH_METRICS_TOKEN: "short" }, /SKILLGRAPH_METRICS_TOKEN: must be at least 16 characters/],
    [{ SKILLGRAPH_METRICS_PORT: "70000" }, /SKILLGRAPH_METRICS_PORT/],
    [{ SKILLGRAPH_ACCESS_LOG: "maybe" }, /SKILLGRAPH_ACCESS_LOG: must be true or false/],
  ])("refuses %o", (env, message) => {
    expect(() => telemetry(env)).toThrow(ConfigError);
    expect(() => telemetry(env)).toThrow(message);
  });
});
