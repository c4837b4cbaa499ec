// Usage analytics through the API: imports, deploys, undeploys, syncs and captures (as imports from
// a project; updates in test/upstream) are recorded; usage(window, groupBy) counts them by artifact, project and day;
// usageUpdated streams them; a page of buckets costs the same statements for 2 artifacts or 6.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { beforeEach, describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/lib/principal.js";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { openSse } from "../helpers/sse.js";
import { fastJobs } from "../jobs/helpers.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const roots = tempDir("skillgraph-projects-");
const imports = tempDir("skillgraph-import-root-");

const Usage = `query U($w: UsageWindowInput!, $g: UsageGroupBy!, $k: [UsageKind!], $a: ID, $first: Int) {
  usage(window: $w, groupBy: $g, kinds: $k, artifact: $a, first: $first) { count day artifact { key } project { name } }
}`;
type Bucket = { count: number; day: string | null; artifact: { key: string } | null; project: { name: string } | null };

const monthStart = () => new Date(Date.now() - 30 * 86_400_000).toISOString();

let n = 0;
async function seed(t: TestApp, artifacts: number, tag: string) {
  const dir = join(roots, `${tag}-${++n}`);
  mkdirSync(dir, { recursive: true });
  const p = await t.app.services.projects.register(dir);
  const ids = [];
  for (let i = 0; i < artifacts; i++) {
    const src = writeTree(join(imports, `${tag}-${i}`), { "SKILL.md": skillMd(`${tag}-${i}`) });
    const a = await t.app.services.content.import(SYSTEM, { path: src });
    // Artifact i is deployed i + 1 times (deploy, undeploy, deploy …).
    for (let k = 0; k <= i; k++) {
      const d = await t.app.services.projects.deploy(SYSTEM, a.artifactId, p.id);
      if (k < i) await t.app.services.projects.undeploy(d.id);
    }
    ids.push(a.artifactId);
  }
  return { project: p, ids };
}

