// createApp(config) → one HTTP server on one port: GraphQL (POST/GET), SSE and graphql-ws
// subscriptions, GraphiQL (assets served locally), /healthz and /readyz.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { GraphQLError, type ExecutionArgs } from "graphql";
import type { ServerOptions } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import { WebSocketServer } from "ws";
import type { Config } from "./config.js";
import { openDatabase, type Database } from "./db/client.js";
import { migrate, migrationStatus } from "./db/migrator.js";
import type { Context } from "./graphql/context.js";
import { createEventBus, type PubSubHandle } from "./graphql/pubsub.js";
import { getSchema } from "./graphql/schema.js";
import { useSharedSubscriptionResults } from "./graphql/shared-subscription-results.js";
import { createLogger, type Logger } from "./lib/logger.js";
import { anonymousViewer, type Viewer } from "./modules/auth/viewer.js";
import { useETag } from "./modules/marketplace/etag.js";
import { createServices, type BackgroundTask, type Services } from "./services.js";

export interface App {
  config: Config;
  yoga: YogaServerInstance<Record<string, unknown>, Context>;
  httpServer: Server;
  database: Database;
  services: Services;
  events: PubSubHandle;
  logger: Logger;
  /** Workers and schedulers; started by start() unless `startBackground: false`. */
  background: BackgroundTask[];
  /** Starts the background tasks without the HTTP server (the `worker` command); start() calls it too. */
  startBackground(): Promise<void>;
  /** Listens on config.port (0 = any free port); resolves with the base URL. */
  start(): Promise<string>;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes sockets and the database. */
  stop(): Promise<void>;
}

type OperationResult = ReturnType<NonNullable<ServerOptions["execute"]>>;
/** yoga.getEnveloped's execute/subscribe, carried to graphql-ws in rootValue. */
interface EnvelopedRoot {
  execute(args: ExecutionArgs): OperationResult;
  subscribe(args: ExecutionArgs): OperationResult;
}

function bearer(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const m = /^Bearer\s+(.+)$/i.exec(value.trim());
  return m?.[1]?.trim() ?? null;
}

export interface CreateAppOptions {
  logger?: Logger;
  /** Start background tasks (job workers, health sweeps) with the server. Default true. */
  startBackground?: boolean;
}

