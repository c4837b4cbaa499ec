// Rate limits per API token and, for anonymous callers, per client address, with
// rate-limiter-flexible: in memory, or in Redis when REDIS_URL is set so every instance draws on
// one budget. An operation costs what GitHub's GraphQL API would charge: its complexity (the Pothos
// complexity plugin's count, page sizes included) per SKILLGRAPH_RATE_LIMIT_COST_UNIT, at least 1.
// Queries, mutations and subscriptions count alike, over HTTP, SSE and graphql-ws. Answers carry
// X-RateLimit-Limit/-Remaining/-Used/-Reset/-Cost; a refused one is HTTP 429 with Retry-After and a
// RATE_LIMITED error (nothing runs); `rateLimit` in a query shows the budget.
import type { IncomingMessage } from "node:http";
import { complexityFromQuery } from "@pothos/plugin-complexity";
import { getOperationAST, GraphQLError, Kind, type DocumentNode, type ExecutionArgs } from "graphql";
import type { Plugin } from "graphql-yoga";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Logger } from "../../lib/logger.js";
import type { SecurityConfig } from "../../security-config.js";
import type { Context } from "../context.js";
import { metrics } from "../../lib/metrics.js";

export interface RateLimitState {
  /** Points per window for this caller. */
  limit: number;
  /** What this operation cost. */
  cost: number;
  remaining: number;
  used: number;
  resetAt: Date;
}

const byContext = new WeakMap<object, RateLimitState>();
const byRequest = new WeakMap<Request, RateLimitState>();

/** The budget the current operation was charged against; null when limits are off. */
export function rateLimitOf(ctx: object): RateLimitState | null {
  return byContext.get(ctx) ?? null;
}

/** An operation's cost in points: max(1, ceil(complexity / unit)); 1 when it cannot be costed (execution will refuse it). */
export function operationCost(args: Pick<ExecutionArgs, "document" | "operationName" | "schema" | "variableValues" | "contextValue">, unit: number): number {
  try {
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return 1;
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...args.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)] };
    const { complexity } = complexityFromQuery(document, { schema: args.schema, ctx: (args.contextValue as object | undefined) ?? {}, variables: (args.variableValues as Record<string, unknown> | undefined) ?? {} });
    return Math.max(1, Math.ceil(complexity / unit));
  } catch {
    return 1;
  }
}

/** The caller's address: the socket's, or with SKILLGRAPH_TRUST_PROXY the first X-Forwarded-For entry. */
export function clientAddress(ctx: { request?: Request; req?: IncomingMessage }, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = ctx.request?.headers.get("x-forwarded-for") ?? (typeof ctx.req?.headers["x-forwarded-for"] === "string" ? ctx.req.headers["x-forwarded-for"] : null);
    const first = forwarded?.split(",")[0]?.trim();
    if (first) return first;
  }
  return ctx.req?.socket?.remoteAddress ?? "unknown";
}

export function rateLimitHeaders(s: RateLimitState): Record<string, string> {
  return {
    "x-ratelimit-limit": String(s.limit),
    "x-ratelimit-remaining": String(s.remaining),
    "x-ratelimit-used": String(s.used),
    "x-ratelimit-reset": String(Math.ceil(s.resetAt.getTime() / 1000)),
    "x-ratelimit-cost": String(s.cost),
    "x-ratelimit-resource": "graphql",
  };
}

export interface RateLimiter {
  plugin: Plugin<Context>;
  /**
   * Charges one point of the anonymous budget of the request's client address for a plain HTTP
   * download (GET /share/<token>, which carries no API token): null when it may go on, else the
   * 429 answer to send (JSON, Retry-After). Always null when anonymous limits are off.
   */
  limitDownload(ctx: { request?: Request; req?: IncomingMessage }): Promise<Response | null>;
  close(): Promise<void>;
}

interface Limiters {
  anonymous: RateLimiterAbstract | null;
  authenticated: RateLimiterAbstract | null;
}

async function limiters(config: SecurityConfig["rateLimit"], redisUrl: string | undefined): Promise<Limiters & { close(): Promise<void> }> {
  const make = async (kind: "anonymous" | "authenticated", points: number, client: unknown) => {
    if (points <= 0) return null;
    const options = { points, duration: config.windowS, keyPrefix: `skillgraph:rl:${kind}` };
    if (!client) return new RateLimiterMemory(options);
    // If Redis fails, each instance keeps limiting on its own rather than letting everything through.
    return new RateLimiterRedis({ ...options, storeClient: client, insuranceLimiter: new RateLimiterMemory(options) });
  };
  if (!redisUrl || (config.anonymous <= 0 && config.authenticated <= 0)) {
    return { anonymous: await make("anonymous", config.anonymous, null), authenticated: await make("authenticated", config.authenticated, null), close: async () => {} };
  }
  const { Redis } = await import("ioredis");
  // Fail fast while Redis is unreachable (the insurance limiter answers), so connect before serving.
  const client = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  client.on("error", () => {}); // the insurance limiter takes over; the event bus logs Redis trouble
  await client.connect().catch(() => {});
  return {
    anonymous: await make("anonymous", config.anonymous, client),
    authenticated: await make("authenticated", config.authenticated, client),
    close: async () => void (await client.quit().catch(() => client.disconnect())),
  };
}

