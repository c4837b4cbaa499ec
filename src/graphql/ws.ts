// graphql-ws on the HTTP server's port and path, on graphql-ws's own protocol server (makeServer)
// over `ws`. Operations go through yoga.getEnveloped, so they get the same plugins, context
// (auth), limits and error masking as HTTP, and run as a POST would: queries, mutations and
// subscriptions alike. A bad operation (syntax, validation, a limit, too many subscriptions) gets
// an `error` message for its own id and nothing else on the socket changes. Bad credentials close
// the socket with 4403. Caps: subscriptions per connection, message size (1009), connections per
// token (4429). Upgrades are checked for Host and Origin (origin-guard.ts). Everything it logs goes
// through the JSON logger, and each operation gets one access-log line when it ends.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { GraphQLError, type ExecutionArgs } from "graphql";
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import type { YogaServerInstance } from "graphql-yoga";
import { WebSocketServer, type WebSocket } from "ws";
import type { Logger } from "../lib/logger.js";
import type { Principal } from "../lib/principal.js";
import type { SecurityConfig } from "../security-config.js";
import type { Context } from "./context.js";
import { traceIdOf, withTraceparent } from "../lib/telemetry.js";
import { operationInfo, type OperationInfo } from "./plugins/observe.js";
import { hostAllowed, upgradeOriginAllowed } from "./plugins/origin-guard.js";
import { clientAddress } from "./plugins/rate-limit.js";

type OperationResult = ReturnType<NonNullable<ServerOptions["execute"]>>;
/** yoga.getEnveloped's execute/subscribe, carried to graphql-ws in rootValue. */
interface EnvelopedRoot {
  execute(args: ExecutionArgs): OperationResult;
  subscribe(args: ExecutionArgs): OperationResult;
  /** The operation's W3C traceparent (its payload's `extensions.traceparent`), continued by its spans. */
  traceparent: string | null;
}

/** An operation in flight on a connection, for its access-log line. */
interface WsOperation {
  start: number;
  requestId?: string;
  /** Its GraphQL context (the trace id is read from it when the operation ends). */
  contextValue?: unknown;
  info?: OperationInfo;
  events: number;
}

/** What graphql-ws hands every hook as ctx.extra. */
export interface WsExtra {
  socket: WebSocket;
  request: IncomingMessage;
  /** The connection's principal (from connection_init), once accepted. */
  principal?: Principal;
  /** Operations in flight, by id (access log). */
  operations?: Map<string, WsOperation>;
}

export interface WsHandle {
  dispose(): Promise<void>;
}

export interface WsOptions {
  /** The principal of the connection_init payload's credentials; throws when they are bad or revoked. */
  authenticate(connectionParams: Record<string, unknown>): Promise<Principal>;
  /** The document of a subscribe payload under the persisted-operation rules (a hash, a document or both); throws a GraphQLError when refused. */
  resolveQuery(payload: { query?: string | null; extensions?: Record<string, unknown> | null }): Promise<string>;
  security: SecurityConfig;
  /** The address the server is bound to (the Host check applies to loopback binds). */
  bindHost: string;
  logger: Logger;
  /** One JSON line per operation when it ends (SKILLGRAPH_ACCESS_LOG). */
  accessLog: boolean;
  trustProxy: boolean;
  keepAliveMs?: number;
}

/** Close code for a token with too many open connections (fatal for graphql-ws clients: no retry). */
export const TOO_MANY_CONNECTIONS = 4429;

function isUnauthenticated(err: unknown): boolean {
  return err instanceof GraphQLError && err.extensions.code === "UNAUTHENTICATED";
}

