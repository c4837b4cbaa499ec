// Upstream updates through the API, against real git repositories in temp folders: a commit
// upstream makes UPDATE_AVAILABLE with commitsBehind; updateArtifactFromUpstream imports it as a new version
// and the artifact is UP_TO_DATE again; a remote that is gone is ERROR with the reason.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import { beforeEach, describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/lib/principal.js";
import { useTestApp } from "../helpers/app.js";
import { fastJobs, waitForStatus } from "../jobs/helpers.js";
import { gitCommit, gitRepo, skillMd, tempDir, writeTree } from "../content/fixtures.js";

const imports = tempDir("skillgraph-import-root-");

const Check = `mutation C($a: ID) { checkArtifactUpdates(artifact: $a) { __typename ... on UpstreamJobPayload { job { id } } ... on NotFoundError { message } } }`;
const Update = `mutation U($a: ID!, $r: String) { updateArtifactFromUpstream(artifact: $a, toRef: $r) { __typename ... on UpstreamJobPayload { job { id } } ... on NotFoundError { message } } }`;
const Show = `query Q($key: String!) { artifact(key: $key) { scores { maintenanceScore components { name value isPrior } } upstream { status latestCommit commitsBehind commitsLast90Days lastCommitAt checkedAt error } versions(first: 10) { totalCount edges { node { number commit } } } file(path: "rules.txt") { text } } }`;

type Upstream = { status: string; latestCommit: string | null; commitsBehind: number | null; commitsLast90Days: number | null; lastCommitAt: string | null; checkedAt: string; error: string | null };
type Shown = { artifact: { scores: { maintenanceScore: number; components: { name: string; value: number; isPrior: boolean }[] }; upstream: Upstream | null; versions: { totalCount: number; edges: { node: { number: number; commit: string } }[] }; file: { text: string } | null } };

