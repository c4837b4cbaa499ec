// The CLI in remote mode, as an operator uses it against a shared deployment: the real bin, in its
// own process, talking GraphQL to a real server on a real port with --url/--token or
// SKILLGRAPH_URL/SKILLGRAPH_TOKEN. Also --version, and optimize recommend on the local database.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/lib/principal.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { runCli, useCliDatabase } from "../helpers/cli.js";

/** Runs the CLI with no local database configured: in remote mode it must not need one. */
function cli(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("SKILLGRAPH_") && k !== "DATABASE_URL"));
  return runCli(args, { ...clean, LOG_LEVEL: "silent", DATABASE_URL: "file:/nonexistent/dir/never.db", ...env });
}

describe("skillgraph CLI, remote mode", { timeout: 180_000 }, () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp();
    url = await t.listen();
  });
  afterAll(() => t.close());

  it("prints its version", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    const r = await cli(["--version"]);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("optimize recommend prints the recommendation, reasoning and alternatives, recorded on the server", async () => {
    const r = await cli(["optimize", "recommend", "--trainset-size", "200", "--budget", "10", "--url", url, "--token", t.tokens.write]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Recommendation: MIPROV2 (confidence 0.75)");
    expect(r.stdout).toContain("Reasoning: A medium trainset (200 examples, under 500)");
    expect(r.stdout).toMatch(/Alternatives:\nOPTIMIZER\s+COST USD\s+MINUTES\s+QUALITY RISK\s+NOTE\nREFLECTION_METRICS\s+0\.10\s+1\s+\+0\.15/);
    const id = /Recorded as (\S+)\./.exec(r.stdout)?.[1];
    expect(id).toBeTruthy();

    // The outcome, with the target from the environment this time; then the accuracy shows it.
    const env = { SKILLGRAPH_URL: url, SKILLGRAPH_TOKEN: t.tokens.write };
    const outcome = await cli(["optimize", "outcome", String(id), "--optimizer", "MIPROV2", "--quality", "0.9", "--json"], env);
    expect(JSON.parse(outcome.stdout)).toMatchObject({ id, recommended: "MIPROV2", optimizer: "MIPROV2", hit: true });
    const again = await cli(["optimize", "outcome", String(id), "--optimizer", "GEPA", "--quality", "0.1"], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already reported");

    const accuracy = await cli(["optimize", "accuracy", "--json"], env);
    expect(JSON.parse(accuracy.stdout)).toMatchObject({ recommendations: 1, withOutcome: 1, followed: 1, hits: 1, hitRate: 1, meanConfidence: 0.75 });
    const table = await cli(["optimize", "accuracy"], env);
    expect(table.stdout).toMatch(/OPTIMIZER\s+RECOMMENDED\s+FOLLOWED\s+HITS\n/);
    expect(table.stdout).toMatch(/MIPROV2\s+1\s+1\s+1/);
  });

  it("acts with the token's scopes: a read token cannot record a recommendation", async () => {
    const r = await cli(["optimize", "recommend", "--trainset-size", "10", "--budget", "0.5", "--json", "--url", url, "--token", t.tokens.read]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Not authorised to access Mutation.planOptimization");
    const unreachable = await cli(["token", "list", "--url", "http://127.0.0.1:9", "--token", "x"]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain("cannot reach http://127.0.0.1:9/graphql");
  });

  it("token create, list and revoke against the server (admin token)", async () => {
    const admin = ["--url", url, "--token", t.tokens.admin];
    const created = await cli(["token", "create", "--name", "ci-bot", "--scopes", "read,write", "--json", ...admin]);
    const secret = (JSON.parse(created.stdout) as { token: string }).token;
    expect(secret).toMatch(/^sgt_/);
    const list = await cli(["token", "list", ...admin]);
    expect(list.stdout).toMatch(/^NAME\s+SCOPES\s+CREATED\s+STATE\n/);
    expect(list.stdout).toMatch(/\nci-bot\s+read,write\s+\S+Z\s+never used/);
    // The new token works against the server, then stops working once revoked.
    const viewer = await t.execute<{ viewer: { name: string } }, Record<string, never>>(`query { viewer { name } }`, {}, { token: secret });
    expect(viewer.expectNoErrors().viewer.name).toBe("ci-bot");
    const revoked = await cli(["token", "revoke", "ci-bot", "--json", ...admin]);
    expect(JSON.parse(revoked.stdout)).toEqual({ revoked: "ci-bot" });
    const after = await t.execute(`query { viewer { name } }`, {}, { token: secret });
    expect(after.status).toBe(401);
  });
});

describe("skillgraph CLI, remote mode for every module", { timeout: 180_000 }, () => {
  let t: TestApp;
  let env: Record<string, string>;
  const importRoot = tempDir("skillgraph-cli-remote-");
  beforeAll(async () => {
    t = await createTestApp({ env: { SKILLGRAPH_IMPORT_ROOTS: importRoot, SKILLGRAPH_COLLECTIONS_DIR: tempDir() } });
    env = { SKILLGRAPH_URL: await t.listen(), SKILLGRAPH_TOKEN: t.tokens.admin };
    await t.execute(`mutation { addArtifact(input: { type: SKILL, name: "pdf", origin: LOCAL }) { __typename } }`, {}, { token: "admin" });
  });
  afterAll(() => t.close());

  it("rates and shows an artifact's scores on the server", async () => {
    const rated = await cli(["rate", "skill:pdf", "--rating", "5", "--share"], { ...env, SKILLGRAPH_TOKEN: t.tokens.write });
    expect(rated.stderr).toBe("");
    expect(rated.stdout).toMatch(/^Rated skill:pdf 5\/5 as test-write\./);
    expect(rated.stdout).toMatch(/user rating\s+\S+ × 0\.4\s+1 rating\(s\), average 5\.0 \/ 5/);
    const shown = JSON.parse((await cli(["show", "skill:pdf", "--scores", "--json"], env)).stdout) as { key: string; scores: { userRating: { count: number }; trustTier: string } };
    expect(shown).toMatchObject({ key: "skill:pdf", scores: { userRating: { count: 1 }, trustTier: "local" } });
    const exported = await t.execute<{ ratingsExport: { totalCount: number } }, Record<string, never>>(`query { ratingsExport { totalCount } }`, {}, { token: "read" });
    expect(exported.expectNoErrors().ratingsExport.totalCount).toBe(1);
  });

  it("show --files lists the server's files of an artifact, as it does locally", async () => {
    const dir = writeTree(join(importRoot, "lint"), { "SKILL.md": skillMd("lint"), "scripts/run.sh": "echo lint\n" });
    const imported = await t.app.services.content.import(SYSTEM, { path: dir });
    const { currentVersionId } = await t.app.database.prisma.artifact.findUniqueOrThrow({ where: { id: imported.artifactId }, select: { currentVersionId: true } });
    const files = await t.app.services.content.filesOf([String(currentVersionId)]);
    const r = await cli(["show", "skill:lint", "--files", "--json"], { ...env, SKILLGRAPH_TOKEN: t.tokens.read });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { key: string; contentHash: string; files: { path: string; size: number; sha256: string; mediaType: string }[] };
    expect(out.key).toBe("skill:lint");
    expect(out.contentHash).toBe(imported.contentHash);
    expect(out.files).toEqual((files[0] ?? []).map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, mediaType: f.mediaType })));
    expect(out.files.map((f) => f.path)).toEqual(["SKILL.md", "scripts/run.sh"]);
    const text = await cli(["show", "skill:lint", "--files"], env);
    expect(text.stdout).toMatch(new RegExp(`^skill:lint  content ${imported.contentHash}\n`));
    expect(text.stdout).toContain("scripts/run.sh");
    // An artifact without content lists no files; an unknown one is not found (exit 2).
    expect(JSON.parse((await cli(["show", "skill:pdf", "--files", "--json"], env)).stdout)).toMatchObject({ contentHash: null, files: [] });
    const missing = await cli(["show", "skill:nope", "--files"], env);
    expect(missing.code).toBe(2);
  });

  it("lists, shows and cancels the server's jobs", async () => {
    const started = await t.execute<{ enqueueJob: { job: { id: string } } }, Record<string, never>>(
      `mutation { enqueueJob(input: { kind: "system.demo", input: { steps: 50, stepMs: 1000 } }) { ... on JobPayload { job { id } } } }`,
      {},
      { token: "admin" },
    );
    const globalId = started.expectNoErrors().enqueueJob.job.id;
    const list = await cli(["jobs", "list"], env);
    expect(list.stdout).toMatch(/^ID\s+STATUS\s+PROGRESS\s+KIND\s+CREATED BY\s+CREATED\s+MESSAGE\n/);
    expect(list.stdout).toContain("system.demo");
    const [row] = JSON.parse((await cli(["jobs", "list", "--json"], env)).stdout) as { id: string }[];
    const show = await cli(["jobs", "show", globalId], env);
    expect(show.stdout).toContain(`Job ${row?.id} (system.demo)`);
    expect(show.stdout).toMatch(/Events:\nSEQ\s+AT\s+TYPE\s+STATUS\s+PROGRESS\s+MESSAGE\n/);
    const cancel = JSON.parse((await cli(["jobs", "cancel", String(row?.id), "--json"], env)).stdout) as { status: string };
    expect(["CANCELLED", "RUNNING"]).toContain(cancel.status);
  });

  it("checkpoints and loads medallions, verifies the audit chain, lists MCP servers", async () => {
    const saved = JSON.parse((await cli(["medallion", "checkpoint", "--node", "src/auth", "--summary", "Moved hashing to sha256."], { ...env, SKILLGRAPH_TOKEN: t.tokens.write })).stdout) as {
      created: boolean;
      medallion: { medallionId: string };
    };
    expect(saved.created).toBe(true);
    const loaded = JSON.parse((await cli(["medallion", "load", "--node", "src/auth"], env)).stdout) as { medallions: { medallionId: string }[] };
    expect(loaded.medallions.map((m) => m.medallionId)).toEqual([saved.medallion.medallionId]);
    const audit = await cli(["marketplace", "verify-audit"], env);
    expect(audit.stdout).toMatch(/^Audit chain intact: \d+ event\(s\) verified\./);
    expect((await cli(["mcp", "list"], env)).stdout).toBe("No MCP servers.\n");
    expect(JSON.parse((await cli(["mcp", "list", "--json"], env)).stdout)).toEqual([]);
  });

  it("refuses --url for commands that work on this machine only", async () => {
    const r = await cli(["db", "status", "--url", String(env.SKILLGRAPH_URL)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("db status: works on this machine only");
  });
});

describe("skillgraph optimize recommend, local database", { timeout: 180_000 }, () => {
  // Not migrated: the CLI brings a new local database up to date itself.
  const local = useCliDatabase(() => ({}), { migrated: false });
  const cli = (args: string[]) => local.cli(args);

  it("records the recommendation in the local database and reviews its accuracy", async () => {
    const r = await cli(["optimize", "recommend", "--trainset-size", "50", "--budget", "3", "--json"]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { id: string; optimizer: string; reasoning: string; alternatives: unknown[] };
    expect(plan.optimizer).toBe("GEPA");
    expect(plan.reasoning).toContain("GEPA is fast and cheap");
    expect(plan.alternatives.length).toBeGreaterThan(0);
    await cli(["optimize", "outcome", plan.id, "--optimizer", "BOOTSTRAP_FEW_SHOT", "--quality", "0.95"]);
    const accuracy = JSON.parse((await cli(["optimize", "accuracy", "--json"])).stdout) as { recommendations: number; withOutcome: number; followed: number };
    expect(accuracy).toMatchObject({ recommendations: 1, withOutcome: 1, followed: 0 });
    const bad = await cli(["optimize", "recommend", "--trainset-size", "-1", "--budget", "3"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--trainset-size");
  });
});
