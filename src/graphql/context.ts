// The per-request context: who is asking, the services and the event bus.
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import type { EventBus } from "../lib/event-bus.js";
import type { Logger } from "../lib/logger.js";
import type { Principal } from "../lib/principal.js";
import type { Services } from "../lib/services.js";

export interface Context {
  requestId: string;
  principal: Principal;
  services: Services;
  pubsub: EventBus;
  config: Config;
  logger: Logger;
  /**
   * Only for the Pothos Prisma plugin (builder.ts), which loads the relations and nodes a query
   * selects. Resolvers never use it: they ask services (a lint rule refuses ctx.prisma elsewhere).
   */
  prisma: Db;
}
