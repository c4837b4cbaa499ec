// `skillgraph update --check` and `update <key>` as real processes on a real database and a real
// git repository.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrator.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { gitCommit, gitRepo, skillMd, tempDir } from "../content/fixtures.js";

const bin = fileURLToPath(new URL("../../src/bin/skillgraph.mjs", import.meta.url));
const run = promisify(execFile);
const imports = tempDir("skillgraph-import-root-");

describe("skillgraph update", () => {
  let db: TestDatabase;
  const env = () => ({ ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent", SKILLGRAPH_IMPORT_ROOTS: imports, SKILLGRAPH_COLLECTIONS_DIR: tempDir(), REDIS_URL: "" });
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
