// How medallions are stored and read: a document is one row (its parts are JSON columns), the
// graph nodes and tags are index rows that follow the medallion's status and updatedAt, and a
// write is one transaction of a few statements. Counted statements prove the costs stay fixed.
import { beforeEach, describe, expect, it } from "vitest";
import { SQLITE_WRITE_LOCK } from "../../src/db/database.js";
import { useTestApp } from "../helpers/app.js";
import type { MedallionStatus } from "../gql/graphql.js";
import { matchSql, pageSql } from "../../src/modules/medallions/scope.js";
import { Medallions } from "./documents.js";

const content = (i: number, nodes: string[], tags: string[] = []) => ({
  model: "test",
  scope: { graphNodes: nodes, tags },
  summary: { highLevel: `medallion ${i}`, subsystems: [{ name: "core", status: "STABLE" }] },
  decisions: [
    { decisionId: "D-1", statement: `first ${i}`, confidence: 0.5 },
    { decisionId: "D-2", statement: `second ${i}`, rationale: "why", confidence: 1 },
  ],
  openQuestions: [{ questionId: "Q-1", question: `open ${i}`, blockedOn: ["review"], priority: "HIGH" }],
  affordances: { invariants: ["keep it"] },
  knowledgeMinTs: new Date("2026-10-01T00:00:00Z"),
  knowledgeMaxTs: new Date("2026-10-02T00:00:00Z"),
});

