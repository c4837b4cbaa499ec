// Every service over an existing database, without an app (seeding databases for CLI tests).
import { loadConfig } from "../../src/config.js";
import { openDatabase, providerOf } from "../../src/db/index.js";
import { localEventBus } from "../../src/lib/event-bus.js";
import { createLogger } from "../../src/lib/logger.js";
import type { Services } from "../../src/lib/services.js";
import { createServices } from "../../src/services.js";

export async function withServices<T>(databaseUrl: string, fn: (services: Services) => Promise<T>): Promise<T> {
  const database = await openDatabase({ url: databaseUrl, provider: providerOf(databaseUrl) });
  const events = localEventBus();
  try {
    const { services } = await createServices({ database, events: events.bus, config: loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" }), logger: createLogger("silent") });
    return await fn(services);
  } finally {
    await events.close();
    await database.close();
  }
}
