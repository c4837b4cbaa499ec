// bundleImportPreview costs a constant number of SQL statements: 3 conflicting artifacts or 30.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/lib/principal.js";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const root = tempDir("skillgraph-sharing-stmt-root-");
const Preview = `query($file: String!) { bundleImportPreview(file: $file) { __typename ... on BundleImportPreview { items { name status changes { path status } } } } }`;

async function seed(t: TestApp, n: number): Promise<string> {
  const dirs: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `p${n}-${String(i).padStart(3, "0")}`;
    const dir = writeTree(join(root, `${n}`, name), { "SKILL.md": skillMd(name), "a.txt": "one\n" });
    await t.app.services.content.import(SYSTEM, { path: dir });
    dirs.push(dir);
  }
  const { file } = await t.app.services.sharing.exportBundle(SYSTEM, { collection: "default", name: `stmt${n}`, version: "1" });
  // Every artifact changes after the export: each one is a CONFLICT with a changed file.
  for (const dir of dirs) {
    writeTree(dir, { "a.txt": "two\n" });
    await t.app.services.content.import(SYSTEM, { path: dir });
  }
  await t.app.services.content.folders.flush();
  return file;
}

describe("bundle import preview", () => {
  const t = useTestApp({ env: { SKILLGRAPH_IMPORT_ROOTS: root, SKILLGRAPH_COLLECTIONS_DIR: tempDir(), SKILLGRAPH_BUNDLES_DIR: tempDir(), SKILLGRAPH_SECRET_KEY: "5a".repeat(32) } });

  it("costs the same for 3 and 30 conflicting artifacts", async () => {
    const count = async (n: number) => {
      const file = await seed(t(), n);
      return t().countStatements(async () => {
        const data = (await t().execute<{ bundleImportPreview: { items: { status: string; changes: unknown[] }[] } }, unknown>(Preview, { file })).expectNoErrors();
        const mine = data.bundleImportPreview.items.filter((i) => i.status === "CONFLICT");
        expect(mine.length).toBeGreaterThanOrEqual(n);
        expect(mine.every((i) => i.changes.length === 1)).toBe(true);
      });
    };
    const small = await count(3);
    const large = await count(30);
    expect(large.count).toBe(small.count);
    expect(small.count).toBeLessThanOrEqual(6);
  });
});
