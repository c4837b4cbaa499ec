// Query results cached per caller (yoga's response-cache plugin): the session is the caller's
// token identity (the token is authenticated first, so a revoked token never reads a cached
// answer), never shared across tokens; anonymous callers share one session. A mutation's result
// names the entities it changed (type and global id) and every cached result holding one of them
// is dropped. In memory, or in Redis when REDIS_URL is set (@envelop/response-cache-redis), so a
// mutation on one instance invalidates every instance. Hits and misses are counted (stats(), and
// skillgraph_response_cache_lookups_total{result} on /metrics). graphql-ws operations are not cached (they carry credentials
// per connection, not per request).
import { createInMemoryCache, useResponseCache, type Cache } from "@graphql-yoga/plugin-response-cache";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../../lib/logger.js";
import { metrics } from "../../lib/metrics.js";
import type { Principal } from "../../lib/principal.js";
import { bearerToken } from "../credentials.js";

export interface ResponseCacheStats {
  /** Lookups answered from the cache since the process started. */
  hits: number;
  /** Lookups that ran the operation. */
  misses: number;
}

export interface ResponseCache {
  plugins: Plugin[];
  /** Counters since start (for metrics); zero while the cache is off. */
  stats(): ResponseCacheStats;
  close(): Promise<void>;
}

export interface ResponseCacheOptions {
  /** ms a result is kept; 0 = no cache. */
  ttlMs: number;
  redisUrl: string | undefined;
  /** The principal of a bearer token (throws UNAUTHENTICATED when it is not valid). */
  principalFor(token: string | null): Promise<Principal>;
  logger: Logger;
}

const REDIS_PREFIX = "skillgraph:rc:";

/** Counts answers served from the cache (a miss is counted when its result is computed: see shouldCacheResult). */
function counted(cache: Cache, stats: ResponseCacheStats): Cache {
  return {
    get: async (key) => {
      const found = await cache.get(key);
      if (found) {
        stats.hits++;
        metrics()?.responseCache.inc({ result: "hit" });
      }
      return found;
    },
    set: (...args) => cache.set(...args),
    invalidate: (entities) => cache.invalidate(entities),
  };
}

export async function createResponseCache(options: ResponseCacheOptions): Promise<ResponseCache> {
  const stats: ResponseCacheStats = { hits: 0, misses: 0 };
  if (options.ttlMs <= 0) return { plugins: [], stats: () => ({ ...stats }), close: async () => {} };
  let store: Cache;
  let close = async () => {};
  if (options.redisUrl) {
    const [{ Redis }, { createRedisCache }] = await Promise.all([import("ioredis"), import("@envelop/response-cache-redis")]);
    const client = new Redis(options.redisUrl, { keyPrefix: REDIS_PREFIX, maxRetriesPerRequest: 1 });
    client.on("error", (err: Error) => options.logger.warn("response cache: Redis unavailable", { error: err.message }));
    const redisCache = createRedisCache({ redis: client });
    // While Redis is down, a lookup is a miss and nothing is stored: answers are computed, never stale.
    store = {
      get: async (key) => {
        try {
          return (await redisCache.get(key)) as Awaited<ReturnType<Cache["get"]>>;
        } catch {
          return undefined;
        }
      },
      set: async (...args) => void (await Promise.resolve(redisCache.set(...args)).catch(() => undefined)),
      // The mutation has committed: a failed invalidation is logged, not turned into its error.
      invalidate: async (entities) => {
        await Promise.resolve(redisCache.invalidate(entities)).catch((err: unknown) => options.logger.error("response cache: invalidation failed", { error: String(err) }));
      },
    };
    close = async () => void (await client.quit().catch(() => client.disconnect()));
  } else {
    store = createInMemoryCache();
  }
  const cache = counted(store, stats);
  return {
    plugins: [
      useResponseCache({
        cache,
        ttl: options.ttlMs,
        // The token's identity (its record id), checked like any request's; anonymous is one session.
        session: async (request) => {
          const principal = await options.principalFor(bearerToken(request.headers.get("authorization")));
          return principal.kind === "token" ? `token:${principal.id}` : principal.kind;
        },
        // graphql-ws operations pass connectionParams and skip yoga's request parsing: not cached.
        enabled: (_request, context) => !(context && typeof context === "object" && "connectionParams" in context),
        invalidateViaMutation: true,
        // Called once per query that ran (a miss); results with errors are not kept.
        shouldCacheResult: ({ result }) => {
          stats.misses++;
          metrics()?.responseCache.inc({ result: "miss" });
          return !result.errors?.length;
        },
      }) as Plugin,
    ],
    stats: () => ({ ...stats }),
    close,
  };
}
