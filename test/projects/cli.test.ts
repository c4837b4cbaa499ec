// `skillgraph project register`, `deploy`, `status`, `sync`, `undeploy` as real processes on a real
// database and a real project folder.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrator.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const bin = fileURLToPath(new URL("../../src/bin/skillgraph.mjs", import.meta.url));
const run = promisify(execFile);
const imports = tempDir("skillgraph-import-root-");
const roots = tempDir("skillgraph-projects-");

describe("skillgraph deploy / status / sync / undeploy", () => {
  let db: TestDatabase;
  const env = () => ({ ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent", SKILLGRAPH_IMPORT_ROOTS: imports, SKILLGRAPH_PROJECT_ROOTS: roots, SKILLGRAPH_COLLECTIONS_DIR: tempDir(), REDIS_URL: "" });
  async function cli(args: string[]) {
    try {
      const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: env() });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.url);
  });
  afterAll(async () => {
    await db.drop();
  });

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
