// createApp(config) → one HTTP server on one port: GraphQL (POST/GET), SSE and graphql-ws
// subscriptions, GraphiQL (assets served locally), /healthz and /readyz, /metrics (when configured);
// over one database, one event bus and the services built once for the process. Tracing and metrics
// are loaded only when configured (src/telemetry-config.ts).
import { createServer, type Server } from "node:http";
import { trace } from "@opentelemetry/api";
import type { Socket } from "node:net";
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import { useGraphQlJit } from "@envelop/graphql-jit";
import { graphiqlTabs } from "./graphql/graphiql-examples.js";
import type { Config } from "./config.js";
import { openDatabase, type Database } from "./db/index.js";
import { migrate } from "./db/migrator.js";
import type { Context } from "./graphql/context.js";
import { authorizationOf, bearerToken, connectionAuthorization, unauthenticated } from "./graphql/credentials.js";
import { withCompression } from "./graphql/compression.js";
import { maskError } from "./graphql/errors-mask.js";
import { createHardening } from "./graphql/plugins/hardening.js";
import { corsOption } from "./graphql/plugins/origin-guard.js";
import { useETag } from "./graphql/plugins/etag.js";
import { useHealthEndpoints, useOnlyGraphqlEndpoint } from "./graphql/plugins/health.js";
import { useRequestBodyLimit } from "./graphql/plugins/body-limit.js";
import { jitEligible, useDeferStream } from "./graphql/plugins/incremental.js";
import { createPersistedOperations } from "./graphql/plugins/persisted-operations.js";
import { createResponseCache, type ResponseCache } from "./graphql/plugins/response-cache.js";
import { metricsResponse, useMetricsEndpoint } from "./graphql/plugins/metrics-endpoint.js";
import { useObservability } from "./graphql/plugins/observe.js";
import { useQueryLimits } from "./graphql/plugins/limits.js";
import { requestIdOf, useExecutionScope, useRequestScope } from "./graphql/plugins/request-scope.js";
import { useSharedSubscriptionResults } from "./graphql/plugins/shared-subscription-results.js";
import { attachGraphqlWs } from "./graphql/ws.js";
import { yogaLogger } from "./graphql/yoga-logger.js";
import { createEventBus, type EventBusHandle } from "./lib/event-bus.js";
import type { BackgroundTask } from "./lib/lifecycle.js";
import { createLogger, type Logger } from "./lib/logger.js";
import { enableMetrics, type Metrics } from "./lib/metrics.js";
import { startTracing, type TracingHandle } from "./lib/tracing-sdk.js";
import { anonymousPrincipal, type Principal } from "./lib/principal.js";
import type { Services } from "./lib/services.js";
import { SHARE_PATH } from "./modules/sharing/index.js";
import { useShareLinks } from "./graphql/plugins/share-links.js";
import { useMarketplaceBundles } from "./graphql/plugins/marketplace-bundles.js";
import { BUNDLE_ROUTE } from "./modules/marketplace/index.js";
import { getSchema } from "./schema.js";
import { createServices } from "./services.js";

export interface App {
  config: Config;
  yoga: YogaServerInstance<Record<string, unknown>, Context>;
  httpServer: Server;
  database: Database;
  services: Services;
  events: EventBusHandle;
  logger: Logger;
  /** The per-caller query cache (SKILLGRAPH_RESPONSE_CACHE_TTL_MS); stats() counts hits and misses for metrics. */
  responseCache: ResponseCache;
  /** The process's tracing SDK when an exporter is configured (OTEL_*), else null. */
  tracing: TracingHandle | null;
  /** Prometheus metrics when /metrics is configured, else null. */
  metrics: Metrics | null;
  /** The metrics listener's URL once started (SKILLGRAPH_METRICS_PORT), else null. */
  metricsUrl: string | null;
  /** Workers and schedulers; started by start() unless `startBackground: false`. */
  background: BackgroundTask[];
  /** Starts the background tasks without the HTTP server (the `worker` command); start() calls it too. */
  startBackground(): Promise<void>;
  /** Listens on config.port (0 = any free port); resolves with the base URL. */
  start(): Promise<string>;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes sockets and the database. */
  stop(): Promise<void>;
}

