// Property: for random collections (artifacts with and without content, tags, groups, ordered
// membership), database → collection folder → an emptied database gives an equal graph. Runs on
// SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/lib/principal.js";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { skillMd, tempDir, writeTree } from "./fixtures.js";

const root = tempDir("skillgraph-import-root-");
let runNo = 0;

const name = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
const text = fc.string({ maxLength: 40 });
const color = fc.option(fc.stringMatching(/^#[0-9a-f]{6}$/), { nil: null });
const collectionGen = fc.record({
  artifacts: fc.uniqueArray(
    fc.record({
      name,
      kind: fc.constantFrom("skill-with-files", "command-record", "agent-record"),
      files: fc.dictionary(fc.stringMatching(/^[a-z]{1,6}(\/[a-z]{1,6})?\.txt$/), text, { maxKeys: 3 }),
      description: fc.option(fc.stringMatching(/^[A-Za-z]([A-Za-z0-9 ]{0,18}[A-Za-z0-9])?$/), { nil: null }),
      tagPicks: fc.array(fc.nat(3), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 6, selector: (a) => a.name },
  ),
  tags: fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[A-Z][a-z]{1,6}$/), color, description: fc.option(fc.stringMatching(/^[a-z ]{1,12}$/), { nil: null }) }), { minLength: 4, maxLength: 4, selector: (t) => t.name.toLowerCase() }),
  groups: fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z]{1,8}$/), color, icon: fc.option(fc.stringMatching(/^[a-z]{1,8}$/), { nil: null }), members: fc.array(fc.nat(5), { maxLength: 5 }) }), { maxLength: 3, selector: (g) => g.name }),
});

type Gen = typeof collectionGen extends fc.Arbitrary<infer T> ? T : never;

async function build(t: TestApp, c: Gen, collection: string) {
  const svc = t.app.services;
  await svc.collections.create({ name: collection });
  const ids: string[] = [];
  for (const a of c.artifacts) {
    if (a.kind === "skill-with-files") {
      const dir = writeTree(join(root, `${runNo}`, a.name), { ...a.files, "SKILL.md": skillMd(a.name, a.description ?? "d") });
      const res = await svc.content.import(SYSTEM, { path: dir, collection });
      ids.push(res.artifactId);
    } else {
      const added = await svc.artifacts.add({ collection, type: a.kind === "agent-record" ? "AGENT" : "COMMAND", name: a.name, origin: "GITHUB", source: `acme/${a.name}@v1`, metadata: { description: a.description } });
      ids.push(added.id);
    }
  }
  const tagIds = [];
  for (const tag of c.tags) tagIds.push((await svc.tags.create(tag)).id);
  for (const [i, a] of c.artifacts.entries()) {
    for (const p of new Set(a.tagPicks)) {
      const tagId = tagIds[p];
      const artifactId = ids[i];
      if (tagId && artifactId) await svc.tags.tagArtifact(artifactId, tagId);
    }
  }
  for (const g of c.groups) {
    const group = await svc.groups.create({ name: g.name, collection, color: g.color, icon: g.icon });
    const members = [...new Set(g.members.map((m) => ids[m % ids.length]).filter((x): x is string => !!x))];
    await svc.groups.setMembers(group.id, members);
  }
}

const Graph = `
  query Graph($name: String!) {
    collection(name: $name) {
      name version
      tags { name slug color description }
      groups { name position color icon description members { key } }
      artifacts(first: 100) { edges { node { key origin source versionSpec contentHash metadata { description license tools }
        files { path size sha256 mediaType } tags { name } } } }
    }
  }
`;

async function graph(t: TestApp, name: string) {
  return (await t.execute(Graph, { name })).expectNoErrors();
}

describe("database → folder → database", () => {
  const t = useTestApp({ env: { SKILLGRAPH_IMPORT_ROOTS: root, SKILLGRAPH_COLLECTIONS_DIR: tempDir() } });

  it("gives an equal graph for random collections", async () => {
    await fc.assert(
      fc.asyncProperty(collectionGen, async (c) => {
        runNo++;
        const name = `c${runNo}`;
        await t().clear();
        await build(t(), c, name);
        await t().app.services.content.folders.flush();
        const before = await graph(t(), name);
        await t().clear();
        const res = await t().app.services.content.folders.recover(name);
        expect(res.skipped).toEqual([]);
        await t().app.services.content.folders.flush();
        expect(await graph(t(), name)).toEqual(before);
        expect(await t().app.services.content.folders.verify(name)).toEqual([]);
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});
