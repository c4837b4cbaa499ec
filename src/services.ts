// Every domain service, built once per app over one database and one event publisher, plus the
// background tasks (workers, schedulers) that the app starts and stops with the server.
import type { Config } from "./config.js";
import type { Db } from "./db/client.js";
import type { SqliteDirect } from "./db/sqlite-direct.js";
import type { EventPublisher } from "./lib/events.js";
import type { Logger } from "./lib/logger.js";
import { ArtifactService } from "./modules/artifacts/service.js";
import { TokenService } from "./modules/auth/service.js";
import { GroupService } from "./modules/groups/service.js";
import { mcpHealthSweepKind } from "./modules/mcp/health-sweep-job.js";
import { mcpHealthScheduler } from "./modules/mcp/scheduler.js";
import { McpService } from "./modules/mcp/service.js";
import { MedallionService } from "./modules/medallions/service.js";
import { createJobs } from "./modules/jobs/index.js";
import { scoresRecomputeKind } from "./modules/jobs/kinds/scores-recompute.js";
import { TrainingService } from "./modules/optimizer/service.js";
import type { JobService } from "./modules/jobs/service.js";
import { RatingService } from "./modules/ratings/service.js";
import { TagService } from "./modules/tags/service.js";
import { MarketplaceService } from "./modules/marketplace/service.js";
import { marketplaceSyncKind } from "./modules/marketplace/sync.js";

export interface ServiceDeps {
  db: Db;
  events: EventPublisher;
  config: Config;
  logger: Logger;
  /** Prisma's SQLite connection for hot paths (null on PostgreSQL); absent = Prisma only. */
  sqlite?: () => SqliteDirect | null;
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
  jobs: JobService;
  training: TrainingService;
  ratings: RatingService;
  mcp: McpService;
  medallions: MedallionService;
  marketplace: MarketplaceService;
}

export function createServices(deps: ServiceDeps): { services: Services; background: BackgroundTask[] } {
  const { db, events, sqlite } = deps;
  const jobs = createJobs(deps);
  const services: Services = {
    tokens: new TokenService(db, () => sqlite?.()?.dataVersion() ?? null),
    artifacts: new ArtifactService(db, events, sqlite),
    tags: new TagService(db),
    groups: new GroupService(db),
    jobs: jobs.service,
    training: new TrainingService(db),
    ratings: new RatingService(db, undefined, sqlite),
    mcp: new McpService(db, events, deps.config, deps.logger),
    medallions: new MedallionService(db, undefined, undefined, sqlite),
    marketplace: new MarketplaceService(db, sqlite),
  };
  jobs.service.registry.register(marketplaceSyncKind(db, services.marketplace));
  jobs.service.registry.register(scoresRecomputeKind(services.ratings));
  jobs.service.registry.register(mcpHealthSweepKind(services.mcp, db));
  const background: BackgroundTask[] = [];
  if (deps.config.jobs.concurrency > 0) background.push(jobs.worker);
  // Always registered: with the interval at 0 it only cancels running checks on shutdown.
  background.push(mcpHealthScheduler(services.mcp, jobs.service, deps.config.mcp.healthIntervalS, deps.logger));
  return { services, background };
}
