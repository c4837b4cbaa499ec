// The compatibility score from deploy outcomes, against real project folders: each project an
// artifact is deployed to counts once, with its last outcome; a deploy fits when it ran without
// errors and the project's settings deny none of the artifact's declared tools. The pure rules
// (deniedTools, compatibilityValue) are checked here too. Runs on SQLite and, with
// TEST_DATABASE_URL, on PostgreSQL.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/lib/principal.js";
import { deniedTools, declaredTools } from "../../src/modules/projects/compat.js";
import { compatibilityValue, computeScores } from "../../src/modules/ratings/scoring.js";
import { useTestApp } from "../helpers/app.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const roots = tempDir("skillgraph-compat-projects-");
const imports = tempDir("skillgraph-compat-imports-");

const Scores = `query Q($key: String!) { artifact(key: $key) { scores { compatibilityScore qualityScore components { name value isPrior } } } }`;
type Shown = { artifact: { scores: { compatibilityScore: number; qualityScore: number; components: { name: string; value: number; isPrior: boolean }[] } } };

describe("compatibility rules (pure)", () => {
  it("a deny rule naming the whole tool denies every declaration of it; a specifier denies only that declaration", () => {
    const settings = { permissions: { deny: ["Bash", "WebFetch(domain:example.com)"], allow: ["Read"] } };
    expect(deniedTools(["Read", "Bash(git diff:*)", "Bash"], [settings])).toEqual(["Bash(git diff:*)", "Bash"]);
    expect(deniedTools(["WebFetch"], [settings])).toEqual([]);
    expect(deniedTools(["WebFetch(domain:example.com)"], [settings])).toEqual(["WebFetch(domain:example.com)"]);
    // Rules from both settings files count; documents that are not settings deny nothing.
    expect(deniedTools(["Edit", "Read"], [null, "text", { permissions: { deny: ["Edit"] } }])).toEqual(["Edit"]);
    expect(declaredTools(["Read", 3, " Bash ", ""])).toEqual(["Read", "Bash"]);
    expect(declaredTools("Read")).toEqual([]);
  });

  it("K = 100 · fitting targets / targets; the prior (isPrior) with no target", () => {
    expect(compatibilityValue(null)).toBeNull();
    expect(compatibilityValue({ targets: 0, fits: 0 })).toBeNull();
    expect(compatibilityValue({ targets: 4, fits: 3 })).toBe(75);
    expect(compatibilityValue({ targets: 2, fits: 5 })).toBe(100);
    const base = { artifact: { origin: "LOCAL" as const, sourceOwner: null }, ratingCount: 0, ratingSum: 0, community: [], matchResolvedCount: 0, matchConfirmedConfidence: 0 };
    const prior = computeScores(base, new Date());
    expect(prior.compatibilityScore).toBe(50);
    expect(prior.components.find((c) => c.name === "compatibility")?.isPrior).toBe(true);
    const none = computeScores({ ...base, compatibility: { targets: 2, fits: 0 } }, new Date());
    expect(none.compatibilityScore).toBe(0);
    expect(none.components.find((c) => c.name === "compatibility")?.isPrior).toBe(false);
    // Weight 0.1 in quality: 50 → 0 costs 5 points.
    expect(prior.qualityScore - none.qualityScore).toBeCloseTo(5, 9);
  });
});