describe("upstream: checkArtifactUpdates and updateArtifactFromUpstream", () => {
  const t = useTestApp({ env: { ...fastJobs, SKILLGRAPH_IMPORT_ROOTS: imports, SKILLGRAPH_COLLECTIONS_DIR: tempDir() } });

  beforeEach(async () => {
    await t().app.startBackground();
  });

  async function job(query: string, vars: Record<string, unknown>, field: string) {
    const r = (await t().execute<Record<string, { __typename: string; job?: { id: string } }>, unknown>(query, vars, { token: "write" })).expectNoErrors();
    const id = decodeGlobalID(r[field]?.job?.id ?? "").id;
    const done = await waitForStatus(t().app, id, ["SUCCEEDED", "FAILED"], 20_000);
    expect(done.status).toBe("SUCCEEDED");
    return done;
  }

  const show = async (key: string) => (await t().execute<Shown, unknown>(Show, { key })).expectNoErrors().artifact;

  it("a commit upstream is UPDATE_AVAILABLE with commitsBehind; updateArtifactFromUpstream imports it and it is UP_TO_DATE", async () => {
    const repo = join(imports, "repo-a");
    const first = gitRepo(repo, { "skills/lint/SKILL.md": skillMd("lint"), "skills/lint/rules.txt": "rule 1\n", "README.md": "repo\n" });
    const imported = await t().app.services.content.import(SYSTEM, { git: { url: `file://${repo}`, ref: "main", path: "skills/lint" } });
    expect(imported.commit).toBe(first);
    const id = encodeGlobalID("Artifact", imported.artifactId);
    const unchecked = await show("skill:lint");
    expect(unchecked.upstream).toBeNull();
    expect(unchecked.scores.components.find((c) => c.name === "MAINTENANCE")).toEqual({ name: "MAINTENANCE", value: 50, isPrior: true });

    await job(Check, { a: id }, "checkArtifactUpdates");
    expect((await show("skill:lint")).upstream).toMatchObject({ status: "UP_TO_DATE", latestCommit: first, commitsBehind: 0, commitsLast90Days: 1, error: null });

    // Two commits touch the skill, one does not: two behind.
    gitCommit(repo, { "skills/lint/rules.txt": "rule 1\nrule 2\n" }, "second");
    gitCommit(repo, { "README.md": "repo, readme only\n" }, "readme");
    const head = gitCommit(repo, { "skills/lint/rules.txt": "rule 1\nrule 2\nrule 3\n" }, "third");
    await job(Check, {}, "checkArtifactUpdates");
    const behind = await show("skill:lint");
    expect(behind.upstream).toMatchObject({ status: "UPDATE_AVAILABLE", latestCommit: head, commitsBehind: 2, commitsLast90Days: 3, error: null });
    expect(Date.parse(behind.upstream?.lastCommitAt ?? "")).toBeGreaterThan(Date.now() - 3_600_000);
    // Committed just now (recency ≈ 100) with 3 commits in 90 days (activity 30): 0.6·100 + 0.4·30 = 72.
    expect(behind.scores.components.find((c) => c.name === "MAINTENANCE")?.isPrior).toBe(false);
    expect(behind.scores.maintenanceScore).toBeCloseTo(72, 0);
    expect(behind.versions.totalCount).toBe(1);

    await job(Update, { a: id }, "updateArtifactFromUpstream");
    const after = await show("skill:lint");
    expect(after.versions.totalCount).toBe(2);
    expect(after.versions.edges[0]?.node).toEqual({ number: 2, commit: head });
    expect(after.file?.text).toBe("rule 1\nrule 2\nrule 3\n");
    expect(after.upstream).toMatchObject({ status: "UP_TO_DATE", latestCommit: head, commitsBehind: 0 });
    // The update is a usage event (and its import another).
    const used = (await t().execute<{ usage: { count: number }[] }, unknown>(`query { usage(window: { from: "${new Date(Date.now() - 86_400_000).toISOString()}" }, groupBy: ARTIFACT, kinds: [UPDATE]) { count } }`)).expectNoErrors();
    expect(used.usage).toEqual([{ count: 1 }]);
  });

  it("updateArtifactFromUpstream to another ref follows it; a remote that is gone is ERROR with the reason", async () => {
    const repo = join(imports, "repo-b");
    gitRepo(repo, { "SKILL.md": skillMd("fmt"), "rules.txt": "v1\n" });
    const imported = await t().app.services.content.import(SYSTEM, { git: { url: repo } });
    const id = encodeGlobalID("Artifact", imported.artifactId);
    const next = gitCommit(repo, { "rules.txt": "v2\n" }, "v2");
    await job(Update, { a: id, r: next }, "updateArtifactFromUpstream");
    expect(await show("skill:fmt")).toMatchObject({ file: { text: "v2\n" }, upstream: { status: "UP_TO_DATE", latestCommit: next } });

    rmSync(repo, { recursive: true, force: true });
    await job(Check, { a: id }, "checkArtifactUpdates");
    const gone = (await show("skill:fmt")).upstream;
    expect(gone).toMatchObject({ status: "ERROR", latestCommit: null, commitsBehind: null });
    expect(gone?.error).toMatch(/could not be fetched/);
    // A failed check keeps the last known activity: two commits just now, 0.6·100 + 0.4·20 = 68 (not the prior).
    const kept = await show("skill:fmt");
    expect(kept.scores.components.find((c) => c.name === "MAINTENANCE")?.isPrior).toBe(false);
    expect(kept.scores.maintenanceScore).toBeCloseTo(68, 0);
  });

  it("only git-imported artifacts are checked; checking a folder import is NotFoundError", async () => {
    const dir = writeTree(join(imports, "plain"), { "SKILL.md": skillMd("plain") });
    const r = await t().app.services.content.import(SYSTEM, { path: dir });
    const res = (await t().execute<{ checkArtifactUpdates: { __typename: string } }, unknown>(Check, { a: encodeGlobalID("Artifact", r.artifactId) }, { token: "write" })).expectNoErrors();
    expect(res.checkArtifactUpdates.__typename).toBe("NotFoundError");
    const denied = await t().execute(Check, {}, { token: "read" });
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
