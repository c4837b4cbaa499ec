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

export interface CliSession<S = Services> {
  services: S;
  principal: Principal;
  config: Config;
  logger: Logger;
}

export interface SessionOptions {
  /** Config overrides from options (undefined = not given). */
  overrides?: Partial<Record<string, string | undefined>>;
}

/**
 * Opens what a command needs, runs it as the CLI principal (cli:<OS user>), closes everything.
 * `names` = only these services (and their dependencies), without Prisma's model API: for the
 * commands agents' hooks run at every session start (tokens, medallions), whose services use
 * only SQL; not loading Prisma's query engine and the other modules is most of their start-up.
 */
async function session<T, S>(
  options: SessionOptions,
  names: readonly (keyof Services)[] | null,
  fn: (session: CliSession<S>) => Promise<T>,
): Promise<T> {
  const cfg = config(options.overrides);
  const logger = createLogger(cfg.logLevel === "info" ? "warn" : cfg.logLevel);
  await migrate(cfg.databaseUrl);
  // Loaded here: `--help` and the schema command need none of it.
  const [{ openDatabase }, { createEventBus }, built] = await Promise.all([import("../db/database.js"), import("../lib/event-bus.js"), import("../services.js")]);
  const database = await openDatabase({ url: cfg.databaseUrl, provider: cfg.provider, logger, poolSize: 2, models: names === null });
  const events = await createEventBus(cfg.redisUrl);
  const principal = cliPrincipal(osUser());
  try {
    const options = { database, events: events.bus, sharedEvents: events.shared, config: cfg, logger };
    const services = (names === null ? (await built.createServices(options)).services : await built.createServicesFor(options, names)) as S;
    try {
      return await withScope({ actor: principal.name }, () => fn({ services, principal, config: cfg, logger }));
    } finally {
      // The command's changes reach the collection folders before the database closes.
      const content = (services as Partial<Services>).content;
      if (content) await content.folders.flush();
    }
  } finally {
    await events.close();
    await database.close();
  }
}

/** Runs fn with every service over the migrated database (no background tasks), then closes it all. */
export function withServices<T>(fn: (session: CliSession) => Promise<T>, options: SessionOptions = {}): Promise<T> {
  return session(options, null, fn);
}

/** withServices for commands that need only the named services, which use only SQL (see session). */
export function withSqlServices<K extends keyof Services, T>(names: readonly K[], fn: (session: CliSession<Pick<Services, K>>) => Promise<T>): Promise<T> {
  return session({}, names, fn);
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
