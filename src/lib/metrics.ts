// Prometheus metrics: one registry per process, built only when /metrics is configured
// (SKILLGRAPH_METRICS_TOKEN or SKILLGRAPH_METRICS_PORT); until then every record call is one
// null check. Names and labels follow Prometheus conventions, and a label value is always from a
// bounded set (a route, a status, a kind, an operation name the schema knows), never raw input or an id.
import type * as PromClient from "prom-client";

type Labels<T extends string> = Partial<Record<T, string | number>>;

export interface Metrics {
  registry: PromClient.Registry;
  httpRequests: PromClient.Counter<"method" | "route" | "status">;
  httpDuration: PromClient.Histogram<"method" | "route" | "status">;
  graphqlOperations: PromClient.Counter<"operation_name" | "operation_type">;
  graphqlDuration: PromClient.Histogram<"operation_name" | "operation_type">;
  graphqlErrors: PromClient.Counter<"operation_name" | "operation_type">;
  subscriptionsActive: PromClient.Gauge<"transport">;
  subscriptionEvents: PromClient.Counter<"transport">;
  jobRuns: PromClient.Counter<"kind" | "outcome">;
  jobDuration: PromClient.Histogram<"kind" | "outcome">;
  dbStatements: PromClient.Histogram<"provider" | "statement">;
  rateLimited: PromClient.Counter<"caller">;
  /** Response cache lookups (src/graphql/plugins/response-cache.ts): result hit or miss. */
  responseCache: PromClient.Counter<"result">;
  /** Finished spans the batch span processor dropped because its queue (OTEL_BSP_MAX_QUEUE_SIZE) was full. */
  droppedSpans: PromClient.Counter;
  /** Gauges read at scrape time (queue depth, MCP health, pool use), registered by the app. */
  addCollector(name: string, collect: () => Promise<void> | void): () => void;
  jobQueue: PromClient.Gauge<"kind" | "status">;
  mcpServers: PromClient.Gauge<"status">;
  dbPool: PromClient.Gauge<"provider" | "state">;
  up: PromClient.Gauge<"check">;
}

let current: Metrics | null = null;
let loading: Promise<Metrics> | null = null;

/** The process's metrics, or null while metrics are off. */
export function metrics(): Metrics | null {
  return current;
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Builds the registry (once per process): Node's process metrics and the server's families. */
export function enableMetrics(): Promise<Metrics> {
  return (loading ??= (async () => {
    const client = await import("prom-client");
    const registry = new client.Registry();
    client.collectDefaultMetrics({ register: registry });
    const collectors = new Map<string, () => Promise<void> | void>();
    const registers = [registry];
    // The gauges read at scrape time are refilled by the collectors the app adds. prom-client reads
    // every metric of a scrape at once, so each of them awaits the same one run of the collectors.
    let running: Promise<void> | null = null;
    const collect = () =>
      (running ??= (async () => {
        try {
          for (const c of collectors.values()) await c();
        } finally {
          running = null;
        }
      })());
    const up = new client.Gauge({ name: "skillgraph_ready", help: "1 when the readiness check passes, else 0", labelNames: ["check"] as const, registers, collect });
    const jobQueue = new client.Gauge({ name: "skillgraph_job_queue_jobs", help: "Open jobs by kind and status", labelNames: ["kind", "status"] as const, registers, collect });
    const mcpServers = new client.Gauge({ name: "skillgraph_mcp_servers", help: "MCP servers by their shown health status", labelNames: ["status"] as const, registers, collect });
    const dbPool = new client.Gauge({ name: "skillgraph_db_pool_connections", help: "Connections of the read pool by state (PostgreSQL)", labelNames: ["provider", "state"] as const, registers, collect });
    current = {
      registry,
      httpRequests: new client.Counter({ name: "skillgraph_http_requests_total", help: "HTTP requests by route and status", labelNames: ["method", "route", "status"] as const, registers }),
      httpDuration: new client.Histogram({ name: "skillgraph_http_request_duration_seconds", help: "HTTP request latency", labelNames: ["method", "route", "status"] as const, buckets: SECONDS, registers }),
      graphqlOperations: new client.Counter({ name: "skillgraph_graphql_operations_total", help: "GraphQL operations executed, by name and type", labelNames: ["operation_name", "operation_type"] as const, registers }),
      graphqlDuration: new client.Histogram({ name: "skillgraph_graphql_operation_duration_seconds", help: "GraphQL execution time by name and type", labelNames: ["operation_name", "operation_type"] as const, buckets: SECONDS, registers }),
      graphqlErrors: new client.Counter({ name: "skillgraph_graphql_errors_total", help: "GraphQL operations that returned errors", labelNames: ["operation_name", "operation_type"] as const, registers }),
      subscriptionsActive: new client.Gauge({ name: "skillgraph_subscriptions_active", help: "Subscriptions open now, by transport", labelNames: ["transport"] as const, registers }),
      subscriptionEvents: new client.Counter({ name: "skillgraph_subscription_events_total", help: "Subscription events delivered, by transport", labelNames: ["transport"] as const, registers }),
      jobRuns: new client.Counter({ name: "skillgraph_job_runs_total", help: "Job runs by kind and outcome", labelNames: ["kind", "outcome"] as const, registers }),
      jobDuration: new client.Histogram({ name: "skillgraph_job_run_duration_seconds", help: "Job run time by kind and outcome", labelNames: ["kind", "outcome"] as const, buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800], registers }),
      dbStatements: new client.Histogram({ name: "skillgraph_db_statement_duration_seconds", help: "Database statement time, by provider and statement kind", labelNames: ["provider", "statement"] as const, buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5], registers }),
      rateLimited: new client.Counter({ name: "skillgraph_rate_limited_total", help: "Operations refused by the rate limiter, by caller kind", labelNames: ["caller"] as const, registers }),
      responseCache: new client.Counter({ name: "skillgraph_response_cache_lookups_total", help: "Response cache lookups, by result (hit or miss)", labelNames: ["result"] as const, registers }),
      droppedSpans: new client.Counter({ name: "skillgraph_tracing_dropped_spans_total", help: "Finished spans dropped before export because the batch span processor's queue was full (OTEL_BSP_MAX_QUEUE_SIZE)", registers }),
      jobQueue,
      mcpServers,
      dbPool,
      up,
      addCollector(name, collect) {
        collectors.set(name, collect);
        return () => collectors.delete(name);
      },
    };
    return current;
  })());
}

/** The first SQL keyword (SELECT, INSERT …): a bounded label for a statement. */
export function statementKind(text: string): string {
  const m = /^\s*(?:WITH\b[\s\S]*?\)\s*)?([A-Za-z]+)/.exec(text);
  const word = (m?.[1] ?? "other").toUpperCase();
  return ["SELECT", "INSERT", "UPDATE", "DELETE", "BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "LISTEN", "NOTIFY", "SAVEPOINT", "RELEASE"].includes(word) ? word : "OTHER";
}

export type { Labels };
