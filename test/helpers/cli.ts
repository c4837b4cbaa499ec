// The CLI as a user runs it: the installed bin as a real process, on a migrated test database of
// its own (created before the file's tests, dropped after).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll } from "vitest";
import { migrate } from "../../src/db/migrator.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export const bin = fileURLToPath(new URL("../../src/bin/skillgraph.mjs", import.meta.url));
const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Registers the database hooks; `settings` adds environment variables to every call. */
export function useCliDatabase(settings: () => Record<string, string> = () => ({})) {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.url);
  });
  afterAll(async () => {
    await db.drop();
  });
  const env = (extra: Record<string, string> = {}) => ({ ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent", REDIS_URL: "", ...settings(), ...extra });
  return {
    env,
    /** Runs `skillgraph <args>`; a non-zero exit is returned, not thrown. */
    async cli(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
      try {
        const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: env(extra) });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    },
  };
}
