// The CLI as a user runs it: the installed bin as a real process. runCli runs one command with the
// environment given; useCliDatabase gives a test file a database of its own (created, and unless
// told otherwise migrated, before the file's tests; dropped after) and a runner pointed at it.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { migrate } from "../../src/db/migrator.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export const bin = fileURLToPath(new URL("../../src/bin/skillgraph.mjs", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `skillgraph <args>` with exactly this environment (and `input` on its standard input); a non-zero exit is returned, not thrown. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, options: { input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
    );
    child.stdin.end(options.input ?? "");
  });
}

/** Registers the database hooks; `settings` adds environment variables to every call. `migrated: false` leaves the database empty (for `db init`). */
export function useCliDatabase(settings: () => Record<string, string> = () => ({}), options: { migrated?: boolean } = {}) {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    if (options.migrated !== false) await migrate(db.url);
  });
  afterAll(async () => {
    await db.drop();
  });
  // Loopback may be fetched from, as in the test app kit (test/helpers/app.ts).
  const env = (extra: Record<string, string> = {}) => ({ ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent", REDIS_URL: "", SKILLGRAPH_OUTBOUND_ALLOW: "127.0.0.0/8,::1,localhost", ...settings(), ...extra });
  return {
    env,
    /** The file's database (after its beforeAll). */
    database: () => db,
    /** Runs `skillgraph <args>` on the file's database; a non-zero exit is returned, not thrown. */
    cli(args: string[], extra: Record<string, string> = {}, input?: string): Promise<CliResult> {
      return runCli(args, env(extra), { input });
    },
  };
}
