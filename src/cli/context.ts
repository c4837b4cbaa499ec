// Shared by the CLI commands of every module.
import { loadConfig, type Config } from "../config.js";
import { openDatabase, type Database } from "../db/client.js";
import { migrate } from "../db/migrator.js";

/** The config from the environment, with command-line overrides (undefined = not given). */
export function config(overrides: Partial<Record<string, string | undefined>> = {}): Config {
  return loadConfig({ ...process.env, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) });
}

/** Runs fn with a migrated database open, and closes it after. */
export async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const cfg = config();
  await migrate(cfg.databaseUrl);
  const db = await openDatabase(cfg.databaseUrl);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
