// Artifact content through the API: imports (local folders and files, git repositories) as jobs,
// files and text, versions and diffs, rule errors naming the file and rule, limits, symlinks.
import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { fastJobs, waitFor, waitForStatus } from "../jobs/helpers.js";
import { git, gitCommit, gitRepo, skillMd, tempDir, writeTree } from "./fixtures.js";

const root = tempDir("skillgraph-import-root-");
const outside = tempDir("skillgraph-outside-");
const collections = tempDir("skillgraph-collections-");

const Import = `
  mutation Import($input: ImportArtifactInput!) {
    importArtifact(input: $input) {
      __typename
      ... on ImportArtifactPayload { job { id status } }
      ... on InvalidInputError { field message }
    }
  }
`;

const Show = `
  query Show($key: String!) {
    artifact(key: $key) {
      key contentHash resolvedSha metadata { description license tools }
      files { path size sha256 mediaType }
      skill: file(path: "SKILL.md") { text }
      versions(first: 10) { totalCount edges { node { number contentHash commit sourceRef createdBy } } }
    }
  }
`;

async function runImport(t: TestApp, input: Record<string, unknown>) {
  const res = (await t.execute<{ importArtifact: { __typename: string; job?: { id: string }; field?: string; message?: string } }, unknown>(Import, { input }, { token: "write" })).expectNoErrors();
  if (res.importArtifact.__typename !== "ImportArtifactPayload" || !res.importArtifact.job) return { payload: res.importArtifact, job: null };
  const job = await waitForStatus(t.app, decodeGlobalID(res.importArtifact.job.id).id, ["SUCCEEDED", "FAILED"]);
  return { payload: res.importArtifact, job };
}

type ShowData = {
  artifact: {
    key: string;
    contentHash: string | null;
    resolvedSha: string | null;
    metadata: { description: string | null; license: string | null; tools: string[] };
    files: { path: string; size: number; sha256: string; mediaType: string }[];
    skill: { text: string | null } | null;
    versions: { totalCount: number; edges: { node: { number: number; contentHash: string; commit: string | null; sourceRef: string | null; createdBy: string | null } }[] };
  } | null;
};

