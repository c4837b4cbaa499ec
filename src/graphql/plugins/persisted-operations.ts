// Persisted operations, two ways, on yoga's maintained plugins:
// - trusted documents (@graphql-yoga/plugin-persisted-operations): the manifest GraphQL Code
//   Generator's client preset writes (persisted-documents.json: sha256 → document). In `require`
//   mode only those documents run, sent by hash; a request carrying a document is refused.
// - automatic persisted queries (@graphql-yoga/plugin-apq), in `allow` mode: a client sends a
//   hash, and the document once when the server does not know it yet. The store is the manifest
//   first, then memory, or Redis when REDIS_URL is set so every instance knows what one learned.
// graphql-ws operations get the same rules (resolveQuery), since they do not pass yoga's onParams.
// A hash is accepted bare (64 hex digits, as Apollo's and urql's persisted-query links send it) or
// with the `sha256:` prefix of the GraphQL-over-HTTP persisted-documents appendix (what the codegen
// client preset writes in its manifest and in each document's __meta__.hash); both name one document.
import { createHash } from "node:crypto";
import { GraphQLError } from "graphql";
import { createInMemoryAPQStore, useAPQ, type APQStore } from "@graphql-yoga/plugin-apq";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import type { Plugin } from "graphql-yoga";
import { manifestKey, type ApiConfig } from "../../api-config.js";
import type { Logger } from "../../lib/logger.js";

export interface PersistedOperations {
  plugins: Plugin[];
  /** The document text of a graphql-ws subscribe payload, under the same rules as HTTP; throws a GraphQLError when refused. */
  resolveQuery(payload: { query?: string | null; extensions?: Record<string, unknown> | null }): Promise<string>;
  close(): Promise<void>;
}

const APQ_PREFIX = "skillgraph:apq:";

const onlyTrusted = () =>
  new GraphQLError("Only trusted documents run on this server: send the sha256 hash of a document from its manifest in extensions.persistedQuery, without the document.", {
    extensions: { code: "PERSISTED_QUERY_ONLY", http: { status: 400 } },
  });
const notInManifest = () =>
  new GraphQLError("PersistedQueryNotFound: no trusted document has this hash.", { extensions: { code: "PERSISTED_QUERY_NOT_IN_LIST", http: { status: 400 } } });
const notFound = () => new GraphQLError("PersistedQueryNotFound", { extensions: { code: "PERSISTED_QUERY_NOT_FOUND", http: { status: 404 } } });
const mismatch = () => new GraphQLError("PersistedQueryMismatch", { extensions: { code: "PERSISTED_QUERY_MISMATCH", http: { status: 400 } } });

/** The hash a request names, without a `sha256:` prefix; null when it names none. */
function hashOf(extensions: Record<string, unknown> | null | undefined): string | null {
  const pq = extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  return pq && pq.version === 1 && typeof pq.sha256Hash === "string" ? manifestKey(pq.sha256Hash) : null;
}

/** Strips a `sha256:` prefix from extensions.persistedQuery.sha256Hash before yoga's APQ plugin compares it with the document's hex digest. */
const bareHashes: Plugin = {
  onParams({ params, setParams }) {
    const pq = params.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
    if (typeof pq?.sha256Hash !== "string" || !pq.sha256Hash.startsWith("sha256:")) return;
    setParams({ ...params, extensions: { ...params.extensions, persistedQuery: { ...pq, sha256Hash: manifestKey(pq.sha256Hash) } } });
  },
};

async function apqBackingStore(ttlS: number, redisUrl: string | undefined, logger: Logger): Promise<APQStore & { close(): Promise<void> }> {
  if (!redisUrl) {
    const memory = createInMemoryAPQStore({ max: 10_000, ttl: ttlS * 1000 });
    return { get: (k) => memory.get(k), set: (k, v) => void memory.set(k, v), close: async () => {} };
  }
  const { Redis } = await import("ioredis");
  const client = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  client.on("error", () => {}); // a lookup that fails is a miss: the client sends the document again
  await client.connect().catch(() => {});
  return {
    async get(key) {
      try {
        return await client.get(APQ_PREFIX + key);
      } catch (err) {
        logger.warn("persisted query store unavailable", { error: String(err) });
        return null;
      }
    },
    async set(key, value) {
      await client.set(APQ_PREFIX + key, value, "EX", ttlS).catch((err: unknown) => logger.warn("persisted query store unavailable", { error: String(err) }));
    },
    close: async () => void (await client.quit().catch(() => client.disconnect())),
  };
}

export async function createPersistedOperations(api: ApiConfig, redisUrl: string | undefined, logger: Logger): Promise<PersistedOperations> {
  const { mode, manifest } = api.trustedDocuments;
  if (mode === "require") {
    return {
      plugins: [
        usePersistedOperations({
          allowArbitraryOperations: false,
          getPersistedOperation: (hash) => manifest.get(manifestKey(hash)) ?? null,
          customErrors: { persistedQueryOnly: onlyTrusted, notFound: notInManifest, keyNotFound: onlyTrusted },
        }) as Plugin,
      ],
      async resolveQuery(payload) {
        if (payload.query) throw onlyTrusted();
        const hash = hashOf(payload.extensions);
        if (!hash) throw onlyTrusted();
        const query = manifest.get(manifestKey(hash));
        if (!query) throw notInManifest();
        return query;
      },
      close: async () => {},
    };
  }
  if (api.apqTtlS === 0) {
    // Trusted documents by hash still work; nothing is learned from clients.
    const store: APQStore = { get: (k) => manifest.get(manifestKey(k)) ?? null, set: () => {} };
    return { plugins: [bareHashes, useAPQ({ store }) as Plugin], resolveQuery: (p) => resolveAllow(p, store), close: async () => {} };
  }
  const backing = await apqBackingStore(api.apqTtlS, redisUrl, logger);
  const store: APQStore = {
    get: (k) => manifest.get(manifestKey(k)) ?? backing.get(k),
    set: (k, v) => (manifest.has(manifestKey(k)) ? undefined : backing.set(k, v)),
  };
  return { plugins: [bareHashes, useAPQ({ store }) as Plugin], resolveQuery: (p) => resolveAllow(p, store), close: () => backing.close() };
}

async function resolveAllow(payload: { query?: string | null; extensions?: Record<string, unknown> | null }, store: APQStore): Promise<string> {
  const hash = hashOf(payload.extensions);
  if (!hash) return payload.query ?? "";
  if (!payload.query) {
    const known = await store.get(hash);
    if (known == null) throw notFound();
    return known;
  }
  if (createHash("sha256").update(payload.query).digest("hex") !== hash) throw mismatch();
  await store.set(hash, payload.query);
  return payload.query;
}