export async function createRateLimiter(security: SecurityConfig, redisUrl: string | undefined, logger: Logger): Promise<RateLimiter> {
  const config = security.rateLimit;
  const limits = await limiters(config, redisUrl);

  /**
   * Draws `cost` points from `limiter` for `key`: the limiter's answer when granted, the refusal
   * (counted in the metrics, with its Retry-After) when over budget, and null when the limiter
   * itself failed (logged; the caller goes on unlimited).
   */
  const consume = async (
    limiter: RateLimiterAbstract,
    key: string,
    cost: number,
    caller: "token" | "anonymous",
    what: string,
  ): Promise<{ granted: RateLimiterRes } | { refused: RateLimiterRes; retryAfterSeconds: number } | null> => {
    try {
      return { granted: await limiter.consume(key, cost) };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        logger.error(`rate limiter failed; ${what} unlimited`, { error: String(rejection) });
        return null;
      }
      metrics()?.rateLimited.inc({ caller });
      return { refused: rejection, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
  };

  /** Charges the operation; null when it may run, else the refusal. */
  const charge = async (args: ExecutionArgs): Promise<GraphQLError | null> => {
    const ctx = args.contextValue as Context & { request?: Request; req?: IncomingMessage };
    const token = ctx.principal?.kind === "token";
    const limiter = token ? limits.authenticated : limits.anonymous;
    if (!limiter) return null;
    const key = token ? `token:${ctx.principal.id}` : `ip:${clientAddress(ctx, security.trustProxy)}`;
    const cost = operationCost(args, config.costUnit);
    const state = (res: RateLimiterRes): RateLimitState => ({
      limit: limiter.points,
      cost,
      used: Math.min(res.consumedPoints, limiter.points),
      remaining: Math.max(0, limiter.points - res.consumedPoints),
      resetAt: new Date(Date.now() + res.msBeforeNext),
    });
    const answer = await consume(limiter, key, cost, token ? "token" : "anonymous", "the operation runs");
    if (!answer) return null;
    if ("granted" in answer) {
      const s = state(answer.granted);
      byContext.set(ctx, s);
      if (ctx.request) byRequest.set(ctx.request, s);
      return null;
    }
    const s = state(answer.refused);
    const { retryAfterSeconds } = answer;
    return new GraphQLError(`Rate limit exceeded: this operation costs ${cost} point(s) and the window allows ${s.limit}; retry after ${retryAfterSeconds} seconds.`, {
      extensions: {
        code: "RATE_LIMITED",
        retryAfterSeconds,
        rateLimit: { limit: s.limit, cost, remaining: s.remaining, used: s.used, resetAt: s.resetAt.toISOString() },
        http: { status: 429, headers: { "retry-after": String(retryAfterSeconds), ...rateLimitHeaders(s) } },
      },
    });
  };

  const plugin: Plugin<Context> = {
    async onExecute({ args, setResultAndStopExecution }) {
      const refused = await charge(args);
      if (refused) setResultAndStopExecution({ errors: [refused] });
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const refused = await charge(args);
      if (refused) setResultAndStopExecution({ errors: [refused] });
    },
    onResponse({ request, response }) {
      const s = byRequest.get(request);
      if (!s) return;
      for (const [k, v] of Object.entries(rateLimitHeaders(s))) response.headers.set(k, v);
    },
  };
  const limitDownload = async (ctx: { request?: Request; req?: IncomingMessage }): Promise<Response | null> => {
    const limiter = limits.anonymous;
    if (!limiter) return null;
    const answer = await consume(limiter, `ip:${clientAddress(ctx, security.trustProxy)}`, 1, "anonymous", "the download goes on");
    if (!answer || "granted" in answer) return null;
    const { retryAfterSeconds } = answer;
    return Response.json(
      { error: "RATE_LIMITED", message: `Rate limit exceeded for this address; retry after ${retryAfterSeconds} seconds.`, retryAfterSeconds },
      { status: 429, headers: { "retry-after": String(retryAfterSeconds), "cache-control": "no-store" } },
    );
  };
  return { plugin, limitDownload, close: limits.close };
}