describe("artifact content", () => {
  const t = useTestApp({
    env: { ...fastJobs, SKILLGRAPH_IMPORT_ROOTS: root, SKILLGRAPH_COLLECTIONS_DIR: collections, SKILLGRAPH_CONTENT_MAX_FILE_BYTES: "4096", SKILLGRAPH_CONTENT_MAX_FILES: "50" },
  });

  beforeEach(async () => {
    await t().app.startBackground();
  });

  it("imports a local skill folder: files, text, content hash, one blob per identical file", async () => {
    const dir = writeTree(join(root, "local", "pdf"), { "SKILL.md": skillMd("pdf"), "scripts/run.sh": "#!/bin/sh\necho hi\n", "scripts/copy.sh": "#!/bin/sh\necho hi\n", "logo.png": new Uint8Array([0x89, 0x50, 0, 1, 2]) });
    const { job } = await runImport(t(), { path: dir });
    expect(job?.status).toBe("SUCCEEDED");
    expect(job?.result).toMatchObject({ key: "skill:pdf", version: 1, created: true, files: 4 });
    const data = (await t().execute<ShowData, unknown>(Show, { key: "skill:pdf" })).expectNoErrors();
    const a = data.artifact;
    expect(a?.files.map((f) => f.path)).toEqual(["SKILL.md", "logo.png", "scripts/copy.sh", "scripts/run.sh"]);
    expect(a?.files.find((f) => f.path === "SKILL.md")?.mediaType).toBe("text/markdown");
    expect(a?.skill?.text).toContain("# pdf");
    expect(a?.metadata).toEqual({ description: "The pdf skill.", license: "MIT", tools: ["Read", "Bash"] });
    expect(a?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a?.versions.totalCount).toBe(1);
    // The version records who started the import job.
    expect(a?.versions.edges[0]?.node.createdBy).toBe("test-write");
    const bin = (await t().execute<{ artifact: { file: { text: string | null; size: number } | null } }, unknown>(`query { artifact(key: "skill:pdf") { file(path: "logo.png") { text size } } }`)).expectNoErrors();
    expect(bin.artifact.file).toEqual({ text: null, size: 5 });
    // Two scripts with the same bytes are one blob.
    expect(await t().app.database.prisma.contentBlob.count()).toBe(3);
  });

  it("re-importing adds a version only when content changed; diff shows per-file unified diffs", async () => {
    const dir = writeTree(join(root, "local", "notes"), { "SKILL.md": skillMd("notes"), "a.txt": "one\ntwo\n" });
    await runImport(t(), { path: dir });
    const again = await runImport(t(), { path: dir });
    expect(again.job?.result).toMatchObject({ version: 1, unchanged: true });
    writeTree(dir, { "a.txt": "one\nthree\n", "b.txt": "new\n" });
    const second = await runImport(t(), { path: dir });
    expect(second.job?.result).toMatchObject({ version: 2, created: false, unchanged: false });
    const d = (await t().execute<{ artifact: { diff: { path: string; status: string; patch: string | null }[]; versions: { edges: { node: { number: number } }[] } } }, unknown>(
      `query { artifact(key: "skill:notes") { versions { edges { node { number } } } diff(from: 1, to: 2) { path status patch } } }`,
    )).expectNoErrors();
    expect(d.artifact.versions.edges.map((e) => e.node.number)).toEqual([2, 1]);
    expect(d.artifact.diff.map((x) => [x.path, x.status])).toEqual([["a.txt", "MODIFIED"], ["b.txt", "ADDED"]]);
    expect(d.artifact.diff[0]?.patch).toContain("-two\n+three");
  });

  it("imports from a real git repository at a ref and path, keeping the resolved commit; a second commit is a new version", async () => {
    const repo = join(root, "repos", "skills");
    const first = gitRepo(repo, { "skills/lint/SKILL.md": skillMd("lint"), "skills/lint/rules.txt": "rule 1\n", "README.md": "repo\n" });
    git(repo, "tag", "v1");
    const second = gitCommit(repo, { "skills/lint/rules.txt": "rule 1\nrule 2\n" }, "second");
    const v1 = await runImport(t(), { git: { url: `file://${repo}`, ref: "v1", path: "skills/lint" } });
    expect(v1.job?.status).toBe("SUCCEEDED");
    expect(v1.job?.result).toMatchObject({ key: "skill:lint", version: 1, commit: first });
    const head = await runImport(t(), { git: { url: `file://${repo}`, ref: "main", path: "skills/lint" } });
    expect(head.job?.result).toMatchObject({ version: 2, commit: second });
    const data = (await t().execute<ShowData, unknown>(Show, { key: "skill:lint" })).expectNoErrors();
    expect(data.artifact?.resolvedSha).toBe(second);
    expect(data.artifact?.versions.edges.map((e) => e.node.commit)).toEqual([second, first]);
    expect(data.artifact?.files.map((f) => f.path)).toEqual(["SKILL.md", "rules.txt"]);
  });

  it("imports a command and an agent from markdown files", async () => {
    writeTree(join(root, "md"), { "commands/review.md": "---\ndescription: Review the diff\n---\nReview it.\n", "agents/planner.md": "---\nname: planner\ndescription: Plans work\n---\nPlan.\n" });
    const cmd = await runImport(t(), { path: join(root, "md", "commands", "review.md") });
    expect(cmd.job?.result).toMatchObject({ key: "command:review" });
    const agent = await runImport(t(), { path: join(root, "md", "agents", "planner.md") });
    expect(agent.job?.result).toMatchObject({ key: "agent:planner" });
  });

  it("bad input fails with the file and the rule, and nothing is stored", async () => {
    const before = await t().app.database.prisma.artifactVersion.count();
    const cases: [Record<string, string | Uint8Array>, string][] = [
      [{ "SKILL.md": "# no front matter\n" }, "SKILL.md: YAML front matter (between --- lines) is required (rule: front-matter.present)"],
      [{ "SKILL.md": "---\nname: Bad Name\ndescription: x\n---\n" }, "(rule: front-matter.name)"],
      [{ "SKILL.md": "---\nname: ok\n---\n" }, "SKILL.md: description is required (rule: front-matter.description)"],
      [{ "SKILL.md": "---\nname: [unclosed\n---\n" }, "(rule: front-matter.yaml)"],
      [{ "SKILL.md": skillMd("big"), "big.bin": new Uint8Array(5000) }, "big.bin: is 5000 bytes, over the limit of 4096"],
      [{ "README.md": "no skill here\n" }, "SKILL.md: a folder is imported as a skill and must hold SKILL.md (rule: layout.skill-md)"],
    ];
    for (const [i, [files, message]] of cases.entries()) {
      const dir = writeTree(join(root, "bad", `case-${i}`), files);
      const { job } = await runImport(t(), { path: dir });
      expect(job?.status).toBe("FAILED");
      expect(job?.attempts).toBe(1);
      expect(job?.error).toContain(message);
    }
    const link = writeTree(join(root, "bad", "linked"), { "SKILL.md": skillMd("linked") });
    symlinkSync("/etc/passwd", join(link, "passwd"));
    const { job } = await runImport(t(), { path: link });
    expect(job?.error).toBe("passwd: is a symlink; symlinks are refused (rule: path.no-symlinks)");
    expect(await t().app.database.prisma.artifactVersion.count()).toBe(before);
    expect(await t().app.database.prisma.artifact.count({ where: { name: { in: ["big", "linked", "ok"] } } })).toBe(0);
  });

  it("refuses paths outside SKILLGRAPH_IMPORT_ROOTS, symlinked ways out, and tokens without write", async () => {
    const dir = writeTree(join(outside, "secret"), { "SKILL.md": skillMd("secret") });
    const { payload } = await runImport(t(), { path: dir });
    expect(payload).toMatchObject({ __typename: "InvalidInputError", field: "input.path" });
    symlinkSync(outside, join(root, "escape"));
    const escaped = await runImport(t(), { path: join(root, "escape", "secret") });
    expect(escaped.job?.error).toContain("(rule: path.inside-root)");
    const viaGit = await runImport(t(), { git: { url: `file://${outside}` } });
    expect(viaGit.payload).toMatchObject({ __typename: "InvalidInputError", field: "input.git.url" });
    const res = await t().execute(Import, { input: { path: dir } }, { token: "read" });
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("writes collection.toml through after changes, atomically, with tags and groups", async () => {
    const svc = t().app.services;
    const a = await svc.artifacts.byKey("skill:pdf");
    const tag = await svc.tags.create({ name: "Documents", color: "#112233", description: "Docs" });
    await svc.tags.tagArtifact(a.id, tag.id);
    const group = await svc.groups.create({ name: "core", description: "Core set", color: "#445566", icon: "star" });
    await svc.groups.setMembers(group.id, [a.id]);
    await svc.content.folders.flush();
    const folder = join(collections, "default");
    const manifest = readFileSync(join(folder, "collection.toml"), "utf8");
    expect(manifest).toContain('[[artifacts]]\ntype = "skill"\nname = "pdf"');
    expect(manifest).toContain('path = "skills/pdf"');
    expect(manifest).toContain('tags = [ "Documents" ]');
    expect(manifest).toContain('[[groups]]\nname = "core"');
    expect(manifest).toContain('members = [ "skill:pdf" ]');
    expect(readFileSync(join(folder, "skills", "pdf", "SKILL.md"), "utf8")).toContain("name: pdf");
    expect(existsSync(join(folder, "commands", "review.md"))).toBe(true);
    expect(await svc.content.folders.verify("default")).toEqual([]);
  });

  it("rebuilds the database from the folder: artifacts, content, tags, groups and membership", async () => {
    const svc = t().app.services;
    await svc.content.folders.flush();
    const before = (await t().execute<ShowData, unknown>(Show, { key: "skill:pdf" })).expectNoErrors();
    await t().clear();
    const res = (await t().execute<{ recoverCollection: { __typename: string; created?: string[]; skipped?: unknown[] } }, unknown>(
      `mutation { recoverCollection(name: "default") { __typename ... on RecoverCollectionPayload { created skipped { item reason } } } }`,
      {},
      { token: "admin" },
    )).expectNoErrors();
    expect(res.recoverCollection.created).toContain("skill:pdf");
    expect(res.recoverCollection.skipped).toEqual([]);
    const after = (await t().execute<ShowData, unknown>(Show, { key: "skill:pdf" })).expectNoErrors();
    expect(after.artifact?.contentHash).toBe(before.artifact?.contentHash);
    expect(after.artifact?.files).toEqual(before.artifact?.files);
    const g = (await t().execute<{ artifact: { tags: { name: string; color: string }[]; groups: { name: string; icon: string }[] } }, unknown>(`query { artifact(key: "skill:pdf") { tags { name color } groups { name icon } } }`)).expectNoErrors();
    expect(g.artifact.tags).toEqual([{ name: "Documents", color: "#112233" }]);
    expect(g.artifact.groups).toEqual([{ name: "core", icon: "star" }]);
    await waitFor("the rewritten manifest", async () => (await svc.content.folders.verify("default")).length === 0);
  });
});
