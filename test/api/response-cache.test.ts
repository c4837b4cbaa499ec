// The response cache as clients see it: a repeated query is answered from the cache (a change
// made behind its back does not show), per caller (never another token's answer), and a mutation
// that changes an entity in the cached answer drops it: with REDIS_URL, a mutation on another
// instance too.
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { createApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import { useTestApp } from "../helpers/app.js";

const METRICS_TOKEN = "metrics-token-for-the-cache-test";
const TTL = { SKILLGRAPH_RESPONSE_CACHE_TTL_MS: "60000", SKILLGRAPH_METRICS_TOKEN: METRICS_TOKEN };
const ArtifactName = `query ArtifactName { artifact(key: "skill:cached") { id name metadata { title } } }`;
const Rename = `mutation Rename($id: ID!, $title: String!) {
  updateArtifact(input: { id: $id, metadata: { title: $title } }) { __typename ... on UpdateArtifactPayload { artifact { id metadata { title } } } }
}`;

describe("response cache (SKILLGRAPH_RESPONSE_CACHE_TTL_MS)", () => {
  const t = useTestApp({ env: TTL });
  let id = "";
  let other: App | undefined;

  beforeAll(async () => {
    const added = await t().execute<{ addArtifact: { artifact: { id: string } } }, unknown>(
      `mutation { addArtifact(input: { type: SKILL, name: "cached", origin: LOCAL, metadata: { title: "first" } }) { ... on AddArtifactPayload { artifact { id } } } }`,
      {},
      { token: "write" },
    );
    id = added.expectNoErrors().addArtifact.artifact.id;
    // A second instance on the same database (and the same Redis, when REDIS_URL is set).
    other = await createApp(
      loadConfig({
        DATABASE_URL: t().app.config.databaseUrl,
        PORT: "0",
        LOG_LEVEL: "silent",
        SKILLGRAPH_MIGRATE_ON_START: "false",
        SKILLGRAPH_ALLOWED_HOSTS: "skillgraph.test",
        SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "0",
        SKILLGRAPH_RATE_LIMIT_ANONYMOUS: "0",
        SKILLGRAPH_RATE_LIMIT_AUTHENTICATED: "0",
        SKILLGRAPH_WORKER_CONCURRENCY: "0",
        ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
        ...TTL,
      }),
      { logger: createLogger("silent"), startBackground: false },
    );
  });
  afterAll(async () => {
    await other?.stop();
  });

  const title = async (app: App, token: string) => {
    const response = await app.yoga.fetch("http://skillgraph.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: ArtifactName }),
    });
    const body = (await response.json()) as { data: { artifact: { metadata: { title: string } } } };
    return body.data.artifact.metadata.title;
  };
  /** Changes the title without a GraphQL mutation: the cache cannot know. */
  const changeBehindItsBack = async (value: string) => {
    await t().app.database.prisma.artifact.update({ where: { id: Buffer.from(id, "base64").toString().split(":")[1] }, data: { title: value } });
  };

  it("answers a repeated query from the cache, and counts the hit", async () => {
    const before = t().app.responseCache.stats();
    expect(await title(t().app, t().tokens.read)).toBe("first");
    await changeBehindItsBack("changed behind the cache");
    expect(await title(t().app, t().tokens.read)).toBe("first");
    const after = t().app.responseCache.stats();
    expect(after.hits - before.hits).toBe(1);
    expect(after.misses - before.misses).toBe(1);
    // Another token never gets that answer: its own lookup misses and runs.
    expect(await title(t().app, t().tokens.admin)).toBe("changed behind the cache");
    // The same counts, as Prometheus scrapes them.
    const scrape = await (await t().app.yoga.fetch("http://skillgraph.test/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(scrape).toMatch(/skillgraph_response_cache_lookups_total\{result="hit"\} [1-9]/);
    expect(scrape).toMatch(/skillgraph_response_cache_lookups_total\{result="miss"\} [1-9]/);
  });

  it("keeps each caller's answer to itself", async () => {
    const viewer = async (token: string) => {
      const r = await t().execute<{ viewer: { name: string } }, unknown>("{ viewer { name } }", {}, { token });
      return r.expectNoErrors().viewer.name;
    };
    expect(await viewer(t().tokens.read)).toBe("test-read");
    expect(await viewer(t().tokens.write)).toBe("test-write");
    expect(await viewer(t().tokens.read)).toBe("test-read");
    expect(await viewer(t().tokens.write)).toBe("test-write");
  });

  it("drops a cached answer when a mutation changes its entity (on another instance, with Redis)", async () => {
    expect(await title(t().app, t().tokens.read)).toBe("first"); // still the cached answer
    const target = process.env.REDIS_URL && other ? other : t().app;
    const response = await target.yoga.fetch("http://skillgraph.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${t().tokens.write}` },
      body: JSON.stringify({ query: Rename, variables: { id, title: "renamed" } }),
    });
    expect(((await response.json()) as { data: { updateArtifact: { __typename: string } } }).data.updateArtifact.__typename).toBe("UpdateArtifactPayload");
    expect(await title(t().app, t().tokens.read)).toBe("renamed");
  });

  it("does not serve a revoked token from the cache", async () => {
    const { secret } = await t().app.services.tokens.create("short-lived", ["read"]);
    expect(await title(t().app, secret)).toBe("renamed");
    await t().app.services.tokens.revoke("short-lived");
    const response = await t().app.yoga.fetch("http://skillgraph.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: ArtifactName }),
    });
    expect(response.status).toBe(401);
  });

  it("still runs queries over graphql-ws (not cached there)", async () => {
    const base = await t().listen();
    const client = createClient({ url: `${base.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${t().tokens.read}` }, retryAttempts: 0 });
    try {
      const out: unknown[] = [];
      for await (const r of client.iterate({ query: ArtifactName })) out.push(r);
      expect(out).toEqual([{ data: { artifact: { id, name: "cached", metadata: { title: "renamed" } } } }]);
    } finally {
      await client.dispose();
    }
  });
});
