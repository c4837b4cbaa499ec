import type { ResultOf } from "@graphql-typed-document-node/core";
import { beforeEach, describe, expect, it } from "vitest";
import { graphql } from "../gql/index.js";
import { useTestApp } from "../helpers/app.js";
import { seedListings } from "./seed.js";

const Listings = graphql(`
  query Listings($query: String, $filter: ListingFilter, $orderBy: ListingOrder, $first: Int, $after: String) {
    listings(query: $query, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { name } }
    }
  }
`);

const ListingsDeep = graphql(`
  query ListingsDeep($first: Int) {
    listings(first: $first, orderBy: NEWEST) {
      edges { node { id name tags artifactCount broker { name } artifacts { key name type } } }
    }
  }
`);

const Facets = graphql(`
  query Facets($query: String, $filter: ListingFilter) {
    listingFacets(query: $query, filter: $filter) {
      total
      tags { value count }
      licenses { value count }
      publishers { value count }
    }
  }
`);

describe("listing search", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());
  const database = () => t().app.database;
  const db = () => t().app.database.prisma;

  it("ranks an exact name above a description match, and name above description", async () => {
    await seedListings(database(), "local", [
      { name: "helper-kit", description: "Includes a formatter among many other things.", downloads: 1000 },
      { name: "formatter", description: "Formats code.", downloads: 1 },
      { name: "formatter-pro", description: "A better tool.", downloads: 50 },
      { name: "unrelated", description: "Nothing to see.", tags: ["misc"] },
    ]);
    const res = (await t().execute(Listings, { query: "formatter" })).expectNoErrors();
    expect(res.listings.edges.map((e) => e.node.name)).toEqual(["formatter", "formatter-pro", "helper-kit"]);
    expect(res.listings.totalCount).toBe(3);
    // Prefix matching, every word must match, tags are searched.
    expect((await t().execute(Listings, { query: "form" })).expectNoErrors().listings.totalCount).toBe(3);
    expect((await t().execute(Listings, { query: "formatter pro" })).expectNoErrors().listings.edges.map((e) => e.node.name)).toEqual(["formatter-pro"]);
    expect((await t().execute(Listings, { query: "misc" })).expectNoErrors().listings.edges.map((e) => e.node.name)).toEqual(["unrelated"]);
    // Punctuation is not query syntax.
    expect((await t().execute(Listings, { query: `"formatter*" (` })).expectNoErrors().listings.totalCount).toBe(3);
  });

  it("stays in step with writes: renamed, retagged and withdrawn listings", async () => {
    const [id] = await seedListings(database(), "local", [{ name: "alpha", description: "first", tags: ["one"] }]);
    await seedListings(database(), "local", [{ name: "alpha", description: "renamed body", tags: ["two"] }]);
    expect((await t().execute(Listings, { query: "one" })).expectNoErrors().listings.totalCount).toBe(0);
    expect((await t().execute(Listings, { query: "two renamed" })).expectNoErrors().listings.totalCount).toBe(1);
    await db().marketplaceListing.update({ where: { id }, data: { status: "WITHDRAWN" } });
    expect((await t().execute(Listings, { query: "alpha" })).expectNoErrors().listings.totalCount).toBe(0);
    await db().marketplaceListing.delete({ where: { id } });
    expect((await t().execute(Listings, {})).expectNoErrors().listings.totalCount).toBe(0);
  });

  it("filters, and facets agree with the filtered search", async () => {
    await seedListings(database(), "local", [
      { name: "pdf-reader", description: "pdf", tags: ["pdf", "docs"], license: "MIT", publisher: "acme" },
      { name: "pdf-writer", description: "pdf", tags: ["pdf"], license: "Apache-2.0", publisher: "acme", priceCents: 500 },
      { name: "pdf-signer", description: "pdf", tags: ["pdf", "docs", "security"], license: "MIT", publisher: "globex" },
    ]);
    await seedListings(database(), "partner", [{ name: "pdf-ocr", description: "pdf", tags: ["ocr"], license: "GPL-3.0-only", publisher: "initech" }]);

    const names = async (filter: Record<string, unknown>) =>
      (await t().execute(Listings, { query: "pdf", filter, orderBy: "DOWNLOADS" })).expectNoErrors().listings.edges.map((e) => e.node.name).sort();
    expect(await names({ tags: ["pdf", "docs"] })).toEqual(["pdf-reader", "pdf-signer"]);
    expect(await names({ license: "MIT" })).toEqual(["pdf-reader", "pdf-signer"]);
    expect(await names({ publisher: "acme" })).toEqual(["pdf-reader", "pdf-writer"]);
    expect(await names({ broker: "partner" })).toEqual(["pdf-ocr"]);
    expect(await names({ free: false })).toEqual(["pdf-writer"]);
    expect(await names({ free: true, license: "MIT", tags: ["security"] })).toEqual(["pdf-signer"]);

    const facets = (await t().execute(Facets, { query: "pdf", filter: { free: true } })).expectNoErrors().listingFacets;
    expect(facets.total).toBe(3);
    expect(facets.tags).toEqual([
      { value: "docs", count: 2 },
      { value: "pdf", count: 2 },
      { value: "ocr", count: 1 },
      { value: "security", count: 1 },
    ]);
    expect(facets.licenses).toEqual([{ value: "MIT", count: 2 }, { value: "GPL-3.0-only", count: 1 }]);
    // Every facet count is what the same search with that value as a filter finds.
    for (const f of facets.licenses) expect((await names({ free: true, license: f.value })).length).toBe(f.count);
    for (const f of facets.publishers) expect((await names({ free: true, publisher: f.value })).length).toBe(f.count);
    for (const f of facets.tags) expect((await names({ free: true, tags: [f.value] })).length).toBe(f.count);
  });

  it("facet counts stay exact as listings are retagged, relicensed, withdrawn, deleted and come back", async () => {
    type Filter = { license?: string; publisher?: string; tags?: string[]; free?: boolean; broker?: string };
    const total = async (query: string | null, filter: Filter | null) =>
      (await t().execute(Listings, { query, filter, first: 1 })).expectNoErrors().listings.totalCount;
    const facets = async (query: string | null, filter: Filter | null) => (await t().execute(Facets, { query, filter })).expectNoErrors().listingFacets;
    // Every facet count is what the same search with that value as a filter finds, and every
    // listing has one licence and one publisher, so those counts add up to the total.
    const agree = async (query: string | null, filter: Filter | null) => {
      const f = await facets(query, filter);
      expect(f.total, `${query} ${JSON.stringify(filter)}`).toBe(await total(query, filter));
      expect(f.licenses.reduce((n, x) => n + x.count, 0)).toBe(f.total);
      expect(f.publishers.reduce((n, x) => n + x.count, 0)).toBe(f.total);
      for (const x of f.licenses) expect(await total(query, { ...filter, license: x.value })).toBe(x.count);
      for (const x of f.publishers) expect(await total(query, { ...filter, publisher: x.value })).toBe(x.count);
      for (const x of f.tags) expect(await total(query, { ...filter, tags: [...(filter?.tags ?? []), x.value] })).toBe(x.count);
    };
    const searches: [string | null, Filter | null][] = [
      [null, null],
      ["kit", null],
      [null, { license: "MIT" }],
      ["tool", { tags: ["x"] }],
      [null, { free: true }],
      ["kit", { broker: "partner" }],
    ];
    const catalogue = async () => {
      const f = await facets(null, null);
      for (const [q, filter] of searches) await agree(q, filter);
      return { total: f.total, tags: f.tags, licenses: f.licenses, publishers: f.publishers };
    };

    await seedListings(database(), "local", [
      { name: "kit-alpha", description: "tool", tags: ["x", "y"], license: "MIT", publisher: "acme" },
      { name: "kit-beta", description: "tool", tags: ["y"], license: "Apache-2.0", publisher: "globex" },
    ]);
    await seedListings(database(), "partner", [{ name: "kit-gamma", description: "tool", tags: ["x"], license: "MIT", publisher: "acme", priceCents: 500 }]);
    expect(await catalogue()).toEqual({
      total: 3,
      tags: [{ value: "x", count: 2 }, { value: "y", count: 2 }],
      licenses: [{ value: "MIT", count: 2 }, { value: "Apache-2.0", count: 1 }],
      publishers: [{ value: "acme", count: 2 }, { value: "globex", count: 1 }],
    });

    // Republished with other tags and another licence (as an approval or a sync writes it).
    await seedListings(database(), "local", [{ name: "kit-alpha", description: "tool", tags: ["z"], license: "ISC", publisher: "acme" }]);
    expect(await catalogue()).toMatchObject({
      total: 3,
      tags: [{ value: "x", count: 1 }, { value: "y", count: 1 }, { value: "z", count: 1 }],
      licenses: [{ value: "Apache-2.0", count: 1 }, { value: "ISC", count: 1 }, { value: "MIT", count: 1 }],
    });

    // Withdrawn the way a sync withdraws listings gone from the feed: no longer counted anywhere.
    await db().marketplaceListing.updateMany({ where: { broker: { name: "partner" } }, data: { status: "WITHDRAWN", withdrawnAt: new Date() } });
    expect(await catalogue()).toMatchObject({ total: 2, tags: [{ value: "y", count: 1 }, { value: "z", count: 1 }], publishers: [{ value: "acme", count: 1 }, { value: "globex", count: 1 }] });
    expect(await total("gamma", null)).toBe(0);

    // Deleted, then back in the feed.
    await db().marketplaceListing.deleteMany({ where: { name: "kit-beta" } });
    await seedListings(database(), "partner", [{ name: "kit-gamma", description: "tool", tags: ["x"], license: "MIT", publisher: "acme", priceCents: 500 }]);
    expect(await catalogue()).toEqual({
      total: 2,
      tags: [{ value: "x", count: 1 }, { value: "z", count: 1 }],
      licenses: [{ value: "ISC", count: 1 }, { value: "MIT", count: 1 }],
      publishers: [{ value: "acme", count: 2 }],
    });

    // A whole broker removed takes its listings out of the counts.
    await db().broker.delete({ where: { name: "partner" } });
    expect(await catalogue()).toMatchObject({ total: 1, tags: [{ value: "z", count: 1 }] });
    // Filter values nobody has find nothing (and are not errors).
    expect(await total("kit", { license: "WTFPL" })).toBe(0);
    expect(await total(null, { broker: "nobody" })).toBe(0);
    expect((await facets("kit", { tags: ["nope"] })).total).toBe(0);
  });

  it("facets list the 20 largest values of each kind, ties by name, with a filter or without", async () => {
    // 25 publishers: p-00 … p-04 with 2 listings each, the rest with 1.
    const rows = Array.from({ length: 30 }, (_, i) => ({ name: `pack-${String(i).padStart(2, "0")}`, description: "pack", publisher: `p-${String(i % 25).padStart(2, "0")}` }));
    await seedListings(database(), "local", rows);
    const expected = [
      ...["p-00", "p-01", "p-02", "p-03", "p-04"].map((value) => ({ value, count: 2 })),
      ...Array.from({ length: 15 }, (_, i) => ({ value: `p-${String(i + 5).padStart(2, "0")}`, count: 1 })),
    ];
    for (const [query, filter] of [[null, null], ["pack", null], [null, { license: "MIT" }]] as const) {
      const f = (await t().execute(Facets, { query, filter })).expectNoErrors().listingFacets;
      expect(f.total).toBe(30);
      expect(f.publishers).toEqual(expected);
    }
  });

  it("ranks an exact name first with a filter too, and pages a filtered ranked search without gaps", async () => {
    await seedListings(database(), "local", [
      ...Array.from({ length: 12 }, (_, i) => ({ name: `scan-${String(i).padStart(2, "0")}`, description: "scan scan", tags: ["io"], downloads: i % 4 })),
      { name: "other", description: "scan", tags: ["io"], downloads: 5 },
      { name: "scan", description: "the one", tags: ["io"], downloads: 0 },
      { name: "scan-untagged", description: "scan", downloads: 100 },
    ]);
    const all = (await t().execute(Listings, { query: "scan", filter: { tags: ["io"] }, first: 100 })).expectNoErrors().listings;
    expect(all.totalCount).toBe(14);
    expect(all.edges[0]?.node.name).toBe("scan");
    expect(all.edges.at(-1)?.node.name).toBe("other");
    expect(all.edges.map((e) => e.node.name)).not.toContain("scan-untagged");
    const paged: string[] = [];
    let after: string | null | undefined = null;
    for (let i = 0; i < 10; i++) {
      const res: ResultOf<typeof Listings> = (await t().execute(Listings, { query: "scan", filter: { tags: ["io"] }, first: 4, after })).expectNoErrors();
      paged.push(...res.listings.edges.map((e) => e.node.name));
      if (!res.listings.pageInfo.hasNextPage) break;
      after = res.listings.pageInfo.endCursor;
    }
    expect(paged).toEqual(all.edges.map((e) => e.node.name));
  });

  it("pages are stable: every listing once, in order, for each ordering, while listings are added", async () => {
    await seedListings(
      database(),
      "local",
      Array.from({ length: 23 }, (_, i) => ({
        name: `kit-${String(i).padStart(2, "0")}`,
        description: i % 2 ? "tool kit" : "kit",
        downloads: i % 5,
        rating: (i % 3) + 1,
      })),
    );
    for (const orderBy of ["RELEVANCE", "DOWNLOADS", "RATING", "NEWEST"] as const) {
      const all = (await t().execute(Listings, { query: "kit", orderBy, first: 100 })).expectNoErrors().listings.edges.map((e) => e.node.name);
      expect(all.length).toBeGreaterThanOrEqual(23);
      const paged: string[] = [];
      let after: string | null | undefined = null;
      for (let i = 0; i < 10; i++) {
        const res: ResultOf<typeof Listings> = (await t().execute(Listings, { query: "kit", orderBy, first: 5, after })).expectNoErrors();
        const page = res.listings;
        paged.push(...page.edges.map((e) => e.node.name));
        // A listing added mid-way (not for RELEVANCE: bm25 scores depend on the whole corpus, so
        // an insert may legitimately reorder relevance results).
        if (i === 0 && orderBy !== "RELEVANCE") {
          await seedListings(database(), "local", [{ name: `zz-kit-new-${orderBy.toLowerCase()}`, description: "kit", downloads: 0, rating: 0 }]);
        }
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      // Nothing repeated, nothing from the first snapshot missing, order kept.
      expect(new Set(paged).size, orderBy).toBe(paged.length);
      expect(paged.filter((n) => all.includes(n)), orderBy).toEqual(all);
    }
    const bad = await t().execute(Listings, { query: "kit", orderBy: "RATING", after: "bm90LWEtY3Vyc29y" });
    expect(bad.expectErrors()[0]?.message).toMatch(/after: is not a cursor from this search and order/);
    const tooBig = await t().execute(Listings, { first: 101 });
    expect(tooBig.expectErrors()[0]?.message).toMatch(/first: must be at most 100/);
  });

  it("lists listings with their artifacts, tags and broker in a constant number of statements", async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({
      name: `bundle-${i}`,
      tags: [`t${i}`, "shared"],
      artifacts: [
        { type: "SKILL" as const, name: `s${i}` },
        { type: "COMMAND" as const, name: `c${i}` },
      ],
    }));
    await seedListings(database(), "local", many.slice(0, 3));
    const few = await t().countStatements(() => t().execute(ListingsDeep, { first: 50 }));
    await seedListings(database(), "local", many.slice(3));
    let data: unknown;
    const lots = await t().countStatements(async () => {
      data = (await t().execute(ListingsDeep, { first: 50 })).expectNoErrors();
    });
    expect(lots.count).toBe(few.count);
    expect(lots.count).toBeLessThanOrEqual(6);
    const edges = (data as { listings: { edges: { node: { name: string; tags: string[]; artifactCount: number; artifacts: { key: string }[] } }[] } }).listings.edges;
    expect(edges).toHaveLength(12);
    const b7 = edges.find((e) => e.node.name === "bundle-7")?.node;
    expect(b7).toMatchObject({ tags: ["shared", "t7"], artifactCount: 2, artifacts: [{ key: "skill:s7" }, { key: "command:c7" }] });
  });

  it("searches with totalCount, tags, artifacts, artifactCount and broker in the same statements for 5 listings as for 20", async () => {
    // The benchmark's GraphQL selection (bench/marketplace.bench.ts).
    const doc = `query($q: String, $first: Int) { listings(query: $q, filter: { license: "MIT" }, first: $first) { totalCount edges { node { name tags artifactCount artifacts { key } broker { name } } } } }`;
    type Res = { listings: { totalCount: number; edges: { node: { name: string; tags: string[]; artifactCount: number; artifacts: { key: string }[]; broker: { name: string } } }[] } };
    const rows = (broker: string, from: number) =>
      Array.from({ length: 15 }, (_, i) => ({
        name: `deck-${broker}-${String(from + i).padStart(2, "0")}`,
        description: "deck builder",
        tags: [`t${i % 4}`, "cards"],
        license: i % 5 === 4 ? "ISC" : "MIT",
        downloads: from + i,
        artifacts: Array.from({ length: (i % 3) + 1 }, (_, k) => ({ type: "SKILL" as const, name: `deck-${broker}-${from + i}-${k}` })),
      }));
    await seedListings(database(), "local", rows("local", 0));
    await seedListings(database(), "partner", rows("partner", 15));
    let small: Res | undefined;
    let large: Res | undefined;
    const five = await t().countStatements(async () => {
      small = (await t().execute<Res, unknown>(doc, { q: "deck", first: 5 })).expectNoErrors();
    });
    const twenty = await t().countStatements(async () => {
      large = (await t().execute<Res, unknown>(doc, { q: "deck", first: 20 })).expectNoErrors();
    });
    expect(small?.listings.edges).toHaveLength(5);
    expect(large?.listings.edges).toHaveLength(20);
    expect(twenty.count).toBe(five.count);
    expect(twenty.count).toBeLessThanOrEqual(7);
    // Prisma's relation count joined a GROUP BY over every ListingArtifact row (WHERE 1=1) to each listing.
    expect(twenty.statements.filter((sql) => /ListingArtifact\W*\s+WHERE 1=1/.test(sql))).toEqual([]);
    // 24 of the 30 are MIT; the counts and lists are each listing's own.
    expect(large?.listings.totalCount).toBe(24);
    for (const { node } of large?.listings.edges ?? []) {
      const [, broker, n] = /^deck-(\w+)-(\d+)$/.exec(node.name) ?? [];
      const i = Number(n) % 15;
      expect(node.broker.name).toBe(broker);
      expect(node.artifactCount).toBe((i % 3) + 1);
      expect(node.artifacts.map((a) => a.key)).toEqual(Array.from({ length: (i % 3) + 1 }, (_, k) => `skill:deck-${broker}-${Number(n)}-${k}`));
      expect(node.tags).toEqual(["cards", `t${i % 4}`]);
    }
  });

  it("breaks relevance ties at a page's end by downloads, then id, on the first page and after it", async () => {
    // Twelve listings the word scores equally; the page ends inside the tie.
    await seedListings(database(), "local", [
      ...Array.from({ length: 12 }, (_, i) => ({ name: `tie-${String(i).padStart(2, "0")}`, description: "same words", downloads: (i * 7) % 12 })),
      { name: "tie", description: "exact name", downloads: 0 },
      { name: "tie-other", description: "more words here", downloads: 1000 },
    ]);
    const byDownloads = Array.from({ length: 12 }, (_, i) => ({ name: `tie-${String(i).padStart(2, "0")}`, downloads: (i * 7) % 12 }))
      .sort((a, b) => b.downloads - a.downloads)
      .map((x) => x.name);
    const first = (await t().execute(Listings, { query: "tie", first: 5 })).expectNoErrors().listings;
    expect(first.totalCount).toBe(14);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const all = (await t().execute(Listings, { query: "tie", first: 100 })).expectNoErrors().listings.edges.map((e) => e.node.name);
    expect(all[0]).toBe("tie");
    // The twelve equal ones in downloads order, wherever "tie-other" (a longer text) falls.
    expect(all.filter((n) => n !== "tie" && n !== "tie-other")).toEqual(byDownloads);
    expect(first.edges.map((e) => e.node.name)).toEqual(all.slice(0, 5));
    const second = (await t().execute(Listings, { query: "tie", first: 5, after: first.pageInfo.endCursor })).expectNoErrors().listings;
    expect(second.edges.map((e) => e.node.name)).toEqual(all.slice(5, 10));
  });

  it("answers GET queries with an ETag and 304 until a listing changes", async () => {
    await seedListings(database(), "local", [{ name: "cached", description: "cache me" }]);
    const first = await t().execute(Listings, { query: "cached" }, { method: "GET" });
    const etag = first.headers.get("etag");
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^".+"$/);

    const again = await t().app.yoga.fetch(
      `http://skillgraph.test/graphql?${new URLSearchParams({ query: `query { listings(query: "cached") { totalCount } }` })}`,
      { headers: { accept: "application/json" } },
    );
    const etag2 = again.headers.get("etag") ?? "";
    const notModified = await t().app.yoga.fetch(
      `http://skillgraph.test/graphql?${new URLSearchParams({ query: `query { listings(query: "cached") { totalCount } }` })}`,
      { headers: { accept: "application/json", "if-none-match": etag2 } },
    );
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe("");

    await seedListings(database(), "local", [{ name: "cached-two", description: "cache me too" }]);
    const changed = await t().app.yoga.fetch(
      `http://skillgraph.test/graphql?${new URLSearchParams({ query: `query { listings(query: "cached") { totalCount } }` })}`,
      { headers: { accept: "application/json", "if-none-match": etag2 } },
    );
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag2);
    expect(await changed.json()).toEqual({ data: { listings: { totalCount: 2 } } });
    // POST is never cached.
    const post = await t().execute(Listings, { query: "cached" });
    expect(post.headers.get("etag")).toBeNull();
  });
});
