// Shared by the CLI commands of every module.
import type { App } from "../app.js";
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

/** SIGTERM/SIGINT stop the app gracefully (once), then exit 0; a failed stop exits 1. */
export function stopOnSignals(app: App): void {
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    app.logger.info("shutting down", { signal });
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        app.logger.error("shutdown failed", { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}
