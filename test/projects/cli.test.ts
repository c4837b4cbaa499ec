// `skillgraph project register`, `deploy`, `status`, `sync`, `undeploy` as real processes on a real
// database and a real project folder.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCliDatabase } from "../helpers/cli.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const imports = tempDir("skillgraph-import-root-");
const roots = tempDir("skillgraph-projects-");

describe("skillgraph deploy / status / sync / undeploy", () => {
  const { cli } = useCliDatabase(() => ({ SKILLGRAPH_IMPORT_ROOTS: imports, SKILLGRAPH_PROJECT_ROOTS: roots, SKILLGRAPH_COLLECTIONS_DIR: tempDir() }));

  it("deploys, reports drift with exit 1, syncs with overwrite, undeploys", async () => {
    const src = writeTree(join(imports, "pdf"), { "SKILL.md": skillMd("pdf"), "a.txt": "a\n" });
    expect((await cli(["add", src])).code).toBe(0);
    const dir = join(roots, "app");
    mkdirSync(dir);
    expect((await cli(["project", "register", dir])).stdout).toContain("app:");
    const dep = await cli(["deploy", "skill:pdf", "--project", dir, "--json"]);
    expect(dep.code).toBe(0);
    expect(JSON.parse(dep.stdout).files.map((f: { path: string }) => f.path).sort()).toEqual([".claude/skills/pdf/SKILL.md", ".claude/skills/pdf/a.txt"]);
    expect((await cli(["status", "app"])).code).toBe(0);
    writeFileSync(join(dir, ".claude/skills/pdf/a.txt"), "edited\n");
    const drift = await cli(["status", "app", "--json"]);
    expect(drift.code).toBe(1);
    expect(JSON.parse(drift.stdout)[0]).toMatchObject({ status: "MODIFIED", deployments: [{ key: "skill:pdf", status: "MODIFIED" }] });
    expect((await cli(["sync", "skill:pdf", "--project", "app", "--strategy", "overwrite"])).code).toBe(0);
    expect(readFileSync(join(dir, ".claude/skills/pdf/a.txt"), "utf8")).toBe("a\n");
    expect((await cli(["undeploy", "skill:pdf", "--project", dir])).code).toBe(0);
    expect(existsSync(join(dir, ".claude"))).toBe(false);
  }, 60_000);
});
