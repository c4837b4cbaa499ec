// `skillgraph add`, `show --files` and `collection recover|verify|export-folder|import-folder` as
// real processes on a real database, with real folders and a real git repository; and the repair
// of a collection folder that missed a committed change (as after a crash between the commit and
// the folder write): the next process that starts rewrites it.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, useCliDatabase } from "../helpers/cli.js";
import { waitFor } from "../jobs/helpers.js";
import { git, gitRepo, skillMd, tempDir, writeTree } from "./fixtures.js";

const root = tempDir("skillgraph-import-root-");
const folders = tempDir("skillgraph-collections-");

describe("skillgraph add / show --files / collection", () => {
  const { cli, env } = useCliDatabase(() => ({ SKILLGRAPH_IMPORT_ROOTS: root, SKILLGRAPH_COLLECTIONS_DIR: folders }));

  it("adds from a folder and from git, shows files, and writes the collection folder", async () => {
    const dir = writeTree(join(root, "pdf"), { "SKILL.md": skillMd("pdf"), "scripts/x.py": "print(1)\n" });
    const added = await cli(["add", dir]);
    expect(added.stderr).toBe("");
    expect(added.stdout).toMatch(/^skill:pdf added: version 1, 2 file\(s\)/);
    const repo = join(root, "repo");
    const commit = gitRepo(repo, { "commands/review.md": "---\ndescription: Review\n---\nReview the diff.\n" });
    git(repo, "tag", "v1");
    const fromGit = await cli(["add", `file://${repo}`, "--ref", "v1", "--path", "commands/review.md", "--json"]);
    expect(JSON.parse(fromGit.stdout)).toMatchObject({ key: "command:review", version: 1, commit });
    const shown = await cli(["show", "skill:pdf", "--files", "--json"]);
    const out = JSON.parse(shown.stdout) as { contentHash: string; files: { path: string; mediaType: string }[] };
    expect(out.files.map((f) => f.path)).toEqual(["SKILL.md", "scripts/x.py"]);
    expect(readFileSync(join(folders, "default", "collection.toml"), "utf8")).toContain(`content_hash = "${out.contentHash}"`);
    expect(readFileSync(join(folders, "default", "commands", "review.md"), "utf8")).toContain("Review the diff.");
    expect((await cli(["collection", "verify", "default"])).stdout).toBe("default: folder and database agree\n");
    // Five processes, each starting the CLI: slow on a loaded machine.
  }, 120_000);

  it("refuses a bad import naming the file and the rule, exit 2", async () => {
    const dir = writeTree(join(root, "bad"), { "SKILL.md": "---\nname: bad\n---\n" });
    const res = await cli(["add", dir]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("SKILL.md: description is required (rule: front-matter.description)");
  });

  it("a folder that missed a committed change is repaired by the next process that starts", async () => {
    // The change commits but its folder write never happens (a writer whose folder is elsewhere).
    writeTree(join(root, "pdf"), { "scripts/x.py": "print(2)\n" });
    const changed = await cli(["add", join(root, "pdf")], { SKILLGRAPH_COLLECTIONS_DIR: tempDir() });
    expect(changed.stdout).toMatch(/updated: version 2/);
    const stale = await cli(["collection", "verify", "default"]);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/skill:pdf: content_hash differs/);
    const worker = spawn(process.execPath, [bin, "worker", "-c", "1"], { env: env(), stdio: "ignore" });
    try {
      await waitFor("the repaired folder", async () => existsSync(join(folders, "default", "skills", "pdf", "scripts", "x.py")) && readFileSync(join(folders, "default", "skills", "pdf", "scripts", "x.py"), "utf8") === "print(2)\n", 20_000);
      await waitFor("verify to agree", async () => (await cli(["collection", "verify", "default"])).code === 0, 20_000);
    } finally {
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.kill("SIGTERM");
      await exited;
    }
  });

  it("exports a folder and imports it as another collection; recover rebuilds from the folder", async () => {
    const out = tempDir();
    expect((await cli(["collection", "export-folder", "default", "--to", out])).code).toBe(0);
    expect(existsSync(join(out, "skills", "pdf", "SKILL.md"))).toBe(true);
    const imported = await cli(["collection", "import-folder", out, "--name", "copy", "--json"]);
    expect(JSON.parse(imported.stdout)).toMatchObject({ collection: "copy", created: ["command:review", "skill:pdf"], skipped: [] });
    expect((await cli(["show", "skill:pdf", "--files", "--collection", "copy"])).stdout).toContain("scripts/x.py");
    const again = await cli(["collection", "recover", "copy", "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: [], unchanged: ["command:review", "skill:pdf"] });
  });
});
