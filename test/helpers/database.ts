// A fresh database per test file: a SQLite file in a temp folder, or, when TEST_DATABASE_URL is
// set, a new PostgreSQL database on that server (dropped afterwards).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export interface TestDatabase {
  url: string;
  provider: "sqlite" | "postgresql";
  drop(): Promise<void>;
}

/** `sqlite` forces the embedded database even when TEST_DATABASE_URL is set (tests comparing both). */
export async function createTestDatabase(only?: "sqlite"): Promise<TestDatabase> {
  const server = only === "sqlite" ? undefined : process.env.TEST_DATABASE_URL;
  if (!server) {
    const dir = mkdtempSync(join(tmpdir(), "skillgraph-test-"));
    return {
      url: `file:${join(dir, "test.db")}`,
      provider: "sqlite",
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `skillgraph_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    provider: "postgresql",
    drop: async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
