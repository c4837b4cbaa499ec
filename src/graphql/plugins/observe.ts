// What an operator sees of each request: a server span continuing the caller's W3C trace
// (`traceparent`), the HTTP and GraphQL metrics, and one JSON access-log line. graphql-ws
// operations run through the same envelop hooks (onExecute/onSubscribe) and get their access line
// from ws.ts. Operation names become metric labels only while fewer than MAX_OPERATION_NAMES have
// been seen (a client names its operations freely); later ones count as "other".
import type { IncomingMessage } from "node:http";
import { context, SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { getOperationAST, type ExecutionArgs } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../../lib/logger.js";
import { metrics } from "../../lib/metrics.js";
import { contextOf, tracer, tracingOn } from "../../lib/telemetry.js";
import type { Context } from "../context.js";
import { clientAddress } from "./rate-limit.js";
import { requestIdOf } from "./request-scope.js";

const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
const seenNames = new Set<string>();

/** An operation name as a metric label: bounded in number and shape. */
export function operationLabel(name: string | undefined): string {
  if (!name) return "anonymous";
  if (!OPERATION_NAME.test(name)) return "other";
  if (seenNames.has(name)) return name;
  if (seenNames.size >= MAX_OPERATION_NAMES) return "other";
  seenNames.add(name);
  return name;
}

/** The paths the server answers; anything else is "other" (a URL is input). */
export function routeOf(pathname: string, graphqlEndpoint: string): string {
  if (pathname === graphqlEndpoint) return graphqlEndpoint;
  if (pathname === "/healthz" || pathname === "/readyz" || pathname === "/metrics") return pathname;
  // The token is a secret and unbounded: one label for every share link.
  if (pathname.startsWith("/share/")) return "/share/:token";
  return "other";
}

export interface OperationInfo {
  operationName: string | undefined;
  operationType: string | undefined;
  caller: string | undefined;
  errors: number;
}

interface RequestRecord {
  start: number;
  /** routeOf the request's path (set in onRequest, from the URL yoga already parsed). */
  route?: string;
  span?: Span;
  operation?: OperationInfo;
}

const records = new WeakMap<Request, RequestRecord>();

type Ctx = Partial<Context> & { request?: Request; connectionParams?: unknown };

/** What an execution is (name, type, who asks), for the access log and metric labels. */
export function operationInfo(args: Pick<ExecutionArgs, "document" | "operationName" | "contextValue">): OperationInfo {
  const op = getOperationAST(args.document, args.operationName);
  const ctx = args.contextValue as Ctx | undefined;
  return { operationName: op?.name?.value ?? args.operationName ?? undefined, operationType: op?.operation, caller: ctx?.principal?.name, errors: 0 };
}

function transportOf(ctx: Ctx | undefined): string {
  return ctx && "connectionParams" in ctx ? "ws" : "sse";
}

export interface ObserveOptions {
  logger: Logger;
  accessLog: boolean;
  trustProxy: boolean;
  graphqlEndpoint: string;
  /** Tracing was started (an exporter is configured): requests get server spans. */
  tracing: boolean;
  /** Prometheus metrics are on. */
  metrics: boolean;
}

/** Per-execution GraphQL metrics and operation facts, shared with graphql-ws (ws.ts). */
function onOperation(args: ExecutionArgs, subscription: boolean) {
  const info = operationInfo(args);
  const ctx = args.contextValue as Ctx | undefined;
  const record = ctx?.request ? records.get(ctx.request) : undefined;
  if (record) record.operation = info;
  const m = metrics();
  const labels = { operation_name: operationLabel(info.operationName), operation_type: info.operationType ?? "unknown" };
  const started = performance.now();
  m?.graphqlOperations.inc(labels);
  const countErrors = (result: { errors?: readonly unknown[] }) => {
    if (!result.errors?.length) return;
    info.errors += result.errors.length;
    m?.graphqlErrors.inc(labels);
  };
  return { info, labels, started, countErrors, transport: subscription ? transportOf(ctx) : undefined };
}

export function useObservability(options: ObserveOptions): Plugin<Context> {
  const { logger } = options;
  const access = logger.child({ component: "access" });
  // Only the hooks something reads are registered: each hook is work envelop does on every request
  // (and, for onSubscribe's onNext, on every event delivered to every subscriber). With tracing,
  // metrics and the access log all off, the plugin is empty.
  // The server span starts in the request wrapper and ends in onResponse.
  const perRequest = options.tracing || options.metrics || options.accessLog;
  const tracingHooks: Plugin<Context> = {
    instrumentation: {
      request({ request }, wrapped) {
        if (!tracingOn()) return wrapped();
        const url = new URL(request.url);
        const route = routeOf(url.pathname, options.graphqlEndpoint);
        const parent = contextOf({ traceparent: request.headers.get("traceparent"), tracestate: request.headers.get("tracestate") });
        const span = tracer().startSpan(`${request.method} ${route}`, { kind: SpanKind.SERVER, attributes: { "http.request.method": request.method, "http.route": route, "url.path": route } }, parent);
        const record = records.get(request) ?? { start: performance.now() };
        record.span = span;
        record.route = route;
        records.set(request, record);
        return context.with(trace.setSpan(parent, span), wrapped);
      },
    },
  };
  const requestHooks: Plugin<Context> = {
    onRequest({ request, url }) {
      const record = records.get(request);
      if (record) record.route ??= routeOf(url.pathname, options.graphqlEndpoint);
      else records.set(request, { start: performance.now(), route: routeOf(url.pathname, options.graphqlEndpoint) });
    },
    onExecute({ args }) {
      const op = onOperation(args, false);
      return {
        onExecuteDone({ result }) {
          if ("errors" in result) op.countErrors(result);
          metrics()?.graphqlDuration.observe(op.labels, (performance.now() - op.started) / 1000);
        },
      };
    },
    onSubscribe({ args }) {
      const op = onOperation(args, true);
      const transport = op.transport ?? "sse";
      if (!options.metrics) return;
      return {
        onSubscribeResult() {
          const m = metrics();
          m?.subscriptionsActive.inc({ transport });
          return {
            onNext({ result }) {
              op.countErrors(result);
              m?.subscriptionEvents.inc({ transport });
            },
            onEnd() {
              m?.subscriptionsActive.dec({ transport });
              m?.graphqlDuration.observe(op.labels, (performance.now() - op.started) / 1000);
            },
          };
        },
      };
    },
    onResponse({ request, response, serverContext }) {
      const record = records.get(request);
      if (!record) return;
      records.delete(request);
      const durationMs = performance.now() - record.start;
      const route = record.route ?? routeOf(new URL(request.url).pathname, options.graphqlEndpoint);
      const status = response.status;
      const m = metrics();
      if (m) {
        const labels = { method: request.method, route, status: String(status) };
        m.httpRequests.inc(labels);
        m.httpDuration.observe(labels, durationMs / 1000);
      }
      const traceId = record.span?.spanContext().traceId;
      if (record.span) {
        record.span.setAttribute("http.response.status_code", status);
        if (status >= 500) record.span.setStatus({ code: SpanStatusCode.ERROR });
        record.span.end();
      }
      if (!options.accessLog) return;
      const op = record.operation;
      const req = (serverContext as { req?: IncomingMessage } | undefined)?.req;
      const bytesOut = response.headers.get("content-length");
      const bytesIn = request.headers.get("content-length");
      access.info("request", {
        requestId: requestIdOf(request),
        ...(traceId ? { traceId } : {}),
        method: request.method,
        route,
        status,
        durationMs: Math.round(durationMs * 1000) / 1000,
        ...(op ? { operationName: op.operationName ?? null, operationType: op.operationType ?? null, errors: op.errors } : {}),
        caller: op?.caller ?? null,
        client: clientAddress({ request, req }, options.trustProxy),
        bytesIn: bytesIn ? Number(bytesIn) : 0,
        bytesOut: bytesOut ? Number(bytesOut) : null,
      });
    },
  };
  return {
    ...(options.tracing ? tracingHooks : {}),
    ...(perRequest ? requestHooks : {}),
  };
}
