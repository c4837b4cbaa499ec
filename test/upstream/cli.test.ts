// `skillgraph update --check` and `update <key>` as real processes on a real database and a real
// git repository.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCliDatabase } from "../helpers/cli.js";
import { gitCommit, gitRepo, skillMd, tempDir } from "../content/fixtures.js";

const imports = tempDir("skillgraph-import-root-");

describe("skillgraph update", () => {
  const { cli } = useCliDatabase(() => ({ SKILLGRAPH_IMPORT_ROOTS: imports, SKILLGRAPH_COLLECTIONS_DIR: tempDir() }));

  it("--check reports UPDATE_AVAILABLE with exit 1; update <key> imports the new version; then UP_TO_DATE", async () => {
    const repo = join(imports, "repo");
    gitRepo(repo, { "SKILL.md": skillMd("pdf"), "a.txt": "a\n" });
    expect((await cli(["add", `file://${repo}`, "--ref", "main"])).code).toBe(0);
    const clean = await cli(["update", "--check", "--json"]);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject([{ key: "skill:pdf", status: "UP_TO_DATE", commitsBehind: 0 }]);

    const head = gitCommit(repo, { "a.txt": "b\n" }, "b");
    const behind = await cli(["update", "--check", "skill:pdf", "--json"]);
    expect(behind.code).toBe(1);
    expect(JSON.parse(behind.stdout)).toMatchObject([{ key: "skill:pdf", status: "UPDATE_AVAILABLE", latestCommit: head, commitsBehind: 1 }]);

    const up = await cli(["update", "skill:pdf", "--json"]);
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout)).toEqual({ key: "skill:pdf", version: 2, unchanged: false, commit: head, status: "UP_TO_DATE" });
    expect((await cli(["update", "--check"])).stdout).toMatch(/^UP_TO_DATE\s+skill:pdf/);
  });

  it("without a key or --check it says what is missing", async () => {
    const r = await cli(["update"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/<key>/);
  });
});
