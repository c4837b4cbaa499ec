// Every domain service, built once per app over one database and one event publisher, plus the
// background tasks (workers, schedulers) that the app starts and stops with the server.
import type { Config } from "./config.js";
import type { Db } from "./db/client.js";
import type { EventPublisher } from "./lib/events.js";
import type { Logger } from "./lib/logger.js";
import { ArtifactService } from "./modules/artifacts/service.js";
import { TokenService } from "./modules/auth/service.js";
import { GroupService } from "./modules/groups/service.js";
import { TagService } from "./modules/tags/service.js";

export interface ServiceDeps {
  db: Db;
  events: EventPublisher;
  config: Config;
  logger: Logger;
}

/** Long-running work owned by the app: started after the server listens, stopped before the database closes. */
export interface BackgroundTask {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface Services {
  tokens: TokenService;
  artifacts: ArtifactService;
  tags: TagService;
  groups: GroupService;
}

export function createServices(deps: ServiceDeps): { services: Services; background: BackgroundTask[] } {
  const { db, events } = deps;
  const services: Services = {
    tokens: new TokenService(db),
    artifacts: new ArtifactService(db, events),
    tags: new TagService(db),
    groups: new GroupService(db),
  };
  const background: BackgroundTask[] = [];
  return { services, background };
}
