// Shared by the CLI commands of every module: the config, and the same services the server uses
// (createServices), on a migrated database, with events on the same bus (Redis when REDIS_URL is
// set, so a change made here reaches the servers' subscribers).
import { userInfo } from "node:os";
import type { App } from "../app.js";
import { loadConfig, type Config } from "../config.js";
import { migrate } from "../db/migrator.js";
import { createLogger, type Logger } from "../lib/logger.js";
import { cliPrincipal, type Principal } from "../lib/principal.js";
import { withScope } from "../lib/request-scope.js";
import type { Services } from "../lib/services.js";

/** The config from the environment, with command-line overrides (undefined = not given). */
export function config(overrides: Partial<Record<string, string | undefined>> = {}): Config {
  return loadConfig({ ...process.env, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) });
}

/** The OS user running the command: the CLI acts as `cli:<user>`. */
export function osUser(): string {
  try {
    return userInfo().username || "unknown";
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? "unknown";
  }
}

export interface CliSession {
  services: Services;
  principal: Principal;
  config: Config;
  logger: Logger;
}

/** Runs fn with every service over the migrated database (no background tasks), then closes it all. */
export async function withServices<T>(fn: (session: CliSession) => Promise<T>, overrides: Partial<Record<string, string | undefined>> = {}): Promise<T> {
  const cfg = config(overrides);
  const logger = createLogger(cfg.logLevel === "info" ? "warn" : cfg.logLevel);
  await migrate(cfg.databaseUrl);
  // Loaded here: `--help` and the schema command need none of it.
  const [{ openDatabase }, { createEventBus }, { createServices }] = await Promise.all([import("../db/database.js"), import("../lib/event-bus.js"), import("../services.js")]);
  const database = await openDatabase({ url: cfg.databaseUrl, provider: cfg.provider, logger, poolSize: 2 });
  const events = createEventBus(cfg.redisUrl);
  const principal = cliPrincipal(osUser());
  try {
    const { services } = createServices({ database, events: events.bus, sharedEvents: events.shared, config: cfg, logger });
    return await withScope({ actor: principal.name }, () => fn({ services, principal, config: cfg, logger }));
  } finally {
    await events.close();
    await database.close();
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