export interface CreateAppOptions {
  logger?: Logger;
  /** Start background tasks (job workers, health sweeps) with the server. Default true. */
  startBackground?: boolean;
  /**
   * Default true. false builds the app without its observability hooks (the server span, access
   * log and HTTP/GraphQL metrics plugin, the /metrics endpoint, statement metrics and spans): the
   * uninstrumented baseline bench/tracing-off.bench.ts compares "tracing off" with. Refused with
   * tracing or metrics configured.
   */
  instrumented?: boolean;
}

export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const instrumented = options.instrumented !== false;
  if (!instrumented && (config.telemetry.tracesExporter !== null || config.telemetry.metrics.enabled)) {
    throw new Error("createApp({ instrumented: false }) is the uninstrumented baseline: configure neither tracing nor metrics with it");
  }
  // Tracing first, so start-up statements are traced too; neither SDK is loaded unless configured.
  const tracing = await startTracing(config.telemetry, logger);
  const metrics = config.telemetry.metrics.enabled ? await enableMetrics() : null;
  if (config.migrateOnStart) {
    const applied = await migrate(config.databaseUrl);
    if (applied.length > 0) logger.info("migrations applied", { applied });
  }
  const database = await openDatabase({ url: config.databaseUrl, provider: config.provider, logger, instrumented });
  const events = await createEventBus(config.redisUrl);
  const { services, background } = await createServices({ database, events: events.bus, sharedEvents: events.shared, config, logger });

  async function principalFor(token: string | null): Promise<Principal> {
    if (token === null) return anonymousPrincipal(config.publicRead);
    const principal = await services.tokens.authenticate(token);
    if (!principal) {
      throw unauthenticated("The API token is not valid or has been revoked.");
    }
    return principal;
  }

  // Queue depth, MCP health and readiness are read when Prometheus scrapes, not kept up to date.
  const removeCollector = metrics?.addCollector(`app:${config.databaseUrl}`, async () => {
    const gauges = await services.system.gauges();
    metrics.jobQueue.reset();
    for (const j of gauges.jobs) metrics.jobQueue.inc({ kind: j.kind, status: j.status }, j.count);
    metrics.mcpServers.reset();
    for (const [status, count] of Object.entries(gauges.servers)) metrics.mcpServers.set({ status }, count);
    metrics.up.set({ check: "readiness" }, gauges.ready ? 1 : 0);
    const pool = database.poolStats();
    if (pool) {
      metrics.dbPool.set({ provider: database.provider, state: "total" }, pool.total);
      metrics.dbPool.set({ provider: database.provider, state: "idle" }, pool.idle);
      metrics.dbPool.set({ provider: database.provider, state: "waiting" }, pool.waiting);
    }
  });
  // The envelop OpenTelemetry integration (operation spans) and our additions, only with tracing on.
  const tracingPlugins = tracing
    ? await Promise.all([import("@envelop/opentelemetry"), import("./graphql/plugins/trace-operation.js")]).then(([otel, own]) => [
        otel.useOpenTelemetry({ resolvers: false, document: false, variables: false, result: false }, trace.getTracerProvider(), undefined, {}, config.telemetry.serviceName),
        own.useOperationTrace(),
      ])
    : [];

  const hardening = await createHardening({ config, services, events: events.bus, changes: database.changes, logger });
  const persisted = await createPersistedOperations(config.api, config.redisUrl, logger);
  const responseCache = await createResponseCache({ ttlMs: config.api.responseCacheTtlMs, redisUrl: config.redisUrl, principalFor, logger });

  const yoga = createYoga<Record<string, unknown>, Context>({
    schema: getSchema(),
    graphqlEndpoint: "/graphql",
    landingPage: false,
    // yoga's own probe answers an empty 200 to any URL ending in its endpoint; /healthz and /readyz
    // are ours (plugins/health.ts), with bodies, so yoga's is put out of the way.
    healthCheckEndpoint: "/.yoga/alive",
    graphiql: config.graphiql ? { title: "skillgraph", subscriptionsProtocol: "WS", ...graphiqlTabs() } : false,
    // GraphiQL's bundled assets take half a second to load: only when a browser first asks for it.
    renderGraphiQL: async (options) => (await import("@graphql-yoga/render-graphiql")).renderGraphiQL(options),
    maskedErrors: { maskError },
    // plugins/body-limit.ts enforces the same limit without a stream per request.
    maxRequestBodySize: false,
    // yoga's own lines go through the JSON logger (it filters by LOG_LEVEL).
    logging: yogaLogger(logger),
    // No cross-origin access unless SKILLGRAPH_CORS_ORIGINS lists origins.
    cors: corsOption(config.security),
    context: async (initial): Promise<Context> => {
      return {
        requestId: requestIdOf(initial.request),
        principal: await principalFor(bearerToken(authorizationOf(initial))),
        services,
        pubsub: events.bus,
        config,
        logger,
        prisma: database.prisma,
      };
    },
    plugins: [
      // First: its server span wraps everything after it, and it times the whole request.
      ...(instrumented
        ? [useObservability({ logger, accessLog: config.telemetry.accessLog, trustProxy: config.security.trustProxy, graphqlEndpoint: "/graphql", tracing: tracing !== null, metrics: metrics !== null })]
        : []),
      useRequestScope(logger),
      ...(instrumented ? [useMetricsEndpoint(metrics, config.telemetry.metrics.token)] : []),
      useHealthEndpoints(async () => services.system.readiness(), logger),
      // GET /marketplace/bundles/<listing>: published bundles, for readers.
      useMarketplaceBundles(BUNDLE_ROUTE, services.marketplace, async (request) => {
        try {
          return (await principalFor(bearerToken(request.headers.get("authorization")))).scopes.has("read");
        } catch {
          return false;
        }
      }),
      // GET /share/<token>: a share link's bundle file (the link's token is the credential).
      useShareLinks(SHARE_PATH, services.sharing.links, logger.child({ module: "sharing" }), hardening.limitDownload),
      // GraphQL at /graphql only (yoga also matched any path ending in it, e.g. /x/graphql).
      useOnlyGraphqlEndpoint("/graphql"),
      // Trusted documents (SKILLGRAPH_TRUSTED_DOCUMENTS) and automatic persisted queries: the
      // document is known before anything below parses or checks it.
      ...persisted.plugins,
      // Host check, document guard, rate limits, input at the edge, introspection, revocation.
      ...hardening.plugins,
      // ETag / If-None-Match → 304 for queries over GET (integrators polling the marketplace).
      useETag<Record<string, unknown>>(),
      // Subscribers that would get the same answer to an event share one execution (a job's watchers).
      useSharedSubscriptionResults(),
      useQueryLimits(config.limits, { hideSuggestions: config.security.introspection !== "public" }),
      // @defer and @stream over multipart, SSE and graphql-ws (plugins/incremental.ts).
      useDeferStream(),
      // Queries and mutations run as JavaScript compiled once per document (graphql-jit): a third
      // less CPU for a long list (bench/compare). Subscriptions keep the standard executor and the
      // shared per-event execution above; so do documents with @defer/@stream (jit cannot split a result).
      useGraphQlJit({}, { enableIf: (args) => jitEligible(args.document, args.operationName) }),
      ...tracingPlugins,
      // After every plugin that replaces the executor (jit, defer/stream): services log the
      // request id and the actor whichever executor runs.
      useExecutionScope(),
      // Query results per caller, dropped when a mutation changes an entity in them
      // (plugins/response-cache.ts). Last: it wraps whichever executor the plugins above chose.
      ...responseCache.plugins,
      // The body limit (yoga's own is off: it streams every body through a transform); after every
      // plugin that may choose a request parser.
      useRequestBodyLimit(),
    ],
  });

  // gzip/br for bodies over SKILLGRAPH_COMPRESSION_THRESHOLD_BYTES; streams pass as they are.
  const httpServer = createServer(withCompression(yoga, config.api.compressionThresholdBytes));
  const sockets = new Set<Socket>();
  httpServer.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const ws = attachGraphqlWs(httpServer, yoga, {
    authenticate: (params) => principalFor(bearerToken(connectionAuthorization(params))),
    resolveQuery: (payload) => persisted.resolveQuery(payload),
    security: config.security,
    bindHost: config.host,
    logger,
    accessLog: config.telemetry.accessLog,
    trustProxy: config.security.trustProxy,
  });
  // SKILLGRAPH_METRICS_PORT: /metrics on a listener of its own (no token asked there).
  const metricsServer =
    metrics && config.telemetry.metrics.port !== null
      ? createServer((req, res) => {
          if ((req.url ?? "").split("?")[0] !== "/metrics" || req.method !== "GET") {
            res.writeHead(404).end("Not found");
            return;
          }
          void metricsResponse(metrics).then(
            async (r) => res.writeHead(200, { "content-type": r.headers.get("content-type") ?? "text/plain" }).end(await r.text()),
            (err: unknown) => {
              logger.error("metrics scrape failed", { error: String(err) });
              res.writeHead(500).end("Metrics unavailable");
            },
          );
        })
      : null;
  let metricsUrl: string | null = null;
  let metricsListening: Promise<void> | null = null;
  /** The metrics listener starts with the server, or with the background tasks alone (the `worker` command). */
  const listenMetrics = () =>
    (metricsListening ??= (async () => {
      if (!metricsServer) return;
      const host = config.telemetry.metrics.host ?? config.host;
      metricsUrl = await new Promise<string>((resolve, reject) => {
        metricsServer.once("error", reject);
        metricsServer.listen(config.telemetry.metrics.port ?? 0, host, () => {
          const address = metricsServer.address();
          const port = typeof address === "object" && address ? address.port : config.telemetry.metrics.port;
          resolve(`http://${host.includes(":") ? `[${host}]` : host}:${port}/metrics`);
        });
      });
    })());

  let stopping: Promise<void> | undefined;
  const startedTasks: BackgroundTask[] = [];
  async function startBackground() {
    await listenMetrics();
    for (const task of background) {
      if (startedTasks.includes(task)) continue;
      await task.start();
      startedTasks.push(task);
    }
  }
  return {
    config,
    yoga,
    httpServer,
    database,
    services,
    events,
    logger,
    responseCache,
    tracing,
    metrics,
    get metricsUrl() {
      return metricsUrl;
    },
    background,
    async start() {
      const url = await new Promise<string>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(config.port, config.host, () => {
          const address = httpServer.address();
          const port = typeof address === "object" && address ? address.port : config.port;
          resolve(`http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`);
        });
      });
      await listenMetrics();
      // Prisma's engine loads now, off the path to the first answer (reads need none of it).
      database.warm();
      if (options.startBackground !== false) await startBackground();
      return url;
    },
    startBackground,
    stop() {
      stopping ??= (async () => {
        // Stop accepting; idle keep-alive sockets close now, busy ones when their response ends.
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeIdleConnections();
        await ws.dispose();
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref());
        await Promise.race([httpServer.listening ? closed : Promise.resolve(), timeout]);
        for (const s of sockets) s.destroy();
        for (const task of startedTasks.reverse()) {
          await task.stop().catch((err: unknown) => logger.error("background task failed to stop", { task: task.name, error: String(err) }));
        }
        // Collection folder writes scheduled by the last changes finish before the database closes.
        await services.content.folders.flush().catch((err: unknown) => logger.error("collection folder writes failed", { error: String(err) }));
        await hardening.close();
        await persisted.close();
        await responseCache.close();
        removeCollector?.();
        if (metricsServer?.listening) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
        // Spans still buffered go out before the process ends.
        await tracing?.flush().catch((err: unknown) => logger.warn("trace export failed", { error: String(err) }));
        await events.close();
        await database.close();
      })();
      return stopping;
    },
  };
}
