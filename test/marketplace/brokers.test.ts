import { setTimeout as sleep } from "node:timers/promises";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SyncResult } from "../../src/modules/marketplace/index.js";
import { feedEntry, startFeedServer, type FeedServer } from "../fixtures/marketplace/feed-server.js";
import { graphql } from "../gql/index.js";
import { useTestApp } from "../helpers/app.js";

const CreateBroker = graphql(`
  mutation CreateBroker($input: CreateBrokerInput!) {
    createBroker(input: $input) {
      __typename
      ... on CreateBrokerPayload { broker { id name kind url enabled rateLimit rateWindowSeconds } }
      ... on Error { message }
      ... on InvalidInputError { field }
      ... on AlreadyExistsError { field value }
    }
  }
`);

const SyncBroker = graphql(`
  mutation SyncBroker($name: String!) {
    syncBroker(name: $name) {
      __typename
      ... on SyncBrokerPayload { job { id kind status } }
      ... on Error { message }
      ... on NotFoundError { entity key }
      ... on InvalidInputError { field }
    }
  }
`);

const BrokerListings = graphql(`
  query BrokerListings($broker: String!) {
    listings(filter: { broker: $broker }, orderBy: NEWEST, first: 50) {
      edges { node { listingId name version status tags artifacts { key } broker { name lastSyncedAt listingCount } } }
    }
    brokers { edges { node { name kind } } }
  }
`);

const FAST_JOBS = {
  SKILLGRAPH_JOB_POLL_MS: "20",
  SKILLGRAPH_JOB_LEASE_MS: "5000",
  SKILLGRAPH_JOB_BACKOFF_MS: "10",
  SKILLGRAPH_JOB_BACKOFF_MAX_MS: "40",
  SKILLGRAPH_WORKER_CONCURRENCY: "1",
};

