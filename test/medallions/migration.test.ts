// Databases made before medallion documents moved into the row migrate forward with their data:
// decisions and questions (in order) become the row's JSON, the scope is copied beside its index
// rows, the index rows gain the medallion's status and updatedAt, and nothing else is lost.
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, providerOf, type Database } from "../../src/db/index.js";
import { migrate, migrationsRoot } from "../../src/db/migrator.js";
import { MedallionService } from "../../src/modules/medallions/index.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

const MIGRATION = "20261122044222_medallion_document_columns";
const at = (minute: number) => `'2026-10-01T00:${String(minute).padStart(2, "0")}:00.000+00:00'`;

// Old-shape rows as literals, which both databases accept for their column types.
const OLD_ROWS = [
  `INSERT INTO "Medallion" ("id", "model", "status", "scopeKey", "activeScopeKey", "highLevel", "subsystems", "affordances", "knowledgeMinTs", "knowledgeMaxTs", "createdAt", "updatedAt") VALUES
    ('med-00000000000a', 'old', 'ACTIVE', 'ka', 'ka', 'auth work', '[{"name":"core","status":"STABLE","notes":""}]', '{"recommendedEntryPoints":[],"avoidRepeating":[],"invariants":["keep"]}', ${at(0)}, ${at(1)}, ${at(1)}, ${at(5)}),
    ('med-00000000000b', 'old', 'SUPERSEDED', 'kb', NULL, 'older auth work', '[]', '{"recommendedEntryPoints":[],"avoidRepeating":[],"invariants":[]}', ${at(0)}, ${at(1)}, ${at(1)}, ${at(2)}),
    ('med-00000000000c', 'old', 'STALE', 'kc', NULL, 'tag only', '[]', '{"recommendedEntryPoints":[],"avoidRepeating":[],"invariants":[]}', ${at(0)}, ${at(1)}, ${at(1)}, ${at(3)})`,
  `UPDATE "Medallion" SET "supersededById" = 'med-00000000000a' WHERE "id" = 'med-00000000000b'`,
  `INSERT INTO "MedallionGraphNode" ("medallionId", "node") VALUES ('med-00000000000a', 'src/auth/z.ts'), ('med-00000000000a', 'src/auth'), ('med-00000000000b', 'src/auth')`,
  `INSERT INTO "MedallionTag" ("medallionId", "tag") VALUES ('med-00000000000a', 'security'), ('med-00000000000c', 'perf'), ('med-00000000000c', 'auth')`,
  `INSERT INTO "MedallionDecision" ("medallionId", "key", "position", "statement", "rationale", "confidence") VALUES
    ('med-00000000000a', 'D-9', 0, 'first', 'because', 0.25), ('med-00000000000a', 'D-1', 1, 'second', '', 1)`,
  `INSERT INTO "MedallionQuestion" ("medallionId", "key", "position", "question", "blockedOn", "priority") VALUES
    ('med-00000000000a', 'Q-1', 0, 'rotate?', '["review","ops"]', 'HIGH')`,
];

describe("migrating medallions to document columns", () => {
  let target: TestDatabase;
  let oldRoot: string;
  let database: Database | undefined;

  beforeAll(async () => {
    target = await createTestDatabase();
    // The migrations as they were before this one.
    oldRoot = mkdtempSync(join(tmpdir(), "skillgraph-old-migrations-"));
    for (const provider of ["sqlite", "postgresql"]) {
      for (const name of readdirSync(join(migrationsRoot, provider))) {
        if (name < MIGRATION) cpSync(join(migrationsRoot, provider, name), join(oldRoot, provider, name), { recursive: true });
      }
    }
  });
  afterAll(async () => {
    await database?.close();
    await target.drop();
    rmSync(oldRoot, { recursive: true, force: true });
  });

  it("keeps every medallion's decisions, questions, scope and successor, and indexes them by status and updatedAt", async () => {
    await migrate(target.url, oldRoot);
    const old = await openDatabase({ url: target.url, provider: providerOf(target.url) });
    for (const sql of OLD_ROWS) await old.prisma.$executeRawUnsafe(sql);
    await old.close();

    expect(await migrate(target.url)).toContain(MIGRATION);
    database = await openDatabase({ url: target.url, provider: providerOf(target.url) });
    const service = new MedallionService(database);

    const a = await service.document("med-00000000000a");
    expect(a.scope).toEqual({ graphNodes: ["src/auth", "src/auth/z.ts"], tags: ["security"] });
    expect(a.decisions).toEqual([
      { id: "D-9", statement: "first", rationale: "because", confidence: 0.25 },
      { id: "D-1", statement: "second", rationale: "", confidence: 1 },
    ]);
    expect(a.openQuestions).toEqual([{ id: "Q-1", question: "rotate?", blockedOn: ["review", "ops"], priority: "HIGH" }]);
    expect(a.summary.subsystems).toEqual([{ name: "core", status: "STABLE", notes: "" }]);
    expect(a.affordances.invariants).toEqual(["keep"]);
    expect(a.meta.updatedAt).toBe("2026-10-01T00:05:00.000Z");

    const b = await service.document("med-00000000000b");
    expect(b.meta.supersededBy).toBe("med-00000000000a");
    expect(b.decisions).toEqual([]);
    expect((await service.document("med-00000000000c")).scope).toEqual({ graphNodes: [], tags: ["auth", "perf"] });

    // The index rows answer scope queries with the right status and order.
    const ids = async (scope: { graphNodes?: string[]; tags?: string[] }, statuses: ("ACTIVE" | "STALE" | "SUPERSEDED")[]) =>
      (await service.find(scope, { statuses })).map((d) => d.meta.medallionId);
    expect(await ids({ graphNodes: ["src/auth"] }, ["ACTIVE"])).toEqual(["med-00000000000a"]);
    expect(await ids({ graphNodes: ["src/auth"] }, ["ACTIVE", "SUPERSEDED"])).toEqual(["med-00000000000a", "med-00000000000b"]);
    expect(await ids({ tags: ["auth", "security"] }, ["ACTIVE", "STALE"])).toEqual(["med-00000000000a", "med-00000000000c"]);
    const nodes = await database.prisma.medallionGraphNode.findMany({ orderBy: [{ medallionId: "asc" }, { node: "asc" }] });
    expect(nodes.map((n) => [n.medallionId, n.node, n.status, n.updatedAt.toISOString()])).toEqual([
      ["med-00000000000a", "src/auth", "ACTIVE", "2026-10-01T00:05:00.000Z"],
      ["med-00000000000a", "src/auth/z.ts", "ACTIVE", "2026-10-01T00:05:00.000Z"],
      ["med-00000000000b", "src/auth", "SUPERSEDED", "2026-10-01T00:02:00.000Z"],
    ]);
    expect(await database.prisma.medallionTag.count()).toBe(3);
  });
});