describe("compatibility score from deploys", () => {
  const t = useTestApp({ env: { SKILLGRAPH_PROJECT_ROOTS: roots, SKILLGRAPH_IMPORT_ROOTS: imports, SKILLGRAPH_COLLECTIONS_DIR: tempDir() } });
  let n = 0;
  const project = async (files: Record<string, string> = {}) => {
    const dir = join(roots, `c${++n}`);
    mkdirSync(dir, { recursive: true });
    writeTree(dir, files);
    return { dir, project: await t().app.services.projects.register(dir) };
  };
  const scores = async (key: string) => (await t().execute<Shown, unknown>(Scores, { key })).expectNoErrors().artifact.scores;
  const compat = async (key: string) => {
    const s = await scores(key);
    return { score: Number(s.compatibilityScore.toFixed(2)), isPrior: s.components.find((c) => c.name === "COMPATIBILITY")?.isPrior };
  };

  it("counts each project's last deploy outcome: fits, tools denied by its settings, deploy errors", async () => {
    // skillMd declares allowed-tools: Read, Bash.
    const src = writeTree(join(imports, "tooly"), { "SKILL.md": skillMd("tooly") });
    const a = await t().app.services.content.import(SYSTEM, { path: src });
    expect(await compat("skill:tooly")).toEqual({ score: 50, isPrior: true });

    const plain = await project();
    await t().app.services.projects.deploy(SYSTEM, a.artifactId, plain.project.id);
    expect(await compat("skill:tooly")).toEqual({ score: 100, isPrior: false });

    // A project whose local settings deny Bash: deployed, but it does not fit there.
    const strict = await project({ ".claude/settings.local.json": JSON.stringify({ permissions: { deny: ["Bash"] } }) });
    await t().app.services.projects.deploy(SYSTEM, a.artifactId, strict.project.id);
    expect(await compat("skill:tooly")).toEqual({ score: 50, isPrior: false });

    // A file we did not write is in the way: the deploy fails (nothing written) and counts as a misfit.
    const clash = await project({ ".claude/skills/tooly/SKILL.md": "someone else's\n" });
    await expect(t().app.services.projects.deploy(SYSTEM, a.artifactId, clash.project.id)).rejects.toThrow(/not written by this deployment/);
    expect(await compat("skill:tooly")).toEqual({ score: 33.33, isPrior: false });

    // Its last outcome replaces the earlier one; deploying again where it fits does not count twice.
    rmSync(join(clash.dir, ".claude"), { recursive: true });
    await t().app.services.projects.deploy(SYSTEM, a.artifactId, clash.project.id);
    await t().app.services.projects.deploy(SYSTEM, a.artifactId, plain.project.id);
    expect(await compat("skill:tooly")).toEqual({ score: 66.67, isPrior: false });

    // An artifact that declares no tool fits the strict project; the first one's score is its own.
    const quiet = writeTree(join(imports, "quiet"), { "SKILL.md": "---\nname: quiet\ndescription: No tools.\n---\n\n# quiet\n" });
    const b = await t().app.services.content.import(SYSTEM, { path: quiet });
    await t().app.services.projects.deploy(SYSTEM, b.artifactId, strict.project.id);
    expect(await compat("skill:quiet")).toEqual({ score: 100, isPrior: false });

    // Undeploying keeps the outcome (it was deployed there), and the recompute job rebuilds the same numbers.
    const deployments = await t().app.services.projects.deploymentsOf(plain.project.id);
    await t().app.services.projects.undeploy(deployments[0]?.id ?? "", SYSTEM);
    const before = await scores("skill:tooly");
    await t().app.services.ratings.recomputeAll();
    expect(await scores("skill:tooly")).toEqual(before);
    expect(before.compatibilityScore).toBeCloseTo(66.67, 2);
  });

  it("a sync counts as a deploy at its project; a request that never reached the project (an MCP server) counts nothing", async () => {
    const src = writeTree(join(imports, "synced"), { "SKILL.md": skillMd("synced") });
    const a = await t().app.services.content.import(SYSTEM, { path: src });
    const target = await project();
    const d = await t().app.services.projects.deploy(SYSTEM, a.artifactId, target.project.id);
    expect(await compat("skill:synced")).toEqual({ score: 100, isPrior: false });
    // The project now denies Bash; the next sync records that it no longer fits.
    writeTree(target.dir, { ".claude/settings.json": JSON.stringify({ permissions: { deny: ["Bash"] } }) });
    writeTree(src, { "extra.md": "more\n" });
    await t().app.services.content.import(SYSTEM, { path: src });
    await t().app.services.projects.sync(SYSTEM, d.id, "OVERWRITE", () => Promise.reject(new Error("no question expected")));
    expect(await compat("skill:synced")).toEqual({ score: 0, isPrior: false });

    const mcp = await t().app.services.artifacts.add({ type: "MCP", name: "srv", origin: "LOCAL" });
    await expect(t().app.services.projects.deploy(SYSTEM, mcp.id, target.project.id)).rejects.toThrow(/not deployed into a project folder/);
    expect(await compat("mcp:srv")).toEqual({ score: 50, isPrior: true });
  });
});
