// createServices: every domain service, built once per process over one database and one event
// bus, with the job kinds the modules register and the background tasks (workers, schedulers) a
// process may run. `serve`, `worker` and every CLI command build their services here, so a change
// made from the CLI publishes its events and takes the same paths as one made over GraphQL.
import type { Config } from "./config.js";
import type { Database } from "./db/index.js";
import type { EventBus } from "./lib/event-bus.js";
import type { BackgroundTask } from "./lib/lifecycle.js";
import type { Logger } from "./lib/logger.js";
import type { Services } from "./lib/services.js";
import { ArtifactService } from "./modules/artifacts/index.js";
import { TokenService } from "./modules/auth/index.js";
import { CollectionService } from "./modules/collections/index.js";
import { GroupService } from "./modules/groups/index.js";
import { createJobs } from "./modules/jobs/index.js";
import { MarketplaceService, marketplaceSyncKind } from "./modules/marketplace/index.js";
import { McpService, mcpHealthScheduler, mcpHealthSweepKind } from "./modules/mcp/index.js";
import { MedallionService } from "./modules/medallions/index.js";
import { TrainingService } from "./modules/optimizer/index.js";
import { RatingService, scoresRecomputeKind } from "./modules/ratings/index.js";
import { SystemService } from "./modules/system/index.js";
import { TagService } from "./modules/tags/index.js";

export interface ServiceOptions {
  database: Database;
  events: EventBus;
  /** True when the bus crosses processes (Redis): workers then wake on other instances' enqueues. */
  sharedEvents?: boolean;
  config: Config;
  logger: Logger;
  /** Injectable clock for tests of time windows. */
  now?: () => Date;
}

export interface BuiltServices {
  services: Services;
  /** Started by `serve` (after it listens) and `worker`; stopped before the database closes. */
  background: BackgroundTask[];
}

export function createServices(options: ServiceOptions): BuiltServices {
  const { database: db, events, config, logger } = options;
  const now = options.now ?? (() => new Date());
  const jobs = createJobs({ database: db, events, config, logger, shared: options.sharedEvents === true });
  const collections = new CollectionService(db);
  // Artifacts and tags need each other (tags are attached when an artifact is added): the
  // artifacts service asks for the tag service only when it is used, after both exist.
  const artifacts: ArtifactService = new ArtifactService(db, events, collections, (): TagService => tags);
  const tags: TagService = new TagService(db, artifacts);
  const mcp = new McpService(db, events, config, logger.child({ module: "mcp" }));
  const services: Services = {
    tokens: new TokenService(db),
    collections,
    artifacts,
    tags,
    groups: new GroupService(db, collections, artifacts),
    jobs: jobs.service,
    training: new TrainingService(db),
    ratings: new RatingService(db, artifacts, now),
    mcp,
    medallions: new MedallionService(db, undefined, now),
    marketplace: new MarketplaceService(db, artifacts),
    system: new SystemService(db, events, jobs.service, mcp),
  };
  jobs.service.registry.register(marketplaceSyncKind(services.marketplace));
  jobs.service.registry.register(scoresRecomputeKind(services.ratings));
  jobs.service.registry.register(mcpHealthSweepKind(mcp, jobs.service));
  const background: BackgroundTask[] = [];
  if (config.jobs.concurrency > 0) background.push(jobs.worker);
  // Always registered: with the interval at 0 it only cancels running checks on shutdown.
  background.push(mcpHealthScheduler(mcp, jobs.service, config.mcp.healthIntervalS, logger.child({ module: "mcp" })));
  return { services, background };
}
