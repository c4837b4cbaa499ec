// Scope matching through the API: exact, subset, tag overlap, tag-only, status filter,
// ordering, limits and paging; a property test against the pure rule; no N+1.
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";
import type { CreateMedallionInput, MedallionStatus } from "../gql/graphql.js";
import { scopeMatches } from "../../src/modules/medallions/scope.js";
import { CreateMedallion, Medallions, MedallionsDeep, medallionInput, SetMedallionStatus } from "./documents.js";

describe("medallions by scope", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());

  /** Creates medallions with updatedAt one minute apart, in order, so the newest is the last. */
  async function seed(scopes: { graphNodes?: string[]; tags?: string[]; status?: MedallionStatus }[]) {
    const ids: string[] = [];
    for (const [i, s] of scopes.entries()) {
      const at = new Date(Date.UTC(2026, 9, 1, 0, i)).toISOString();
      const input: CreateMedallionInput = medallionInput({
        scope: { graphNodes: s.graphNodes ?? [], tags: s.tags ?? [] },
        status: s.status,
        createdAt: at,
        updatedAt: at,
      });
      const res = (await t().execute(CreateMedallion, { input }, { token: "write" })).expectNoErrors().createMedallion;
      if (res.__typename !== "CreateMedallionPayload") throw new Error(`${res.__typename}: ${"message" in res ? res.message : ""}`);
      ids.push(res.medallion.medallionId);
    }
    return ids;
  }

  async function query(scope: { graphNodes?: string[]; tags?: string[] } | null, status?: MedallionStatus[], first?: number, after?: string | null) {
    return (await t().execute(Medallions, { scope, status, first, after }, { token: "read" })).expectNoErrors().medallions;
  }
  const ids = async (...args: Parameters<typeof query>) => (await query(...args)).edges.map((e) => e.node.medallionId);

  it("matches exact scopes and supersets of the requested graph nodes, newest first", async () => {
    const [auth, authTokens, authAndDb, db] = await seed([
      { graphNodes: ["src/auth"] },
      { graphNodes: ["src/auth", "src/auth/tokens.ts"] },
      { graphNodes: ["src/auth", "src/db"] },
      { graphNodes: ["src/db"] },
    ]);
    expect(await ids({ graphNodes: ["src/auth"] })).toEqual([authAndDb, authTokens, auth]);
    expect(await ids({ graphNodes: ["src/auth", "src/db"] })).toEqual([authAndDb]);
    expect(await ids({ graphNodes: ["src/db", "./src/auth/"] })).toEqual([authAndDb]);
    expect(await ids({ graphNodes: ["src/db"] })).toEqual([db, authAndDb]);
    // A prefix is not a node: src/auth/tokens.ts is its own node.
    expect(await ids({ graphNodes: ["src/auth/tokens.ts"] })).toEqual([authTokens]);
    expect(await ids({ graphNodes: ["src"] })).toEqual([]);
    expect(await ids({ graphNodes: ["src/auth", "src/db", "src/jobs"] })).toEqual([]);
  });

  it("requires one shared tag when tags are asked for, and answers tag-only scopes", async () => {
    const [authTagged, authOther, untagged, tagOnly] = await seed([
      { graphNodes: ["src/auth"], tags: ["auth", "security"] },
      { graphNodes: ["src/auth"], tags: ["perf"] },
      { graphNodes: ["src/auth", "src/x"] },
      { tags: ["security"] },
    ]);
    expect(await ids({ graphNodes: ["src/auth"], tags: ["security"] })).toEqual([authTagged]);
    expect(await ids({ graphNodes: ["src/auth"], tags: ["perf", "security"] })).toEqual([authOther, authTagged]);
    expect(await ids({ graphNodes: ["src/auth"], tags: ["nope"] })).toEqual([]);
    expect(await ids({ tags: ["SECURITY"] })).toEqual([tagOnly, authTagged]);
    expect(await ids({ graphNodes: ["src/auth"] })).toEqual([untagged, authOther, authTagged]);
  });

  it("returns ACTIVE only unless status says otherwise", async () => {
    const [active, stale, superseded] = await seed([
      { graphNodes: ["a"], tags: ["one"] },
      { graphNodes: ["a"], tags: ["two"], status: "STALE" },
      { graphNodes: ["a"], tags: ["three"], status: "SUPERSEDED" },
    ]);
    expect(await ids({ graphNodes: ["a"] })).toEqual([active]);
    expect(await ids({ graphNodes: ["a"] }, ["STALE"])).toEqual([stale]);
    expect(await ids({ graphNodes: ["a"] }, ["ACTIVE", "SUPERSEDED"])).toEqual([superseded, active]);
    // A single value is coerced to a list.
    const single = await t().execute(`{ medallions(scope: {graphNodes: ["a"]}, status: SUPERSEDED) { edges { node { medallionId } } } }`, undefined, { token: "read" });
    expect(single.expectNoErrors()).toEqual({ medallions: { edges: [{ node: { medallionId: superseded } }] } });
    // Status changes move a medallion between the lists.
    (await t().execute(SetMedallionStatus, { medallionId: active, status: "STALE" }, { token: "write" })).expectNoErrors();
    expect(await ids({ graphNodes: ["a"] })).toEqual([]);
    expect(await ids({ graphNodes: ["a"] }, ["STALE"])).toEqual([active, stale]);
  });

  it("lists all without a scope; refuses an empty scope and an empty status list, saying why", async () => {
    const all = await seed([{ graphNodes: ["a"] }, { tags: ["b"] }, { graphNodes: ["c"], status: "STALE" }]);
    expect(await ids(null)).toEqual([all[1], all[0]]);
    const empty = await t().execute(Medallions, { scope: { graphNodes: [], tags: [] } }, { token: "read" });
    const [err] = empty.expectErrors();
    expect(err?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(err?.message).toMatch(/scope: must name at least one graph node or tag: an empty scope would match every medallion/);
    const noStatus = await t().execute(Medallions, { status: [] }, { token: "read" });
    expect(noStatus.expectErrors()[0]?.message).toMatch(/status: must list at least one status/);
    const bigPage = await t().execute(Medallions, { first: 101 }, { token: "read" });
    expect(bigPage.expectErrors()[0]?.message).toMatch(/first: must be at most 100/);
  });

  it("pages with first/after in order, with stable ties on updatedAt", async () => {
    const created = await seed(Array.from({ length: 7 }, (_, i) => ({ graphNodes: ["p", `p/${i}`] })));
    const newestFirst = [...created].reverse();
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await query({ graphNodes: ["p"] }, undefined, 3, after);
      expect(page.totalCount).toBe(7);
      seen.push(...page.edges.map((e) => e.node.medallionId));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor ?? null;
    }
    expect(seen).toEqual(newestFirst);
    expect(await ids({ graphNodes: ["p"] }, undefined, 2)).toEqual(newestFirst.slice(0, 2));
    expect(await ids({ graphNodes: ["p"] }, undefined, 0)).toEqual([]);
    // Backwards from a cursor: the page before it, still newest first.
    const middle = await query({ graphNodes: ["p"] }, undefined, 4);
    const back = (await t().execute(`query($before: String) { medallions(scope: {graphNodes: ["p"]}, last: 2, before: $before) { pageInfo { hasPreviousPage } edges { node { medallionId } } } }`, { before: middle.edges[3]?.cursor }, { token: "read" })).expectNoErrors() as { medallions: { pageInfo: { hasPreviousPage: boolean }; edges: { node: { medallionId: string } }[] } };
    expect(back.medallions.edges.map((e) => e.node.medallionId)).toEqual(newestFirst.slice(1, 3));
    expect(back.medallions.pageInfo.hasPreviousPage).toBe(true);

    // Same updatedAt: the id breaks the tie, and paging neither skips nor repeats.
    await t().clear();
    const at = "2026-10-01T00:00:00.000Z";
    for (let i = 0; i < 5; i++) {
      (await t().execute(CreateMedallion, { input: medallionInput({ scope: { tags: ["tie"] }, status: "STALE", createdAt: at, updatedAt: at }) }, { token: "write" })).expectNoErrors();
    }
    const one = await query({ tags: ["tie"] }, ["STALE"], 2);
    const two = await query({ tags: ["tie"] }, ["STALE"], 2, one.pageInfo.endCursor);
    const three = await query({ tags: ["tie"] }, ["STALE"], 2, two.pageInfo.endCursor);
    const paged = [...one.edges, ...two.edges, ...three.edges].map((e) => e.node.medallionId);
    expect(paged).toEqual([...paged].sort().reverse());
    expect(new Set(paged).size).toBe(5);
  });

  it("loads a page with nested scope, decisions and questions in a constant number of statements", async () => {
    const input = (i: number) =>
      medallionInput({
        scope: { graphNodes: ["src/shared", `src/m${i}`], tags: ["t"] },
        decisions: [{ decisionId: "D-1", statement: `d${i}`, confidence: 0.5 }],
        openQuestions: [{ questionId: "Q-1", question: `q${i}` }],
      });
    for (let i = 0; i < 3; i++) (await t().execute(CreateMedallion, { input: input(i) }, { token: "write" })).expectNoErrors();
    const small = await t().countStatements(() => t().execute(MedallionsDeep, { scope: { graphNodes: ["src/shared"] } }, { token: "read" }));
    for (let i = 3; i < 20; i++) (await t().execute(CreateMedallion, { input: input(i) }, { token: "write" })).expectNoErrors();
    const large = await t().countStatements(async () => {
      const res = (await t().execute(MedallionsDeep, { scope: { graphNodes: ["src/shared"] } }, { token: "read" })).expectNoErrors();
      expect(res.medallions.edges).toHaveLength(20);
      expect(res.medallions.edges.every((e) => e.node.decisions.length === 1 && e.node.openQuestions.length === 1 && e.node.scope.tags[0] === "t")).toBe(true);
    });
    // Token housekeeping (lastUsedAt) comes and goes; count the medallion statements only.
    const medallionStatements = (r: { statements: string[] }) => r.statements.filter((q) => q.includes("Medallion")).length;
    expect(medallionStatements(large)).toBe(medallionStatements(small));
    // The scope SQL for the page's ids, then the rows (scope, decisions and questions are columns
    // of the row) with their successors: one joined statement on PostgreSQL, two on SQLite.
    expect(medallionStatements(large)).toBe(t().app.database.provider === "postgresql" ? 2 : 3);
  });

  it("agrees with the matching rule on random scopes (property)", async () => {
    const nodes = ["a", "b", "c", "d"];
    const tags = ["x", "y", "z"];
    const scopeArb = fc
      .record({ graphNodes: fc.subarray(nodes), tags: fc.subarray(tags) })
      .filter((s) => s.graphNodes.length + s.tags.length > 0);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(scopeArb, { minLength: 1, maxLength: 8, selector: (s) => JSON.stringify(s) }), scopeArb, async (stored, wanted) => {
        await t().clear();
        const created = await seed(stored);
        const expected = created.filter((_, i) => {
          const s = stored[i];
          return s !== undefined && scopeMatches(wanted, s);
        });
        const got = await ids(wanted);
        expect([...got].sort()).toEqual([...expected].sort());
      }),
      { numRuns: 15 },
    );
  });
});