export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  if (config.migrateOnStart) {
    const applied = await migrate(config.databaseUrl);
    if (applied.length > 0) logger.info("migrations applied", { applied });
  }
  const database = await openDatabase(config.databaseUrl);
  const events = createEventBus(config.redisUrl);
  const { services, background } = createServices({ db: database.prisma, events: events.pubsub, config, logger, sqlite: () => database.sqlite });

  async function viewerFor(token: string | null): Promise<Viewer> {
    if (token === null) return anonymousViewer(config.publicRead);
    const viewer = await services.tokens.authenticate(token);
    if (!viewer) {
      throw new GraphQLError("The API token is not valid or has been revoked.", {
        extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
      });
    }
    return viewer;
  }

  const requestIds = new WeakMap<Request, string>();
  const platform: Plugin<Context> = {
    onRequest({ request, url, endResponse }) {
      requestIds.set(request, request.headers.get("x-request-id")?.slice(0, 100) || randomUUID());
      if (url.pathname === "/healthz") {
        endResponse(Response.json({ status: "ok" }));
      }
    },
    onResponse({ request, response }) {
      const id = requestIds.get(request);
      if (id) response.headers.set("x-request-id", id);
    },
    onExecute() {
      return {
        onExecuteDone({ args, result }) {
          if (!("errors" in result) || !result.errors) return;
          for (const err of result.errors) {
            const original = err.originalError;
            if (original && !(original instanceof GraphQLError)) {
              logger.error("unexpected error", { requestId: args.contextValue.requestId, error: original.stack ?? String(original) });
            }
          }
        },
      };
    },
  };

  const readiness: Plugin<Context> = {
    async onRequest({ url, endResponse }) {
      if (url.pathname !== "/readyz") return;
      try {
        await database.prisma.$queryRawUnsafe("SELECT 1");
        const status = await migrationStatus(config.databaseUrl);
        const ready = status.pending.length === 0 && status.failed.length === 0;
        endResponse(
          Response.json(
            { status: ready ? "ready" : "not ready", database: "ok", pendingMigrations: status.pending, failedMigrations: status.failed },
            { status: ready ? 200 : 503 },
          ),
        );
      } catch (err) {
        logger.warn("readiness check failed", { error: String(err) });
        endResponse(Response.json({ status: "not ready", database: "unreachable" }, { status: 503 }));
      }
    },
  };

  const yoga = createYoga<Record<string, unknown>, Context>({
    schema: getSchema(),
    graphqlEndpoint: "/graphql",
    landingPage: false,
    healthCheckEndpoint: "/healthz",
    graphiql: config.graphiql ? { title: "skillgraph", subscriptionsProtocol: "WS" } : false,
    renderGraphiQL,
    maskedErrors: true,
    logging: config.logLevel === "silent" ? false : config.logLevel,
    context: async (initial): Promise<Context> => {
      const params = (initial as { connectionParams?: Record<string, unknown> }).connectionParams;
      const header = initial.request.headers.get("authorization") ?? params?.Authorization ?? params?.authorization;
      return {
        requestId: requestIds.get(initial.request) ?? randomUUID(),
        viewer: await viewerFor(bearer(header)),
        db: database.prisma,
        services,
        pubsub: events.pubsub,
        config,
      };
    },
    plugins: [
      platform,
      readiness,
      // ETag / If-None-Match → 304 for queries over GET (integrators polling the marketplace).
      useETag<Record<string, unknown>>(),
      // Subscribers that would get the same answer to an event share one execution (a job's watchers).
      useSharedSubscriptionResults(),
      EnvelopArmorPlugin({
        // The messages say which limit was hit, never its value.
        maxDepth: { n: config.limits.maxDepth, exposeLimits: false, errorMessage: "Query is nested too deeply." },
        maxAliases: { n: config.limits.maxAliases, exposeLimits: false, errorMessage: "Query uses too many aliases." },
        maxTokens: { n: config.limits.maxTokens, exposeLimits: false, errorMessage: "Query document has too many tokens." },
        maxDirectives: { n: 50, exposeLimits: false, errorMessage: "Query uses too many directives." },
        // Cost is the Pothos complexity plugin's job: it knows connection page sizes.
        costLimit: { enabled: false },
        // Introspection is on for GraphiQL users, so hiding suggestions would protect nothing.
        blockFieldSuggestion: { enabled: false },
      }),
    ],
  });

  const httpServer = createServer(yoga);
  const sockets = new Set<Socket>();
  httpServer.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  // graphql-ws on the same port and path; operations go through yoga.getEnveloped so they get
  // the same plugins, context (auth) and error masking as HTTP.
  const wsServer = new WebSocketServer({ server: httpServer, path: yoga.graphqlEndpoint });
  const wsCleanup = useServer(
    {
      execute: (args: ExecutionArgs) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args: ExecutionArgs) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        try {
          await viewerFor(bearer(params.Authorization ?? params.authorization));
          return true;
        } catch {
          return false; // closes with 4403 Forbidden
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const request = ctx.extra.request;
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: request,
          socket: ctx.extra.socket,
          params: payload,
          request: new Request(`http://localhost${yoga.graphqlEndpoint}`, { headers: new Headers() }),
          connectionParams: ctx.connectionParams,
        });
        const args = {
          schema,
          operationName: payload.operationName,
          document: parse(payload.query),
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
      },
    },
    wsServer,
  );

  let stopping: Promise<void> | undefined;
  const startedTasks: BackgroundTask[] = [];
  async function startBackground() {
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
      if (options.startBackground !== false) await startBackground();
      return url;
    },
    startBackground,
    stop() {
      stopping ??= (async () => {
        // Stop accepting; idle keep-alive sockets close now, busy ones when their response ends.
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeIdleConnections();
        await wsCleanup.dispose();
        wsServer.close();
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref());
        await Promise.race([httpServer.listening ? closed : Promise.resolve(), timeout]);
        for (const s of sockets) s.destroy();
        for (const task of startedTasks.reverse()) {
          await task.stop().catch((err: unknown) => logger.error("background task failed to stop", { task: task.name, error: String(err) }));
        }
        await events.close();
        await database.close();
      })();
      return stopping;
    },
  };
}
