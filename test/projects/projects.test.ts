// Projects through the API, against real project folders in temp folders: register (roots,
// symlinks), deploy into .claude/ (conflicts, nothing written), drift (MODIFIED, OUTDATED,
// CONFLICTED, MISSING), sync (OVERWRITE, KEEP_LOCAL, ASK, MERGE clean and with a person answering;
// incomplete answers refused), capture, the user project (~/.claude),
// hooks merged into settings.json, undeploy restoring the folder exactly.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import { beforeEach, describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/lib/principal.js";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { fastJobs, waitForStatus } from "../jobs/helpers.js";
import { openSse } from "../helpers/sse.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const roots = tempDir("skillgraph-projects-");
const imports = tempDir("skillgraph-import-root-");
const outside = tempDir("skillgraph-outside-");

/** Every file under dir with its text (relative paths), for "exactly as before" checks. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        out[`${relative(dir, p)}/`] = "";
        walk(p);
      } else out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

let n = 0;
function project(files: Record<string, string> = {}): string {
  const dir = join(roots, `p${++n}`);
  mkdirSync(dir, { recursive: true });
  return writeTree(dir, files);
}

const Register = `mutation R($path: String!) { registerProject(path: $path) { __typename ... on RegisterProjectPayload { project { id name path } } ... on InvalidInputError { field message } } }`;
const Deploy = `mutation D($a: ID!, $p: ID!, $v: Int) { deployArtifact(artifact: $a, project: $p, version: $v) {
  __typename
  ... on DeploymentPayload { deployment { id status files { path source sha256 } version { number } } }
  ... on DeployConflictError { files message }
  ... on ForbiddenError { message }
  ... on InvalidInputError { field message }
} }`;
const Status = `query S($name: String!) { project(name: $name) { status { status synced modified outdated conflicted missing } deployments(first: 50) { edges { node { id status } } } } }`;
const Undeploy = `mutation U($id: ID!) { undeployArtifact(id: $id) { __typename ... on UndeployArtifactPayload { files } } }`;
const Sync = `mutation Y($id: ID!, $s: SyncStrategy!) { syncDeployment(id: $id, strategy: $s) { __typename ... on SyncDeploymentPayload { job { id } } ... on ForbiddenError { message } } }`;

type DeployResult = { deployArtifact: { __typename: string; deployment?: { id: string; status: string; files: { path: string; sha256: string }[]; version: { number: number } }; files?: string[]; field?: string } };

describe("projects: deploy, drift, sync", () => {
  const t = useTestApp({ env: { ...fastJobs, SKILLGRAPH_PROJECT_ROOTS: roots, SKILLGRAPH_IMPORT_ROOTS: imports, SKILLGRAPH_COLLECTIONS_DIR: tempDir() } });

  beforeEach(async () => {
    await t().app.startBackground();
  });

  async function register(tt: TestApp, path: string) {
    const r = (await tt.execute<{ registerProject: { __typename: string; project?: { id: string; name: string }; field?: string; message?: string } }, unknown>(Register, { path }, { token: "write" })).expectNoErrors();
    return r.registerProject;
  }

  async function importSkill(name: string, files: Record<string, string>) {
    const dir = writeTree(join(imports, name), { "SKILL.md": skillMd(name), ...files });
    const r = await t().app.services.content.import(SYSTEM, { path: dir });
    return { dir, id: encodeGlobalID("Artifact", r.artifactId), version: r.version };
  }

  async function deploy(a: string, p: string, token: "write" | "admin" = "write", v?: number) {
    return (await t().execute<DeployResult, unknown>(Deploy, { a, p, v }, { token })).expectNoErrors().deployArtifact;
  }

  async function status(name: string) {
    return (await t().execute<{ project: { status: Record<string, unknown>; deployments: { edges: { node: { id: string; status: string } }[] } } }, unknown>(Status, { name })).expectNoErrors().project;
  }

  async function sync(id: string, s: string) {
    const r = (await t().execute<{ syncDeployment: { job?: { id: string } } }, unknown>(Sync, { id, s }, { token: "write" })).expectNoErrors();
    return decodeGlobalID(r.syncDeployment.job?.id ?? "").id;
  }

  it("registers folders only under SKILLGRAPH_PROJECT_ROOTS, symlinks resolved first", async () => {
    const ok = await register(t(), project());
    expect(ok.__typename).toBe("RegisterProjectPayload");
    expect((await register(t(), outside)).field).toBe("path");
    const link = join(roots, "escape");
    symlinkSync(outside, link);
    const viaLink = await register(t(), link);
    expect(viaLink.__typename).toBe("InvalidInputError");
    expect(viaLink.message).toMatch(/symlinks are resolved/);
    expect((await register(t(), "relative/dir")).message).toMatch(/absolute/);
  });

  it("deploys a skill into .claude/skills, sees MODIFIED, OUTDATED, CONFLICTED, MISSING, and undeploy restores the folder exactly", async () => {
    const dir = project({ "README.md": "mine\n", ".claude/settings.local.json": "{}\n" });
    const before = snapshot(dir);
    const p = await register(t(), dir);
    const s = await importSkill("pdf", { "notes/a.txt": "one\ntwo\nthree\n" });
    const d = await deploy(s.id, p.project?.id ?? "");
    expect(d.__typename).toBe("DeploymentPayload");
    expect(d.deployment?.files.map((f) => f.path).sort()).toEqual([".claude/skills/pdf/SKILL.md", ".claude/skills/pdf/notes/a.txt"]);
    expect(readFileSync(join(dir, ".claude/skills/pdf/notes/a.txt"), "utf8")).toBe("one\ntwo\nthree\n");
    const name = p.project?.name ?? "";
    expect((await status(name)).status).toMatchObject({ status: "SYNCED", synced: 1 });

    const deployed = join(dir, ".claude/skills/pdf/notes/a.txt");
    writeFileSync(deployed, "one\ntwo\nthree\nlocal\n");
    expect((await status(name)).status).toMatchObject({ status: "MODIFIED", modified: 1 });
    writeFileSync(deployed, "one\ntwo\nthree\n");
    expect((await status(name)).status).toMatchObject({ status: "SYNCED", synced: 1 });
    writeTree(s.dir, { "notes/a.txt": "zero\none\ntwo\nthree\n" });
    await t().app.services.content.import(SYSTEM, { path: s.dir });
    expect((await status(name)).status).toMatchObject({ status: "OUTDATED", outdated: 1 });
    writeFileSync(deployed, "one\ntwo\nthree\nlocal\n");
    expect((await status(name)).status).toMatchObject({ status: "CONFLICTED", conflicted: 1 });
    rmSync(join(dir, ".claude/skills/pdf/notes/a.txt"));
    expect((await status(name)).status).toMatchObject({ status: "MISSING", missing: 1 });

    const u = (await t().execute<{ undeployArtifact: { files: string[] } }, unknown>(Undeploy, { id: d.deployment?.id }, { token: "write" })).expectNoErrors();
    expect(u.undeployArtifact.files).toHaveLength(2);
    expect(snapshot(dir)).toEqual(before);
    expect((await status(name)).deployments.edges).toHaveLength(0);
  });

  it("a file not written by us is a typed conflict and nothing is written; commands and agents go to their folders", async () => {
    const dir = project({ ".claude/skills/lint/SKILL.md": "hand-written\n" });
    const before = snapshot(dir);
    const p = await register(t(), dir);
    const s = await importSkill("lint", { "rules.txt": "r\n" });
    const c = await deploy(s.id, p.project?.id ?? "");
    expect(c.__typename).toBe("DeployConflictError");
    expect(c.files).toEqual([".claude/skills/lint/SKILL.md"]);
    expect(snapshot(dir)).toEqual(before);

    writeTree(join(imports, "md"), { "commands/review.md": "---\ndescription: Review\n---\nReview it.\n", "agents/planner.md": "---\nname: planner\ndescription: Plans\n---\nPlan.\n" });
    const cmd = await t().app.services.content.import(SYSTEM, { path: join(imports, "md/commands/review.md") });
    const agent = await t().app.services.content.import(SYSTEM, { path: join(imports, "md/agents/planner.md") });
    await deploy(encodeGlobalID("Artifact", cmd.artifactId), p.project?.id ?? "");
    await deploy(encodeGlobalID("Artifact", agent.artifactId), p.project?.id ?? "");
    expect(readFileSync(join(dir, ".claude/commands/review.md"), "utf8")).toContain("Review it.");
    expect(readFileSync(join(dir, ".claude/agents/planner.md"), "utf8")).toContain("Plan.");
  });

  it("refuses to write through a symlinked .claude that leads out of the project", async () => {
    const dir = project();
    symlinkSync(outside, join(dir, ".claude"));
    const p = await register(t(), dir);
    const s = await importSkill("esc", {});
    const r = (await t().execute<{ deployArtifact: { __typename: string; rule?: string } }, unknown>(`mutation D($a: ID!, $p: ID!) { deployArtifact(artifact: $a, project: $p) { __typename ... on ProjectPathError { rule } } }`, { a: s.id, p: p.project?.id }, { token: "write" })).expectNoErrors();
    expect(r.deployArtifact).toEqual({ __typename: "ProjectPathError", rule: "path.no-symlinks" });
    expect(readdirSync(outside)).toEqual([]);
  });

  it("MERGE without conflicts takes both sides; MERGE with conflicts pauses for a person and the answer resumes it", async () => {
    const dir = project();
    const p = await register(t(), dir);
    const s = await importSkill("merge", { "a.txt": "1\n2\n3\n4\n5\n6\n7\n" });
    const d = await deploy(s.id, p.project?.id ?? "");
    const file = join(dir, ".claude/skills/merge/a.txt");
    writeFileSync(file, "1\n2\n3\n4\n5\n6\nseven\n");
    writeTree(s.dir, { "a.txt": "one\n2\n3\n4\n5\n6\n7\n" });
    await t().app.services.content.import(SYSTEM, { path: s.dir });
    const job = await waitForStatus(t().app, await sync(d.deployment?.id ?? "", "MERGE"), ["SUCCEEDED", "FAILED"]);
    expect(job.status).toBe("SUCCEEDED");
    expect(readFileSync(file, "utf8")).toBe("one\n2\n3\n4\n5\n6\nseven\n");
    expect((await status(p.project?.name ?? "")).status).toMatchObject({ status: "SYNCED" });

    // Both sides change line 4: a conflict, asked of a person.
    writeFileSync(file, "one\n2\n3\nfour (ours)\n5\n6\nseven\n");
    writeTree(s.dir, { "a.txt": "one\n2\n3\nfour (theirs)\n5\n6\n7\n" });
    await t().app.services.content.import(SYSTEM, { path: s.dir });
    const id = await sync(d.deployment?.id ?? "", "MERGE");
    const paused = await waitForStatus(t().app, id, "PENDING_HITL");
    expect(JSON.stringify(paused.prompt)).toContain("four (ours)");
    expect(JSON.stringify(paused.prompt)).toContain("four (theirs)");
    expect(readFileSync(file, "utf8")).toBe("one\n2\n3\nfour (ours)\n5\n6\nseven\n");
    const answered = (await t().execute<{ respondToJob: { __typename: string } }, unknown>(`mutation A($id: ID!, $r: JSON!) { respondToJob(id: $id, response: $r) { __typename } }`, { id: encodeGlobalID("Job", id), r: { files: { "a.txt": { text: "one\n2\n3\nfour (both)\n5\n6\nseven\n" } } } }, { token: "write" })).expectNoErrors();
    expect(answered.respondToJob.__typename).toBe("JobPayload");
    expect((await waitForStatus(t().app, id, ["SUCCEEDED", "FAILED"])).status).toBe("SUCCEEDED");
    expect(readFileSync(file, "utf8")).toBe("one\n2\n3\nfour (both)\n5\n6\nseven\n");
    expect((await status(p.project?.name ?? "")).status).toMatchObject({ status: "SYNCED" });
  });

  it("OVERWRITE writes the new version; captureDeployment stores local edits as a new version", async () => {
    const dir = project();
    const p = await register(t(), dir);
    const s = await importSkill("cap", { "a.txt": "a\n" });
    const d = await deploy(s.id, p.project?.id ?? "");
    const file = join(dir, ".claude/skills/cap/a.txt");
    writeFileSync(file, "edited\n");
    const cap = (await t().execute<{ captureDeployment: { version: number; deployment: { status: string } } }, unknown>(`mutation C($id: ID!) { captureDeployment(id: $id) { ... on CaptureDeploymentPayload { version deployment { status } } } }`, { id: d.deployment?.id }, { token: "write" })).expectNoErrors();
    expect(cap.captureDeployment).toEqual({ version: 2, deployment: { status: "SYNCED" } });
    const a = (await t().execute<{ artifact: { file: { text: string } } }, unknown>(`query { artifact(key: "skill:cap") { file(path: "a.txt") { text } } }`)).expectNoErrors();
    expect(a.artifact.file.text).toBe("edited\n");
    writeFileSync(file, "local again\n");
    writeTree(s.dir, { "a.txt": "upstream\n" });
    await t().app.services.content.import(SYSTEM, { path: s.dir });
    expect((await waitForStatus(t().app, await sync(d.deployment?.id ?? "", "OVERWRITE"), ["SUCCEEDED", "FAILED"])).status).toBe("SUCCEEDED");
    expect(readFileSync(file, "utf8")).toBe("upstream\n");
  });

  it("KEEP_LOCAL keeps the project's files and records them at the new version; ASK asks about every file that differs", async () => {
    const dir = project();
    const p = await register(t(), dir);
    const s = await importSkill("keep", { "a.txt": "a\n", "b.txt": "b\n" });
    const d = await deploy(s.id, p.project?.id ?? "");
    const a = join(dir, ".claude/skills/keep/a.txt");
    const b = join(dir, ".claude/skills/keep/b.txt");
    writeFileSync(a, "a, ours\n");
    writeTree(s.dir, { "a.txt": "a, theirs\n" });
    await t().app.services.content.import(SYSTEM, { path: s.dir });
    expect((await status(p.project?.name ?? "")).status).toMatchObject({ status: "CONFLICTED" });
    expect((await waitForStatus(t().app, await sync(d.deployment?.id ?? "", "KEEP_LOCAL"), ["SUCCEEDED", "FAILED"])).status).toBe("SUCCEEDED");
    expect(readFileSync(a, "utf8")).toBe("a, ours\n");
    // Recorded at version 2 with the local files: no longer outdated, and still modified relative to it.
    const after = (await t().execute<{ node: { version: { number: number }; status: string } }, unknown>(`query N($id: ID!) { node(id: $id) { ... on Deployment { version { number } status } } }`, { id: d.deployment?.id }, { token: "read" })).expectNoErrors();
    expect(after.node.version.number).toBe(2);
    expect(["SYNCED", "MODIFIED"]).toContain(after.node.status);
    expect((await status(p.project?.name ?? "")).status).not.toMatchObject({ outdated: 1 });

    // ASK: a file that differs only upstream (b.txt) is asked too, unlike MERGE; the answer decides each.
    writeTree(s.dir, { "a.txt": "a, theirs again\n", "b.txt": "b, theirs\n" });
    await t().app.services.content.import(SYSTEM, { path: s.dir });
    const id = await sync(d.deployment?.id ?? "", "ASK");
    const paused = await waitForStatus(t().app, id, ["PENDING_HITL", "FAILED", "SUCCEEDED"]);
    expect(paused.status).toBe("PENDING_HITL");
    const asked = (paused.prompt as { details: { files: { path: string }[] } }).details.files.map((f) => f.path).sort();
    expect(asked).toEqual(["a.txt", "b.txt"]);
    expect(readFileSync(b, "utf8")).toBe("b\n");
    const Respond = `mutation A($id: ID!, $r: JSON!) { respondToJob(id: $id, response: $r) { __typename ... on InvalidInputError { field } } }`;
    // An answer missing a file, or naming one not asked about, is refused with the field named, and the job keeps waiting.
    const partial = (await t().execute<{ respondToJob: { __typename: string; field?: string } }, unknown>(Respond, { id: encodeGlobalID("Job", id), r: { files: { "a.txt": { take: "OURS" } } } }, { token: "write" })).expectNoErrors();
    expect(partial.respondToJob).toEqual({ __typename: "InvalidInputError", field: "response.files.b.txt" });
    const extra = (await t().execute<{ respondToJob: { __typename: string; field?: string } }, unknown>(Respond, { id: encodeGlobalID("Job", id), r: { files: { "a.txt": { take: "OURS" }, "b.txt": { take: "THEIRS" }, "c.txt": { text: "" } } } }, { token: "write" })).expectNoErrors();
    expect(extra.respondToJob).toEqual({ __typename: "InvalidInputError", field: "response.files.c.txt" });
    expect((await t().app.services.jobs.get(id)).status).toBe("PENDING_HITL");
    const ok = (await t().execute<{ respondToJob: { __typename: string } }, unknown>(Respond, { id: encodeGlobalID("Job", id), r: { files: { "a.txt": { take: "OURS" }, "b.txt": { take: "THEIRS" } } } }, { token: "write" })).expectNoErrors();
    expect(ok.respondToJob.__typename).toBe("JobPayload");
    expect((await waitForStatus(t().app, id, ["SUCCEEDED", "FAILED"])).status).toBe("SUCCEEDED");
    expect(readFileSync(a, "utf8")).toBe("a, ours\n");
    expect(readFileSync(b, "utf8")).toBe("b, theirs\n");
  });

  it("a hooks deploy merges into an existing settings.json (admin only) and undeploy removes only its own entries", async () => {
    const existing = { model: "opus", hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "echo theirs" }] }] } };
    const dir = project({ ".claude/settings.json": `${JSON.stringify(existing, null, 2)}\n` });
    const before = snapshot(dir);
    const p = await register(t(), dir);
    const hook = await t().app.services.artifacts.add({ type: "HOOK", name: "audit", origin: "LOCAL" });
    const { prepare } = await import("../../src/modules/content/index.js");
    const ours = { hooks: { PreToolUse: [{ matcher: "Edit", hooks: [{ type: "command", command: "echo audit" }] }], Stop: [{ hooks: [{ type: "command", command: "echo done" }] }] } };
    await t().app.database.transaction(({ prisma }) => t().app.services.content.storeVersion(prisma, hook, false, prepare([{ path: "hooks.json", data: Buffer.from(JSON.stringify(ours)) }]), { sourceRef: null, commit: null, createdBy: "test" }));
    const hookId = encodeGlobalID("Artifact", hook.id);
    expect((await deploy(hookId, p.project?.id ?? "", "write")).__typename).toBe("ForbiddenError");
    const d = await deploy(hookId, p.project?.id ?? "", "admin");
    expect(d.__typename).toBe("DeploymentPayload");
    const merged = JSON.parse(readFileSync(join(dir, ".claude/settings.json"), "utf8"));
    expect(merged.model).toBe("opus");
    expect(merged.hooks.PreToolUse).toEqual([...existing.hooks.PreToolUse, ...ours.hooks.PreToolUse]);
    expect(merged.hooks.Stop).toEqual(ours.hooks.Stop);
    expect((await status(p.project?.name ?? "")).status).toMatchObject({ status: "SYNCED" });
    await t().execute(Undeploy, { id: d.deployment?.id }, { token: "write" });
    expect(JSON.parse(readFileSync(join(dir, ".claude/settings.json"), "utf8"))).toEqual(existing);
    expect(Object.keys(snapshot(dir))).toEqual(Object.keys(before));
    expect(existsSync(join(dir, ".claude/settings.json")) && statSync(join(dir, ".claude/settings.json")).isFile()).toBe(true);
  });

  it("a scan job finds drift and deploymentsChanged reports it", async () => {
    const dir = project();
    const p = await register(t(), dir);
    const s = await importSkill("watched", { "a.txt": "a\n" });
    await deploy(s.id, p.project?.id ?? "");
    const sse = await openSse(t().app, `subscription W($p: ID) { deploymentsChanged(project: $p) { previousStatus status projectId } }`, { p: p.project?.id }, t().tokens.read);
    // The stream subscribes when its body is first read: read first, then change and scan.
    const seen = sse.readUntil(() => sse.text.includes("MODIFIED"));
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(join(dir, ".claude/skills/watched/a.txt"), "edited\n");
    const r = (await t().execute<{ scanProject: { job: { id: string } } }, unknown>(`mutation S($p: ID!) { scanProject(project: $p) { ... on ScanProjectPayload { job { id } } } }`, { p: p.project?.id }, { token: "write" })).expectNoErrors();
    expect((await waitForStatus(t().app, decodeGlobalID(r.scanProject.job.id).id, ["SUCCEEDED", "FAILED"])).status).toBe("SUCCEEDED");
    await seen;
    await sse.close();
    expect(sse.events.map((e) => e.deploymentsChanged)).toContainEqual({ previousStatus: "SYNCED", status: "MODIFIED", projectId: p.project?.id });
  });

  it("a deploy that fails midway leaves the project as it was", async () => {
    // A file named like a folder the skill needs: the third write fails after two succeeded.
    const dir = project({ ".claude/skills/half/b": "in the way\n" });
    const before = snapshot(dir);
    const p = await register(t(), dir);
    const s = await importSkill("half", { "a.txt": "a\n", "b/c.txt": "c\n" });
    const r = (await t().execute<{ deployArtifact: { __typename: string; path?: string; rule?: string } }, unknown>(`mutation D($a: ID!, $p: ID!) { deployArtifact(artifact: $a, project: $p) { __typename ... on ProjectPathError { path rule } } }`, { a: s.id, p: p.project?.id }, { token: "write" })).expectNoErrors();
    expect(r.deployArtifact).toEqual({ __typename: "ProjectPathError", path: ".claude/skills/half/b/c.txt", rule: "write.failed" });
    expect(snapshot(dir)).toEqual(before);
    expect((await status(p.project?.name ?? "")).deployments.edges).toHaveLength(0);
  });
});

describe("projects: the user's own ~/.claude", () => {
  const home = tempDir("skillgraph-home-");
  const t = useTestApp({ env: { ...fastJobs, SKILLGRAPH_USER_PROJECT: "true", SKILLGRAPH_USER_HOME: home, SKILLGRAPH_PROJECT_ROOTS: roots, SKILLGRAPH_IMPORT_ROOTS: imports, SKILLGRAPH_COLLECTIONS_DIR: tempDir() } });

  it("is the project `user` (kind USER) once started, and a deploy to it lands in ~/.claude", async () => {
    await t().app.startBackground();
    const listed = (await t().execute<{ project: { id: string; kind: string; path: string } | null }, unknown>(`{ project(name: "user") { id kind path } }`)).expectNoErrors();
    expect(listed.project).toMatchObject({ kind: "USER" });
    const dir = writeTree(join(imports, "home-skill"), { "SKILL.md": skillMd("home-skill"), "run.sh": "echo hi\n" });
    const r = await t().app.services.content.import(SYSTEM, { path: dir });
    const d = (await t().execute<DeployResult, unknown>(Deploy, { a: encodeGlobalID("Artifact", r.artifactId), p: listed.project?.id }, { token: "write" })).expectNoErrors().deployArtifact;
    expect(d.__typename).toBe("DeploymentPayload");
    expect(readFileSync(join(home, ".claude/skills/home-skill/run.sh"), "utf8")).toBe("echo hi\n");
    // Starting again does not make a second one.
    await t().app.services.projects.ensureUserProject();
    const all = (await t().execute<{ projects: { edges: { node: { name: string } }[] } }, unknown>(`{ projects(first: 50) { edges { node { name } } } }`)).expectNoErrors();
    expect(all.projects.edges.filter((e) => e.node.name === "user")).toHaveLength(1);
  });
});
