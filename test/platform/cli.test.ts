// The CLI as an operator uses it: real processes against a real database file (or PostgreSQL).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import Sqlite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrationFiles } from "../../src/db/migrator.js";
import { sqlitePath } from "../../src/db/sqlite-path.js";
import { bin, useCliDatabase } from "../helpers/cli.js";
import type { TestDatabase } from "../helpers/database.js";

async function rows<T>(db: TestDatabase, sql: string): Promise<T[]> {
  if (db.provider === "sqlite") {
    const s = new Sqlite(sqlitePath(db.url), { readonly: true });
    try {
      return s.prepare(sql).all() as T[];
    } finally {
      s.close();
    }
  }
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

// Each call starts a process that loads every module through tsx: seconds each on a busy machine.
describe("skillgraph CLI", { timeout: 180_000 }, () => {
  // Not migrated: the first test applies the migrations with `db init`.
  const { cli, database } = useCliDatabase(() => ({}), { migrated: false });

  it("db status reports pending migrations, db init applies them as Prisma records them", async () => {
    const before = await cli(["db", "status"]);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/Pending \(\d+\):\n {2}\d{14}_init/);

    const init = await cli(["db", "init"]);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/Applied \d+ migration\(s\)/);

    const after = await cli(["db", "status", "--json"]);
    expect(after.code).toBe(0);
    const status = JSON.parse(after.stdout) as { applied: { name: string; checksumMatches: boolean }[]; pending: string[] };
    expect(status.pending).toEqual([]);
    expect(status.applied.every((m) => m.checksumMatches)).toBe(true);

    const db = database();
    const files = migrationFiles(db.provider);
    const recorded = await rows<{ migration_name: string; checksum: string; finished_at: unknown; applied_steps_count: number }>(
      db,
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(recorded.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, r] of recorded.entries()) {
      const sql = readFileSync(fileURLToPath(new URL(`../../prisma/migrations/${db.provider}/${r.migration_name}/migration.sql`, import.meta.url)));
      expect(r.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(r.finished_at).not.toBeNull();
      expect(Number(r.applied_steps_count)).toBeGreaterThan(0);
      expect(files[i]?.checksum).toBe(r.checksum);
    }
    expect((await cli(["db", "migrate"])).stdout).toMatch(/No pending migrations/);
  });

  it("token create prints the secret once and stores only its hash; list and revoke", async () => {
    const created = await cli(["token", "create", "--name", "ci-bot", "--scopes", "read,write", "--json"]);
    expect(created.code).toBe(0);
    const { token, scopes } = JSON.parse(created.stdout) as { token: string; scopes: string[] };
    expect(scopes).toEqual(["read", "write"]);
    const stored = await rows<{ tokenHash: string; scopes: string }>(database(), `SELECT "tokenHash", scopes FROM "ApiToken" WHERE name = 'ci-bot'`);
    expect(stored[0]?.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));

    const listed = await cli(["token", "list"]);
    expect(listed.stdout).toMatch(/^NAME\s+SCOPES\s+CREATED\s+STATE$/m);
    expect(listed.stdout).toMatch(/ci-bot\s+read,write\s+\S+Z\s+never used/);
    expect(listed.stdout).not.toContain(token);

    const bad = await cli(["token", "create", "--name", "x", "--scopes", "read,root"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/scopes: unknown scope\(s\) root/);
    const dup = await cli(["token", "create", "--name", "ci-bot"]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/already exists/);

    expect((await cli(["token", "revoke", "ci-bot"])).stdout).toMatch(/Revoked token "ci-bot"/);
    expect((await cli(["token", "list"])).stdout).toMatch(/ci-bot\s+read,write\s+\S+Z\s+revoked \S+Z/);
  });

  it("db reset refuses without --force and keeps the data", async () => {
    const refused = await cli(["db", "reset"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--force/);
    expect((await cli(["token", "list"])).stdout).toMatch(/ci-bot/);
    const reset = await cli(["db", "reset", "--force"]);
    expect(reset.code).toBe(0);
    expect((await cli(["token", "list"])).stdout).toMatch(/No tokens/);
  });

  it("schema print matches the committed SDL; a bad setting is a clear error", async () => {
    const printed = await cli(["schema", "print"]);
    expect(printed.stdout).toBe(readFileSync(fileURLToPath(new URL("../../schema/schema.graphql", import.meta.url)), "utf8"));
    const bad = await cli(["db", "status"], { PORT: "eighty" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/PORT: /);
  });

  it("serve stops cleanly on SIGTERM: exits 0 and closes the port", async () => {
    const child = spawn(process.execPath, [bin, "serve", "--port", "0"], {
      env: { ...process.env, DATABASE_URL: database().url, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        log += d.toString();
        const m = /"graphql":"(http:[^"]+)"/.exec(log);
        if (m?.[1]) resolve(m[1]);
      });
      child.once("exit", () => reject(new Error(`server exited early:\n${log}`)));
    });
    const ok = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ viewer { name } }" }) });
    expect(await ok.json()).toEqual({ data: { viewer: { name: "anonymous" } } });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(log).toMatch(/"msg":"shutting down","signal":"SIGTERM"/);
    await expect(fetch(url)).rejects.toThrow();
  });
});
