// files and versions on a list cost a constant number of SQL statements: 10 artifacts or 100.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { prepare } from "../../src/modules/content/index.js";
import { SYSTEM } from "../../src/lib/principal.js";
import { skillMd, tempDir, writeTree } from "./fixtures.js";

const List = `
  query List($first: Int!) {
    artifacts(first: $first) {
      edges { node { key contentHash files { path size sha256 mediaType } file(path: "SKILL.md") { text } versions(first: 5) { totalCount edges { node { number contentHash commit createdBy files { path } } } } } }
    }
  }
`;

const root = tempDir("skillgraph-import-root-");

async function seed(t: TestApp, n: number) {
  // Imports through the service (the job's code), two versions each.
  for (let i = 0; i < n; i++) {
    const name = `s${String(i).padStart(3, "0")}`;
    const dir = writeTree(join(root, `${n}`, name), { "SKILL.md": skillMd(name), "a.txt": "one\n" });
    await t.app.services.content.import(SYSTEM, { path: dir });
    writeTree(dir, { "a.txt": `two ${i}\n` });
    await t.app.services.content.import(SYSTEM, { path: dir });
  }
}

describe("content on a list", () => {
  const t = useTestApp({ env: { SKILLGRAPH_IMPORT_ROOTS: root, SKILLGRAPH_COLLECTIONS_DIR: tempDir() } });

  it("artifacts(first: N) { files versions { files } } costs the same for 10 and 100 artifacts", async () => {
    await seed(t(), 10);
    // Folder writes after the seeding are done before counting (they are statements too).
    await t().app.services.content.folders.flush();
    const small = await t().countStatements(async () => {
      const data = (await t().execute<{ artifacts: { edges: { node: { files: unknown[]; versions: { totalCount: number } } }[] } }, unknown>(List, { first: 100 })).expectNoErrors();
      expect(data.artifacts.edges).toHaveLength(10);
      expect(data.artifacts.edges[0]?.node.files).toHaveLength(2);
      expect(data.artifacts.edges[0]?.node.versions.totalCount).toBe(2);
    });
    await t().app.services.content.folders.flush();
    await t().clear();
    await seed(t(), 100);
    await t().app.services.content.folders.flush();
    const large = await t().countStatements(async () => {
      const data = (await t().execute<{ artifacts: { edges: unknown[] } }, unknown>(List, { first: 100 })).expectNoErrors();
      expect(data.artifacts.edges).toHaveLength(100);
    });
    expect(large.count).toBe(small.count);
    expect(large.count).toBeLessThanOrEqual(6);
    await t().app.services.content.folders.flush();
  }, 120_000);

  it("a change's folder write-through reads only what changed: the same statements for 5 and 50 artifacts", async () => {
    await t().clear();
    const s = t().app.services;
    const add = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await s.artifacts.add({ type: "COMMAND", name: `c${String(i).padStart(3, "0")}`, origin: "LOCAL", tags: [`t${i % 3}`] });
      await s.content.folders.flush();
    };
    const change = async (n: number) => {
      const [a] = await s.artifacts.byIds([(await s.artifacts.byKey("command:c001")).id]);
      const counted = await t().countStatements(async () => {
        await s.artifacts.update(a?.id ?? "", { metadata: { title: `title at ${n}` } });
        await s.content.folders.flush();
      });
      expect(await s.content.folders.verify("default")).toEqual([]);
      return counted;
    };
    await add(0, 5);
    await change(5);
    const small = await change(5);
    await add(5, 50);
    await change(50);
    const large = await change(50);
    expect(large.count).toBe(small.count);
    // No read of the collection's artifacts (a whole rewrite reads them all by collectionId): only the changed one, by id.
    const wholeCollection = (q: string) => /FROM ([`"](main|public)[`"]\.)?[`"]Artifact[`"]/.test(q) && /[`"]collectionId[`"] = /.test(q);
    expect(large.statements.filter(wholeCollection)).toEqual([]);
    await s.content.folders.write(await s.collections.byName("default"));
    const collection = await s.collections.byName("default");
    const whole = await t().countStatements(() => s.content.folders.write(collection));
    expect(whole.statements.filter(wholeCollection).length).toBeGreaterThan(0);
  }, 120_000);

  it("the content hash is one hash over paths and file hashes, whatever the order", () => {
    const a = prepare([{ path: "b.txt", data: Buffer.from("b") }, { path: "a.txt", data: Buffer.from("a") }]);
    const b = prepare([{ path: "a.txt", data: Buffer.from("a") }, { path: "b.txt", data: Buffer.from("b") }]);
    expect(a.contentHash).toBe(b.contentHash);
    expect(prepare([{ path: "a.txt", data: Buffer.from("A") }, { path: "b.txt", data: Buffer.from("b") }]).contentHash).not.toBe(a.contentHash);
  });
});
