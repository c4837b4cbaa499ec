// Project.deployments (with each deployment's artifact and version) on a list of projects costs
// a constant number of SQL statements: 2 projects or 20.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/lib/principal.js";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const roots = tempDir("skillgraph-projects-");
const imports = tempDir("skillgraph-import-root-");

const List = `
  query List {
    projects(first: 100) {
      totalCount
      edges { node { name kind deployments(first: 10) { totalCount edges { node { status files { path } artifact { key } version { number } } } } } }
    }
  }
`;

async function seed(t: TestApp, projects: number, tag: string) {
  const artifacts = [];
  for (let i = 0; i < 3; i++) {
    const dir = writeTree(join(imports, `${tag}-${i}`), { "SKILL.md": skillMd(`${tag}-${i}`) });
    artifacts.push(await t.app.services.content.import(SYSTEM, { path: dir }));
  }
  for (let i = 0; i < projects; i++) {
    const dir = join(roots, `${tag}-${i}`);
    mkdirSync(dir, { recursive: true });
    const p = await t.app.services.projects.register(dir);
    for (const a of artifacts) await t.app.services.projects.deploy(SYSTEM, a.artifactId, p.id);
  }
}

describe("projects on a list", () => {
  const t = useTestApp({ env: { SKILLGRAPH_PROJECT_ROOTS: roots, SKILLGRAPH_IMPORT_ROOTS: imports, SKILLGRAPH_COLLECTIONS_DIR: tempDir() } });

  it("projects { deployments { artifact version } } costs the same for 2 and 20 projects", async () => {
    await seed(t(), 2, "small");
    const small = await t().countStatements(async () => {
      const data = (await t().execute<{ projects: { totalCount: number; edges: { node: { deployments: { totalCount: number } } }[] } }, unknown>(List)).expectNoErrors();
      expect(data.projects.totalCount).toBe(2);
      expect(data.projects.edges[0]?.node.deployments.totalCount).toBe(3);
    });
    await t().app.services.content.folders.flush();
    await t().clear();
    await seed(t(), 20, "large");
    const large = await t().countStatements(async () => {
      const data = (await t().execute<{ projects: { edges: { node: { deployments: { edges: unknown[] } } }[] } }, unknown>(List)).expectNoErrors();
      expect(data.projects.edges).toHaveLength(20);
      expect(data.projects.edges[19]?.node.deployments.edges).toHaveLength(3);
    });
    expect(large.count).toBe(small.count);
    expect(large.count).toBeLessThanOrEqual(8);
    await t().app.services.content.folders.flush();
  }, 120_000);
});
