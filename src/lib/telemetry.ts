// Tracing as the code sees it: spans around work, the trace of the current request, a job's trace
// carried across processes (W3C traceparent). Only @opentelemetry/api is imported here; the SDK
// (exporter, processors) is loaded by src/telemetry/tracing.ts when an exporter is configured.
// While tracing is off every helper is a flag check and a direct call, so it costs nothing
// measurable (bench: instrumentation).
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from "@opentelemetry/api";

let on = false;

/** True once the tracing SDK is registered (src/telemetry/tracing.ts). */
export function tracingOn(): boolean {
  return on;
}

/** Called by the SDK loader; nothing else switches tracing on. */
export function setTracingOn(value: boolean): void {
  on = value;
}

export const tracer = () => trace.getTracer("skillgraph");

function fail(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/**
 * Runs fn in a child span of the current one (ended when fn settles, marked as an error when it
 * throws). With tracing off, fn runs as it is and gets no span.
 */
export function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span | undefined) => Promise<T>, options: { kind?: SpanKind; parent?: Context } = {}): Promise<T> {
  if (!on) return fn(undefined);
  return tracer().startActiveSpan(name, { attributes, kind: options.kind ?? SpanKind.INTERNAL }, options.parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      fail(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Adds attributes to the current span (counts found by the work it covers); nothing when tracing is off. */
export function annotate(attributes: Attributes): void {
  if (!on) return;
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** A child span of the current one for work that already happened (a statement the driver timed): ends now, began durationMs ago. */
export function pastSpan(name: string, attributes: Attributes, durationMs: number, kind: SpanKind = SpanKind.CLIENT): void {
  if (!on) return;
  // Only inside a trace: background polling (a worker's claims, a stream's re-reads) would
  // otherwise start a one-span trace per statement.
  if (!trace.getActiveSpan()) return;
  const end = Date.now();
  tracer().startSpan(name, { attributes, kind, startTime: end - durationMs }).end(end);
}

/** The current trace's W3C traceparent (to store with a job), or null without a sampled trace. */
export function currentTraceparent(): string | null {
  if (!on) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** Adds the current trace's traceparent (and tracestate) to an outgoing request's headers. */
export function injectTraceHeaders(headers: Record<string, string>): void {
  if (!on) return;
  propagation.inject(context.active(), headers);
}

/** The OpenTelemetry context a W3C traceparent (and tracestate) names; the active one when absent. */
export function contextOf(headers: { traceparent?: string | null; tracestate?: string | null }): Context {
  const carrier: Record<string, string> = {};
  if (headers.traceparent) carrier.traceparent = headers.traceparent;
  if (headers.tracestate) carrier.tracestate = headers.tracestate;
  return propagation.extract(context.active(), carrier);
}

/** Runs fn with `traceparent` as its parent context (a job continuing its request's trace). */
export function withTraceparent<T>(traceparent: string | null | undefined, fn: () => T): T {
  if (!on || !traceparent) return fn();
  return context.with(contextOf({ traceparent }), fn);
}

/** The current trace id (for log lines), or undefined. */
export function currentTraceId(): string | undefined {
  if (!on) return undefined;
  const span = trace.getActiveSpan();
  return span?.spanContext().traceId;
}

/** Where the GraphQL tracing plugin leaves an operation's trace id on its context (for the graphql-ws access line). */
export const TRACE_ID = Symbol("traceId");

/** The trace id an operation's context carries, if it was traced. */
export function traceIdOf(contextValue: unknown): string | undefined {
  if (typeof contextValue !== "object" || contextValue === null) return undefined;
  const id = (contextValue as { [TRACE_ID]?: unknown })[TRACE_ID];
  return typeof id === "string" ? id : undefined;
}

export { SpanKind, type Span };
