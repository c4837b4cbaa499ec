// The medallion writes: their statements, transactions, guards and races.
import { beforeEach, describe, expect, it } from "vitest";
import { SQLITE_WRITE_LOCK } from "../../src/db/database.js";
import { MedallionStore, updateContent } from "../../src/modules/medallions/store.js";
import { syncIndexRows } from "../../src/modules/medallions/index-rows.js";
import { useTestApp } from "../helpers/app.js";

const content = (i: number, nodes: string[], tags: string[] = []) => ({
  model: "test",
  scope: { graphNodes: nodes, tags },
  summary: { highLevel: `medallion ${i}` },
  decisions: [{ decisionId: "D-1", statement: `first ${i}`, confidence: 0.5 }],
  knowledgeMinTs: new Date("2026-10-01T00:00:00Z"),
  knowledgeMaxTs: new Date("2026-10-02T00:00:00Z"),
});

// Transaction boundaries, and the write that takes SQLite's lock first (db/database.ts).
const isBoundary = (q: string) => /^(BEGIN|COMMIT|ROLLBACK)\b/i.test(q.trim()) || q === SQLITE_WRITE_LOCK;
const verb = (q: string) => q.trim().split(/\s/)[0]?.toUpperCase();

describe("medallion writes", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());
  const service = () => t().app.services.medallions;
  const rowCounts = async () => {
    const db = t().app.database.prisma;
    return { medallions: await db.medallion.count(), nodes: await db.medallionGraphNode.count(), tags: await db.medallionTag.count() };
  };

  it("creates, reads and replaces a document: one transaction per write, one statement per read", async () => {
    const s = service();
    const create = await t().countStatements(() => s.create({ ...content(1, ["src/a", "src/a/x.ts"], ["t1"]), medallionId: "med-00000000000a" }));
    expect(create.statements.filter((q) => !isBoundary(q)).map(verb)).toEqual(["INSERT", "INSERT", "INSERT"]);
    expect(create.statements.some(isBoundary)).toBe(true);
    expect(await rowCounts()).toEqual({ medallions: 1, nodes: 2, tags: 1 });

    const get = await t().countStatements(async () => expect((await s.document("med-00000000000a")).decisions).toEqual([{ id: "D-1", statement: "first 1", rationale: "", confidence: 0.5 }]));
    expect(get.count).toBe(1);

    const moved = await t().countStatements(() => s.update("med-00000000000a", content(2, ["src/b"], ["t2", "t3"])));
    expect(moved.statements.filter((q) => !isBoundary(q)).map(verb)).toEqual(["SELECT", "UPDATE", "DELETE", "DELETE", "INSERT", "INSERT"]);
    const doc = await s.document("med-00000000000a");
    expect(doc.scope).toEqual({ graphNodes: ["src/b"], tags: ["t2", "t3"] });
    expect(doc.summary.highLevel).toBe("medallion 2");
    expect(await rowCounts()).toEqual({ medallions: 1, nodes: 1, tags: 2 });
    expect(await s.find({ graphNodes: ["src/a"] })).toEqual([]);
    expect((await s.find({ tags: ["t3"] })).map((d) => d.meta.medallionId)).toEqual(["med-00000000000a"]);
  });

  it("refuses a taken id and a second ACTIVE medallion of a scope, writing nothing", async () => {
    const s = service();
    await s.create({ ...content(1, ["src/a"], ["t"]), medallionId: "med-00000000000a" });
    await expect(s.create({ ...content(2, ["src/other"]), medallionId: "med-00000000000a" })).rejects.toMatchObject({ name: "AlreadyExistsError", field: "medallionId" });
    await expect(s.create(content(3, ["src/a"], ["t"]))).rejects.toMatchObject({ name: "AlreadyExistsError", field: "scope" });
    // Nothing of the refused writes was kept: no row, no index row.
    expect(await rowCounts()).toEqual({ medallions: 1, nodes: 1, tags: 1 });
    const b = await s.create(content(4, ["src/b"]));
    await expect(s.update(b.id, content(5, ["src/a"], ["t"]))).rejects.toMatchObject({ name: "AlreadyExistsError", field: "scope" });
    expect((await s.document(b.id)).scope).toEqual({ graphNodes: ["src/b"], tags: [] });
    expect(await rowCounts()).toEqual({ medallions: 2, nodes: 2, tags: 1 });
  });

  it("refuses invalid input naming the field, writing nothing", async () => {
    const s = service();
    await expect(s.create({ ...content(1, ["src/a"]), summary: { highLevel: "x".repeat(301) } })).rejects.toMatchObject({
      name: "InvalidInputError",
      field: "input.summary.highLevel",
    });
    expect(await rowCounts()).toEqual({ medallions: 0, nodes: 0, tags: 0 });
  });

  it("refuses a stale update: the revision guard fails and none of the plan's statements run", async () => {
    const s = service();
    const m = await s.create(content(1, ["src/a"], ["t"]));
    const current = await s.byId(m.id);
    await s.update(m.id, content(2, ["src/a"], ["t"])); // another writer: revision 0 → 1
    const stale = { ...current, highLevel: "stale", updatedAt: new Date("2030-01-01T00:00:00Z") };
    const store = new MedallionStore(t().app.database);
    const wrote = await store.write({ guard: updateContent(stale, current.revision), statements: [syncIndexRows("node", m.id)] });
    expect(wrote).toBe(false);
    const after = await s.byId(m.id);
    expect(after).toMatchObject({ highLevel: "medallion 2", revision: 1 });
    const node = await t().app.database.prisma.medallionGraphNode.findFirstOrThrow({ where: { medallionId: m.id } });
    expect(node.updatedAt.toISOString()).toBe(after.updatedAt.toISOString());
    // At the current revision the same write goes through.
    expect(await store.write({ guard: updateContent({ ...after, highLevel: "fresh" }, after.revision), statements: [] })).toBe(true);
    expect((await s.byId(m.id)).highLevel).toBe("fresh");
  });

  it("produces one medallion from concurrent checkpoints of one scope, keeping every session's decisions", async () => {
    const s = service();
    const n = 8;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        s.checkpoint({ scope: { graphNodes: ["src/race"], tags: ["race"] }, evidence: { sessionSummary: `session ${i}`, artefacts: { decisions: [{ id: `D-${i}`, statement: `s ${i}` }] } } }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.medallion.id)).size).toBe(1);
    expect(await rowCounts()).toEqual({ medallions: 1, nodes: 1, tags: 1 });
    const final = await s.document(results[0]?.medallion.id ?? "");
    expect(final.decisions.map((d) => d.id).sort()).toEqual(Array.from({ length: n }, (_, i) => `D-${i}`).sort());
    expect((await s.byId(final.meta.medallionId)).revision).toBe(n - 1);
  });

  it("changes status with the index rows, and refuses re-activating onto a taken scope", async () => {
    const s = service();
    const a = await s.create(content(1, ["src/s"], ["s"]));
    const stale = await s.setStatus(a.id, "STALE");
    expect(stale).toMatchObject({ status: "STALE", activeScopeKey: null });
    const rows = await t().app.database.prisma.medallionTag.findMany({ where: { medallionId: a.id } });
    expect(rows.map((r) => [r.status, r.updatedAt.toISOString()])).toEqual([["STALE", stale.updatedAt.toISOString()]]);
    const b = await s.create(content(2, ["src/s"], ["s"]));
    await expect(s.setStatus(a.id, "ACTIVE")).rejects.toMatchObject({ name: "AlreadyExistsError", field: "scope", value: `active as ${b.id}` });
    expect((await s.byId(a.id)).status).toBe("STALE");
    expect((await s.find({ tags: ["s"] }, { statuses: ["STALE"] })).map((d) => d.meta.medallionId)).toEqual([a.id]);
  });
});

// SQLite lets one connection write at a time: a medallion write (on the driver's writer) must wait
// for a Prisma transaction that holds the write lock, rather than fail or block the event loop the
// transaction needs to finish. PostgreSQL gives each its own connection.
describe.runIf(!process.env.TEST_DATABASE_URL)("medallion writes while a Prisma transaction holds SQLite's writer", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());

  it("wait for that transaction, then write on their own", async () => {
    const s = t().app.services.medallions;
    let opened: () => void = () => {};
    const open = new Promise<void>((resolve) => (opened = resolve));
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const holder = t().app.database.transaction(async (tx) => {
      opened();
      await released;
      // The write waited: it is not inside this transaction, and has not committed beside it.
      expect(await tx.prisma.medallion.count()).toBe(0);
      throw new Error("roll back");
    });
    await open;
    const created = s.create({ ...content(1, ["src/tx"]), medallionId: "med-00000000000f" });
    await new Promise((r) => setTimeout(r, 50));
    release();
    await expect(holder).rejects.toThrow("roll back");
    await created;
    // Written after the rollback, so kept.
    expect((await s.document("med-00000000000f")).scope.graphNodes).toEqual(["src/tx"]);
  });
});