describe("brokers and marketplace.sync", () => {
  const t = useTestApp({ env: FAST_JOBS });
  let feed: FeedServer;
  beforeAll(async () => {
    feed = await startFeedServer([]);
    await t().app.startBackground();
  });
  afterAll(() => feed.close());
  beforeEach(async () => {
    await t().clear();
    feed.log.length = 0;
    feed.throttleOnce.clear();
  });

  async function runSync(name: string): Promise<{ status: string; result: SyncResult; progress: number }> {
    const res = (await t().execute(SyncBroker, { name }, { token: "admin" })).expectNoErrors().syncBroker;
    if (res.__typename !== "SyncBrokerPayload") throw new Error(`${res.__typename}: ${"message" in res ? res.message : ""}`);
    expect(res.job.kind).toBe("marketplace.sync");
    const { id } = decodeGlobalID(res.job.id);
    for (let i = 0; i < 500; i++) {
      const job = await t().app.services.jobs.get(id);
      if (job.status === "SUCCEEDED" || job.status === "FAILED") {
        return { status: job.status, result: job.result as unknown as SyncResult, progress: job.progress };
      }
      await sleep(20);
    }
    throw new Error("sync job did not finish");
  }

  async function createFeedBroker(rateLimit = 100, rateWindowSeconds = 1) {
    const res = (await t().execute(CreateBroker, { input: { name: "partner", kind: "HTTP_FEED", url: feed.url, rateLimit, rateWindowSeconds } }, { token: "admin" })).expectNoErrors();
    expect(res.createBroker.__typename).toBe("CreateBrokerPayload");
  }

  it("syncs a paged feed: 429 + Retry-After honoured, a malformed entry skipped and reported, rate limit kept", async () => {
    feed.pages = [
      [feedEntry("a", { tags: ["pdf"] }), feedEntry("b")],
      [feedEntry("c"), feedEntry("bad", { version: "banana", license: "NOT A LICENCE" }), { nonsense: true }],
      [feedEntry("d", { artifacts: [{ type: "COMMAND", name: "run" }] })],
    ];
    feed.throttleOnce.add(2);
    await createFeedBroker(2, 1);
    const run = await runSync("partner");
    expect(run.status).toBe("SUCCEEDED");
    expect(run.progress).toBe(100);
    expect(run.result).toMatchObject({ broker: "partner", unchanged: false, pages: 3, requests: 4, upserted: 4, withdrawn: 0, throttled: 1 });
    expect(run.result.skipped).toEqual([
      { page: 2, index: 1, id: "bad", reason: expect.stringMatching(/version: must be a semantic version.*license: must be a valid SPDX/) },
      { page: 2, index: 2, id: null, reason: expect.stringMatching(/id:/) },
    ]);
    // The retry of page 2 waited for Retry-After (1 s), and no 3 requests fell within the 1 s window.
    const [p1, throttled, retry, p3] = feed.log;
    expect(throttled?.status).toBe(429);
    expect((retry?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect((p3?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(p1?.ifNoneMatch).toBeNull();

    const listings = (await t().execute(BrokerListings, { broker: "partner" })).expectNoErrors();
    expect(listings.listings.edges.map((e) => e.node.listingId).sort()).toEqual(["a", "b", "c", "d"]);
    expect(listings.listings.edges.find((e) => e.node.listingId === "d")?.node.artifacts).toEqual([{ key: "command:run" }]);
    expect(await t().app.database.prisma.marketplaceListing.count({ where: { listingId: "bad" } })).toBe(0);
    const audit = await t().app.database.prisma.auditEvent.findFirstOrThrow({ where: { eventType: "BROKER_SYNCED" } });
    expect(audit).toMatchObject({ subject: "broker:partner", details: { upserted: 4, skipped: 2, pages: 3 } });
  });

  it("sends If-None-Match: a 304 changes nothing; a changed feed withdraws vanished listings", async () => {
    feed.pages = [[feedEntry("a"), feedEntry("b")], [feedEntry("c")]];
    await createFeedBroker();
    expect((await runSync("partner")).result.upserted).toBe(3);

    const unchanged = await runSync("partner");
    expect(unchanged.result).toMatchObject({ unchanged: true, requests: 1, upserted: 0, withdrawn: 0 });
    expect(feed.log.at(-1)).toMatchObject({ page: 1, status: 304 });
    expect(feed.log.at(-1)?.ifNoneMatch).toMatch(/^".+"$/);

    feed.pages = [[feedEntry("a", { version: "2.0.0" }), feedEntry("c")]];
    const changed = await runSync("partner");
    expect(changed.result).toMatchObject({ unchanged: false, pages: 1, upserted: 2, withdrawn: 1 });
    const rows = await t().app.database.prisma.marketplaceListing.findMany({ orderBy: { listingId: "asc" }, select: { listingId: true, status: true, version: true } });
    expect(rows).toEqual([
      { listingId: "a", status: "ACTIVE", version: "2.0.0" },
      { listingId: "b", status: "WITHDRAWN", version: "1.0.0" },
      { listingId: "c", status: "ACTIVE", version: "1.0.0" },
    ]);
    const visible = (await t().execute(BrokerListings, { broker: "partner" })).expectNoErrors().listings.edges.map((e) => e.node.listingId);
    expect(visible.sort()).toEqual(["a", "c"]);
  });

  it("validates brokers and refuses to sync what cannot be synced", async () => {
    const noUrl = (await t().execute(CreateBroker, { input: { name: "nourl", kind: "HTTP_FEED" } }, { token: "admin" })).expectNoErrors();
    expect(noUrl.createBroker).toMatchObject({ __typename: "InvalidInputError", field: "input.url" });
    const badName = await t().execute(CreateBroker, { input: { name: "Bad Name", kind: "LOCAL" } }, { token: "admin" });
    expect(badName.expectInvalidInput().message).toMatch(/input\.name: must be 1–64 lower-case/);
    (await t().execute(CreateBroker, { input: { name: "here", kind: "LOCAL" } }, { token: "admin" })).expectNoErrors();
    const dup = (await t().execute(CreateBroker, { input: { name: "here", kind: "LOCAL" } }, { token: "admin" })).expectNoErrors();
    expect(dup.createBroker).toMatchObject({ __typename: "AlreadyExistsError", field: "name", value: "here" });

    expect((await t().execute(SyncBroker, { name: "nope" }, { token: "admin" })).expectNoErrors().syncBroker).toMatchObject({ __typename: "NotFoundError", entity: "Broker" });
    expect((await t().execute(SyncBroker, { name: "here" }, { token: "admin" })).expectNoErrors().syncBroker).toMatchObject({ __typename: "InvalidInputError", field: "name" });
    expect((await t().execute(SyncBroker, { name: "here" }, { token: "write" })).expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await t().app.database.prisma.job.count()).toBe(0);
  });
});
