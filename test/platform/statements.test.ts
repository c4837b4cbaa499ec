import { describe, expect, it } from "vitest";
import { graphql } from "../gql/index.js";
import { useTestApp, type TestApp } from "../helpers/app.js";

const ListWithRelations = graphql(`
  query ListWithRelations($first: Int!) {
    artifacts(first: $first) {
      totalCount
      edges {
        node {
          key
          tags { name slug artifactCount }
          groups { name position }
          collection { name artifactCount }
        }
      }
    }
  }
`);

const CollectionsDeep = graphql(`
  query CollectionsDeep {
    collections(first: 20) {
      edges {
        node {
          name
          tags { name }
          groups { name members { key tags { name } } }
          artifacts(first: 50) { totalCount edges { node { key } } }
        }
      }
    }
  }
`);

async function seed(t: TestApp, prefix: string, n: number) {
  const svc = t.app.services;
  const collection = await svc.collections.create({ name: `${prefix}-c` });
  const group = await svc.groups.create({ name: `${prefix}-g`, collection: collection.name });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = await svc.artifacts.add({
      collection: collection.name,
      type: "SKILL",
      name: `${prefix}-${String(i).padStart(3, "0")}`,
      origin: "LOCAL",
      tags: [`${prefix}-tag-${i % 3}`, `${prefix}-shared`],
    });
    ids.push(a.id);
  }
  await svc.groups.setMembers(group.id, ids);
}

describe("lists cost a constant number of SQL statements", () => {
  const t = useTestApp();

  it("artifacts(first: N) { tags groups collection } is the same for 10 and 100 artifacts", async () => {
    await seed(t(), "small", 10);
    const small = await t().countStatements(async () => {
      const data = (await t().execute(ListWithRelations, { first: 100 })).expectNoErrors();
      expect(data.artifacts.edges).toHaveLength(10);
      expect(data.artifacts.edges[0]?.node.tags.map((x) => x.name)).toEqual(["small-shared", "small-tag-0"]);
      expect(data.artifacts.edges[0]?.node.groups).toEqual([{ name: "small-g", position: 0 }]);
    });
    await t().clear();
    await seed(t(), "large", 100);
    const large = await t().countStatements(async () => {
      const data = (await t().execute(ListWithRelations, { first: 100 })).expectNoErrors();
      expect(data.artifacts.edges).toHaveLength(100);
      expect(data.artifacts.totalCount).toBe(100);
    });
    expect(large.count).toBe(small.count);
    // Authentication is anonymous here: these are all the statements of the query itself.
    expect(large.count).toBeLessThanOrEqual(12);
  });

  it("collections with groups, members, tags and nested connections do not go N+1", async () => {
    await t().clear();
    await seed(t(), "one", 5);
    const one = await t().countStatements(async () => (await t().execute(CollectionsDeep, {})).expectNoErrors());
    await seed(t(), "two", 30);
    await seed(t(), "three", 30);
    const three = await t().countStatements(async () => {
      const data = (await t().execute(CollectionsDeep, {})).expectNoErrors();
      expect(data.collections.edges.map((e) => e.node.name)).toEqual(["one-c", "three-c", "two-c"]);
      expect(data.collections.edges[1]?.node.artifacts.totalCount).toBe(30);
      expect(data.collections.edges[1]?.node.groups[0]?.members).toHaveLength(30);
    });
    expect(three.count).toBe(one.count);
  });
});

// The side-by-side benchmark's workloads (bench/compare): a page with its tags and collection, and
// one artifact by key with its tags, each in at most 2 statements with a token: its check (SQLite:
// the cached token's freshness signal; PostgreSQL: the token's row) and the read itself.
const W1 = `query W1 { artifacts(first: 100) { edges { node { key name type tags { name } collection { name } } } } }`;
const W2 = `query W2($key: String!) { artifact(key: $key) { key name type tags { name } } }`;

describe("the benchmark's workloads", () => {
  const t = useTestApp();

  it("W1 and W2 each take at most 2 statements", async () => {
    for (let i = 0; i < 120; i++) {
      await t().app.services.artifacts.add({ type: "SKILL", name: `w-${String(i).padStart(3, "0")}`, origin: "LOCAL", tags: [`t${i % 7}`, "all"] });
    }
    const run = async (query: string, variables: Record<string, unknown>) =>
      t().countStatements(async () => {
        (await t().execute(query, variables, { token: "read" })).expectNoErrors();
      });
    // The first requests record the token's use (a write the cache then sees once).
    for (let i = 0; i < 2; i++) await run(W2, { key: "skill:w-001" });
    const w1 = await run(W1, {});
    const w2 = await run(W2, { key: "skill:w-050" });
    expect(w1.count, w1.statements.join("\n")).toBeLessThanOrEqual(2);
    expect(w2.count, w2.statements.join("\n")).toBeLessThanOrEqual(2);
  });
});