describe("usage analytics", () => {
  const t = useTestApp({ env: { ...fastJobs, SKILLGRAPH_PROJECT_ROOTS: roots, SKILLGRAPH_IMPORT_ROOTS: imports, SKILLGRAPH_COLLECTIONS_DIR: tempDir() } });

  beforeEach(async () => {
    await t().clear();
  });

  const usage = async (vars: Record<string, unknown>) => (await t().execute<{ usage: Bucket[] }, unknown>(Usage, vars)).expectNoErrors().usage;

  it("top artifacts by deploys this month, deploys per day of one artifact, per project", async () => {
    const { project, ids } = await seed(t(), 3, "top");
    const top = await usage({ w: { from: monthStart() }, g: "ARTIFACT", k: ["DEPLOY"] });
    expect(top).toEqual([
      { count: 3, day: null, artifact: { key: "skill:top-2" }, project: null },
      { count: 2, day: null, artifact: { key: "skill:top-1" }, project: null },
      { count: 1, day: null, artifact: { key: "skill:top-0" }, project: null },
    ]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await usage({ w: { from: monthStart() }, g: "DAY", k: ["DEPLOY"], a: encodeGlobalID("Artifact", ids[1] ?? "") })).toEqual([{ count: 2, day: today, artifact: null, project: null }]);
    // Every kind: 3 imports, 6 deploys, 3 undeploys; per project only the 9 with a project.
    expect((await usage({ w: { from: monthStart() }, g: "DAY" }))[0]?.count).toBe(12);
    expect(await usage({ w: { from: monthStart() }, g: "PROJECT" })).toEqual([{ count: 9, day: null, artifact: null, project: { name: project.name } }]);
    // A window in the past holds none of it.
    expect(await usage({ w: { from: "2020-01-01T00:00:00Z", to: "2020-02-01T00:00:00Z" }, g: "ARTIFACT" })).toEqual([]);
  });

  it("bad windows are errors naming the field", async () => {
    const backwards = await t().execute(Usage, { w: { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }, g: "DAY" });
    expect(JSON.stringify(backwards.errors)).toContain("window.from");
    const long = await t().execute(Usage, { w: { from: "2020-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }, g: "DAY" });
    expect(JSON.stringify(long.errors)).toContain("366 days");
  });

  it("usageUpdated streams each event as it is recorded", async () => {
    const src = writeTree(join(imports, "live"), { "SKILL.md": skillMd("live") });
    const sse = await openSse(t().app, `subscription { usageUpdated { kind artifactId projectId } }`, undefined, t().tokens.read);
    const seen = sse.readUntil(() => sse.text.includes("DEPLOY"));
    await new Promise((r) => setTimeout(r, 100));
    const a = await t().app.services.content.import(SYSTEM, { path: src });
    const dir = join(roots, `live-${++n}`);
    mkdirSync(dir, { recursive: true });
    const p = await t().app.services.projects.register(dir);
    await t().app.services.projects.deploy(SYSTEM, a.artifactId, p.id);
    await seen;
    await sse.close();
    expect(sse.events.map((e) => e.usageUpdated)).toEqual([
      { kind: "IMPORT", artifactId: encodeGlobalID("Artifact", a.artifactId), projectId: null },
      { kind: "DEPLOY", artifactId: encodeGlobalID("Artifact", a.artifactId), projectId: encodeGlobalID("Project", p.id) },
    ]);
  });

  it("a sync, a capture (an IMPORT from the project) and an undeploy are each one event, with who did it", async () => {
    const src = writeTree(join(imports, "kinds"), { "SKILL.md": skillMd("kinds"), "a.txt": "a\n" });
    const a = await t().app.services.content.import(SYSTEM, { path: src });
    const dir = join(roots, `kinds-${++n}`);
    mkdirSync(dir, { recursive: true });
    const p = await t().app.services.projects.register(dir);
    const who = { ...SYSTEM, name: "token:dashboard" };
    const d = await t().app.services.projects.deploy(who, a.artifactId, p.id);
    writeTree(src, { "a.txt": "b\n" });
    await t().app.services.content.import(SYSTEM, { path: src });
    await t().app.services.projects.sync(who, d.id, "OVERWRITE", () => Promise.reject(new Error("no question expected")));
    writeTree(join(dir, ".claude/skills/kinds"), { "a.txt": "edited here\n" });
    await t().app.services.projects.capture(who, d.id);
    await t().app.services.projects.undeploy(d.id, who);
    const rows = await t().app.database.prisma.usageEvent.findMany({ where: { artifactId: a.artifactId }, orderBy: [{ at: "asc" }, { id: "asc" }] });
    expect(rows.map((r) => [r.kind, r.projectId, r.actor])).toEqual([
      ["IMPORT", null, SYSTEM.name],
      ["DEPLOY", p.id, who.name],
      ["IMPORT", null, SYSTEM.name],
      ["SYNC", p.id, who.name],
      ["IMPORT", p.id, who.name],
      ["UNDEPLOY", p.id, who.name],
    ]);
    // "Imports per project": the capture is the one that came from a project folder.
    expect(await usage({ w: { from: monthStart() }, g: "PROJECT", k: ["IMPORT"] })).toEqual([{ count: 1, day: null, artifact: null, project: { name: p.name } }]);
  });

  it("a page of buckets with their artifacts costs the same statements for 2 artifacts or 6", async () => {
    await seed(t(), 2, "small");
    const query = () => usage({ w: { from: monthStart() }, g: "ARTIFACT" });
    const small = await t().countStatements(async () => expect(await query()).toHaveLength(2));
    await t().app.services.content.folders.flush();
    await t().clear();
    await seed(t(), 6, "large");
    const large = await t().countStatements(async () => expect(await query()).toHaveLength(6));
    expect(large.count).toBe(small.count);
    expect(large.count).toBeLessThanOrEqual(3);
    await t().app.services.content.folders.flush();
  }, 120_000);
});