describe("medallion storage", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());
  const service = () => t().app.services.medallions;
  const at = (minute: number) => new Date(Date.UTC(2026, 9, 1, 0, minute));

  async function ids(scope: { graphNodes?: string[]; tags?: string[] } | null, status?: MedallionStatus[], first = 20, after?: string | null) {
    const res = (await t().execute(Medallions, { scope, status, first, after }, { token: "read" })).expectNoErrors().medallions;
    return { ids: res.edges.map((e) => e.node.medallionId), res };
  }
  // Transaction boundaries, and the write that takes SQLite's lock first (db/database.ts).
  const isBoundary = (q: string) => /^(BEGIN|COMMIT|ROLLBACK)\b/i.test(q.trim()) || q === SQLITE_WRITE_LOCK;
  const verb = (q: string) => q.trim().split(/\s/)[0]?.toUpperCase();

  it("reads a whole document in one statement and writes it in one transaction", async () => {
    const create = await t().countStatements(() => service().create({ ...content(1, ["src/a", "src/a/x.ts"], ["t1", "t2"]), medallionId: "med-000000000001" }));
    // The row, its node rows and its tag rows: one INSERT each, inside one transaction.
    expect(create.statements.filter((q) => !isBoundary(q)).map(verb)).toEqual(["INSERT", "INSERT", "INSERT"]);
    expect(create.statements.some(isBoundary)).toBe(true);

    const get = await t().countStatements(async () => {
      const doc = await service().document("med-000000000001");
      expect(doc.scope).toEqual({ graphNodes: ["src/a", "src/a/x.ts"], tags: ["t1", "t2"] });
      expect(doc.decisions.map((d) => d.id)).toEqual(["D-1", "D-2"]);
      expect(doc.openQuestions).toEqual([{ id: "Q-1", question: "open 1", blockedOn: ["review"], priority: "HIGH" }]);
      expect(doc.summary.subsystems).toEqual([{ name: "core", status: "STABLE", notes: "" }]);
      expect(doc.affordances.invariants).toEqual(["keep it"]);
    });
    expect(get.count).toBe(1);

    // Same scope: read, then UPDATE the row and re-date its index rows in one transaction.
    const same = await t().countStatements(() => service().update("med-000000000001", { ...content(2, ["src/a/x.ts", "src/a"], ["t2", "t1"]), decisions: [] }));
    expect(same.statements.filter((q) => !isBoundary(q)).map(verb)).toEqual(["SELECT", "UPDATE", "UPDATE", "UPDATE"]);
    expect(same.statements.some(isBoundary)).toBe(true);
    expect((await service().document("med-000000000001")).decisions).toEqual([]);
    // New scope: the index rows are replaced (one DELETE and one INSERT per table).
    const moved = await t().countStatements(() => service().update("med-000000000001", content(3, ["src/b"], ["t3"])));
    expect(moved.statements.filter((q) => !isBoundary(q)).map(verb)).toEqual(["SELECT", "UPDATE", "DELETE", "DELETE", "INSERT", "INSERT"]);
    const doc = await service().document("med-000000000001");
    expect(doc.scope).toEqual({ graphNodes: ["src/b"], tags: ["t3"] });
    expect((await ids({ graphNodes: ["src/a"] })).ids).toEqual([]);
    expect((await ids({ tags: ["t1"] })).ids).toEqual([]);
    expect((await ids({ graphNodes: ["src/b"], tags: ["t3"] })).ids).toEqual(["med-000000000001"]);

    // A page whose selection needs no relation: the scope SQL and one read of the rows.
    const page = await t().countStatements(async () => {
      const res = await t().execute(`{ medallions(scope: {graphNodes: ["src/b"]}) { edges { node { medallionId scope { tags } decisions { decisionId } openQuestions { question } summary { subsystems { name } } } } } }`, undefined, { token: "read" });
      expect(res.expectNoErrors()).toEqual({
        medallions: { edges: [{ node: { medallionId: "med-000000000001", scope: { tags: ["t3"] }, decisions: [{ decisionId: "D-1" }, { decisionId: "D-2" }], openQuestions: [{ question: "open 3" }], summary: { subsystems: [{ name: "core" }] } } }] },
      });
    });
    expect(page.statements.filter((q) => q.includes("Medallion"))).toHaveLength(2);
  });

  it("moves an updated medallion to the front of its scope's pages", async () => {
    const a = await service().create({ ...content(1, ["src/p", "src/p/a.ts"], ["x"]), createdAt: at(1), updatedAt: at(1) });
    const b = await service().create({ ...content(2, ["src/p"], ["x", "y"]), createdAt: at(2), updatedAt: at(2) });
    expect((await ids({ graphNodes: ["src/p"] })).ids).toEqual([b.id, a.id]);
    expect((await ids({ tags: ["x"] })).ids).toEqual([b.id, a.id]);
    await service().update(a.id, content(3, ["src/p", "src/p/a.ts"], ["x"]));
    // a's updatedAt is now: it leads by node, by tag and in the unscoped list.
    expect((await ids({ graphNodes: ["src/p"] })).ids).toEqual([a.id, b.id]);
    expect((await ids({ tags: ["x", "y"] })).ids).toEqual([a.id, b.id]);
    expect((await ids(null)).ids).toEqual([a.id, b.id]);
  });

  it("pages through several statuses and overlapping tags without repeats or gaps", async () => {
    // Ten medallions, one minute apart; statuses alternate; tags overlap (some have both).
    const made: { id: string; status: MedallionStatus; tags: string[] }[] = [];
    for (let i = 0; i < 10; i++) {
      const status: MedallionStatus = i % 3 === 0 ? "STALE" : i % 3 === 1 ? "ACTIVE" : "SUPERSEDED";
      const tags = i % 2 === 0 ? ["red", "blue"] : i % 4 === 1 ? ["red"] : ["blue"];
      const m = await service().create({ ...content(i, [`n/${i}`, "n"], tags), status, createdAt: at(i), updatedAt: at(i) });
      made.push({ id: m.id, status, tags });
    }
    const newestFirst = (pred: (m: (typeof made)[number]) => boolean) => made.filter(pred).map((m) => m.id).reverse();
    /** Walks every page of 3 with cursors; each page's totalCount is the whole expected list's. */
    const walk = async (scope: { graphNodes?: string[]; tags?: string[] } | null, status: MedallionStatus[], expected: string[]) => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 20; guard++) {
        const { ids: page, res } = await ids(scope, status, 3, after);
        expect(res.totalCount).toBe(expected.length);
        seen.push(...page);
        if (!res.pageInfo.hasNextPage) break;
        after = res.pageInfo.endCursor ?? null;
      }
      expect(seen).toEqual(expected);
    };
    await walk({ tags: ["red", "blue"] }, ["ACTIVE", "STALE"], newestFirst((m) => m.status !== "SUPERSEDED"));
    await walk({ tags: ["red"] }, ["ACTIVE", "STALE", "SUPERSEDED"], newestFirst((m) => m.tags.includes("red")));
    await walk({ graphNodes: ["n"], tags: ["blue"] }, ["STALE", "SUPERSEDED"], newestFirst((m) => m.status !== "ACTIVE" && m.tags.includes("blue")));
    await walk(null, ["SUPERSEDED", "ACTIVE"], newestFirst((m) => m.status !== "STALE"));
  });

  it("refuses an update onto another ACTIVE medallion's exact scope and writes nothing", async () => {
    const a = await service().create({ ...content(1, ["src/u"], ["u"]), createdAt: at(1), updatedAt: at(1) });
    const b = await service().create({ ...content(2, ["src/v"], ["v"]), createdAt: at(2), updatedAt: at(2) });
    await expect(service().update(a.id, content(3, ["src/v"], ["v"]))).rejects.toMatchObject({ name: "AlreadyExistsError" });
    const doc = await service().document(a.id);
    expect(doc.scope).toEqual({ graphNodes: ["src/u"], tags: ["u"] });
    expect(doc.summary.highLevel).toBe("medallion 1");
    expect((await ids({ graphNodes: ["src/v"] })).ids).toEqual([b.id]);
    expect((await ids({ tags: ["u"] })).ids).toEqual([a.id]);
  });

  it("keeps index rows in step with status changes", async () => {
    const a = await service().create({ ...content(1, ["src/s"], ["s"]), createdAt: at(1), updatedAt: at(1) });
    await service().setStatus(a.id, "STALE");
    expect((await ids({ graphNodes: ["src/s"] })).ids).toEqual([]);
    expect((await ids({ tags: ["s"] }, ["STALE"])).ids).toEqual([a.id]);
    const rows = await t().app.database.prisma.medallionGraphNode.findMany({ where: { medallionId: a.id } });
    const row = await t().app.database.prisma.medallion.findUniqueOrThrow({ where: { id: a.id } });
    expect(rows.map((r) => [r.status, r.updatedAt.toISOString()])).toEqual([["STALE", row.updatedAt.toISOString()]]);
  });

  it("reads a page from an index in page order, without sorting the matches (SQLite plan)", async (ctx) => {
    if (t().app.database.provider !== "sqlite") ctx.skip();
    const plan = async (scope: { graphNodes: string[]; tags: string[] } | null, statuses: MedallionStatus[], cursorId?: string) => {
      const sql = pageSql(matchSql(scope, statuses), { take: 21, skip: cursorId ? 1 : 0, cursorId });
      const rows = await t().app.database.prisma.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql.sql}`, ...sql.values);
      return rows.map((r) => r.detail).join(" | ");
    };
    const node = await plan({ graphNodes: ["src/a", "src/a/b.ts"], tags: ["x", "y"] }, ["ACTIVE"], "med-000000000001");
    expect(node).toMatch(/MedallionGraphNode_node_status_updatedAt_medallionId_idx \(node=\? AND status=\?/);
    expect(node).not.toMatch(/TEMP B-TREE/);
    const tag = await plan({ graphNodes: [], tags: ["x"] }, ["ACTIVE"]);
    expect(tag).toMatch(/MedallionTag_tag_status_updatedAt_medallionId_idx \(tag=\? AND status=\?\)/);
    expect(tag).not.toMatch(/TEMP B-TREE/);
    const all = await plan(null, ["ACTIVE"]);
    expect(all).toMatch(/Medallion_status_updatedAt_id_idx \(status=\?\)/);
    expect(all).not.toMatch(/TEMP B-TREE/);
    // Merged lanes sort only their own first rows (each lane is LIMITed), never every match.
    const lanes = await plan({ graphNodes: [], tags: ["x", "y"] }, ["ACTIVE", "STALE"]);
    expect(lanes.match(/MedallionTag_tag_status_updatedAt_medallionId_idx/g)).toHaveLength(4);
  });
});