/** A thrown error as the errors of a result: GraphQLErrors as they are, anything else masked and logged. */
function asErrors(err: unknown, logger: Logger): GraphQLError[] {
  if (err instanceof GraphQLError) return [err];
  logger.error("unexpected error in a graphql-ws operation", { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  return [new GraphQLError("Unexpected error.")];
}

export function attachGraphqlWs(httpServer: Server, yoga: YogaServerInstance<Record<string, unknown>, Context>, options: WsOptions): WsHandle {
  const logger = options.logger.child({ component: "graphql-ws" });
  const { ws: caps } = options.security;
  const perToken = new Map<string, number>();
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: caps.maxMessageBytes, handleProtocols });

  const run = async (fn: () => OperationResult): Promise<Awaited<OperationResult>> => {
    try {
      return await fn();
    } catch (err) {
      return { errors: asErrors(err, logger) };
    }
  };

  const access = options.logger.child({ component: "access" });
  const logOperation = (extra: WsExtra, id: string, status: "ok" | "error") => {
    const op = extra.operations?.get(id);
    if (!op) return;
    extra.operations?.delete(id);
    if (!options.accessLog) return;
    access.info("ws operation", {
      requestId: op.requestId ?? null,
      ...(traceIdOf(op.contextValue) ? { traceId: traceIdOf(op.contextValue) } : {}),
      transport: "ws",
      status,
      durationMs: Math.round((performance.now() - op.start) * 1000) / 1000,
      operationName: op.info?.operationName ?? null,
      operationType: op.info?.operationType ?? null,
      errors: op.info?.errors ?? 0,
      events: op.events,
      caller: op.info?.caller ?? extra.principal?.name ?? null,
      client: clientAddress({ req: extra.request }, options.trustProxy),
    });
  };
  const root = (args: ExecutionArgs) => args.rootValue as EnvelopedRoot;

  const server = makeServer<Record<string, unknown> | undefined, WsExtra>({
    execute: (args: ExecutionArgs) => run(() => withTraceparent(root(args).traceparent, () => root(args).execute(args))),
    subscribe: (args: ExecutionArgs) => run(() => withTraceparent(root(args).traceparent, () => root(args).subscribe(args))),
    onNext: (ctx, id, _payload, _args, result) => {
      const op = ctx.extra.operations?.get(id);
      if (!op) return;
      op.events++;
      if (op.info && result.errors?.length) op.info.errors += result.errors.length;
    },
    onError: (ctx, id) => logOperation(ctx.extra, id, "error"),
    onComplete: (ctx, id) => logOperation(ctx.extra, id, "ok"),
    onConnect: async (ctx) => {
      let principal: Principal;
      try {
        principal = await options.authenticate(ctx.connectionParams ?? {});
      } catch (err) {
        if (!isUnauthenticated(err)) asErrors(err, logger);
        return false; // closes with 4403 Forbidden
      }
      if (principal.kind === "token") {
        const open = perToken.get(principal.id) ?? 0;
        if (open >= caps.maxConnectionsPerToken) {
          ctx.extra.socket.close(TOO_MANY_CONNECTIONS, "Too many connections for this token");
          return false;
        }
        perToken.set(principal.id, open + 1);
      }
      ctx.extra.principal = principal;
      return true;
    },
    onClose: (ctx) => {
      const principal = ctx.extra.principal;
      if (principal?.kind !== "token") return;
      const open = (perToken.get(principal.id) ?? 1) - 1;
      if (open > 0) perToken.set(principal.id, open);
      else perToken.delete(principal.id);
    },
    onSubscribe: async (ctx, id, payload) => {
      const op: WsOperation = { start: performance.now(), events: 0 };
      (ctx.extra.operations ??= new Map()).set(id, op);
      if (Object.keys(ctx.subscriptions).length > caps.maxSubscriptions) {
        return [new GraphQLError("Too many operations on this connection: complete some first.", { extensions: { code: "LIMIT_EXCEEDED" } })];
      }
      const { request: upgrade, socket } = ctx.extra;
      // The operation runs as a POST of its own: the upgrade's headers (Host, Origin, forwarding)
      // but never its cookies or credentials; the operation's own credentials come from its payload.
      const headers = new Headers();
      for (const name of ["host", "origin", "user-agent", "x-forwarded-for", "x-request-id"]) {
        const v = upgrade.headers[name];
        if (typeof v === "string") headers.set(name, v);
      }
      const request = new Request(`http://${upgrade.headers.host ?? "localhost"}${yoga.graphqlEndpoint}`, { method: "POST", headers });
      try {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          req: upgrade,
          socket,
          params: payload,
          request,
          connectionParams: ctx.connectionParams ?? {},
        });
        const document = parse(await options.resolveQuery(payload));
        const errors = validate(schema, document);
        if (errors.length) return [...errors];
        const contextValue = await contextFactory();
        const args = { schema, operationName: payload.operationName, document, variableValues: payload.variables, contextValue };
        op.requestId = (contextValue as Partial<Context>).requestId;
        op.contextValue = contextValue;
        op.info = operationInfo(args);
        const given = payload.extensions?.traceparent;
        const rootValue: EnvelopedRoot = { execute, subscribe, traceparent: typeof given === "string" ? given : null };
        return { ...args, rootValue };
      } catch (err) {
        if (isUnauthenticated(err)) {
          socket.close(CloseCode.Forbidden, "Forbidden");
          return [err as GraphQLError];
        }
        return asErrors(err, logger);
      }
    },
  });

  httpServer.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? "").split("?")[0];
    if (path !== yoga.graphqlEndpoint) return socket.destroy();
    if (!hostAllowed(request.headers.host, options.bindHost, options.security) || !upgradeOriginAllowed(request.headers, options.security)) {
      logger.warn("websocket upgrade refused", { host: request.headers.host, origin: request.headers.origin });
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit("connection", ws, request));
  });

  const keepAliveMs = options.keepAliveMs ?? 12_000;
  wsServer.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    socket.on("error", (err) => {
      // ws has already closed the socket where the protocol says so (1009 for a message over the cap).
      logger.warn("websocket error", { error: err.message });
      if (socket.readyState === socket.OPEN) socket.close(CloseCode.InternalServerError, "Internal server error");
    });
    let pongWait: NodeJS.Timeout | null = null;
    const ping = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), keepAliveMs);
      socket.once("pong", () => {
        if (pongWait) clearTimeout(pongWait);
        pongWait = null;
      });
      socket.ping();
    }, keepAliveMs);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on("message", (data) => {
            cb(String(data)).catch((err: unknown) => {
              logger.error("graphql-ws message handling failed", { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
              if (socket.readyState === socket.OPEN) socket.close(CloseCode.InternalServerError, "Internal server error");
            });
          }),
      },
      { socket, request },
    );
    socket.once("close", (code, reason) => {
      if (pongWait) clearTimeout(pongWait);
      clearInterval(ping);
      void closed(code, String(reason));
    });
  });

  return {
    async dispose() {
      for (const client of wsServer.clients) client.close(1001, "Going away");
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
