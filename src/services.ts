// createServices: every domain service, built once per process over one database and one event
// bus, with the job kinds the modules register and the background tasks (workers, schedulers) a
// process may run. `serve`, `worker` and every CLI command build their services here, so a change
// made from the CLI publishes its events and takes the same paths as one made over GraphQL.
// Each module is imported when its service is first built: a CLI command that needs one service
// (createServicesFor) loads that module and what it depends on, not the whole application.
import type { Config } from "./config.js";
import type { Database } from "./db/index.js";
import type { EventBus } from "./lib/event-bus.js";
import type { BackgroundTask } from "./lib/lifecycle.js";
import type { Logger } from "./lib/logger.js";
import type { Services } from "./lib/services.js";
import type { ArtifactService } from "./modules/artifacts/index.js";
import type { TagService } from "./modules/tags/index.js";
import type { createJobs } from "./modules/jobs/index.js";

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

type Name = keyof Services;
const ALL: Name[] = ["tokens", "collections", "artifacts", "tags", "groups", "jobs", "training", "optimizerPlans", "ratings", "mcp", "medallions", "marketplace", "system", "content", "projects", "upstream", "usage", "sharing"];

function builders(options: ServiceOptions) {
  const { database: db, events, config, logger } = options;
  const now = options.now ?? (() => new Date());
  const built = new Map<Name, Promise<unknown>>();
  const get = <K extends Name>(name: K): Promise<Services[K]> => {
    let p = built.get(name);
    if (!p) {
      p = build[name]();
      built.set(name, p);
    }
    return p as Promise<Services[K]>;
  };
  // Artifacts and tags need each other (tags are attached when an artifact is added), so they are
  // built together: the artifacts service asks for the tag service only when it is used.
  let pair: Promise<{ artifacts: ArtifactService; tags: TagService }> | undefined;
  const artifactsAndTags = () =>
    (pair ??= (async () => {
      const [{ ArtifactService }, { TagService }, collections] = await Promise.all([import("./modules/artifacts/index.js"), import("./modules/tags/index.js"), get("collections")]);
      const artifacts: ArtifactService = new ArtifactService(db, events, collections, (): TagService => tags);
      const tags: TagService = new TagService(db, artifacts);
      return { artifacts, tags };
    })());
  let jobsBuilt: Promise<ReturnType<typeof createJobs>> | undefined;
  const jobs = () =>
    (jobsBuilt ??= import("./modules/jobs/index.js").then(({ createJobs }) => createJobs({ database: db, events, config, logger, shared: options.sharedEvents === true })));
  const build: { [K in Name]: () => Promise<Services[K]> } = {
    tokens: async () => new (await import("./modules/auth/index.js")).TokenService(db, events),
    collections: async () => new (await import("./modules/collections/index.js")).CollectionService(db),
    artifacts: async () => (await artifactsAndTags()).artifacts,
    tags: async () => (await artifactsAndTags()).tags,
    groups: async () => {
      const [{ GroupService }, collections, artifacts] = await Promise.all([import("./modules/groups/index.js"), get("collections"), get("artifacts")]);
      return new GroupService(db, collections, artifacts);
    },
    jobs: async () => (await jobs()).service,
    training: async () => new (await import("./modules/optimizer/index.js")).TrainingService(db),
    optimizerPlans: async () => new (await import("./modules/optimizer/index.js")).OptimizerPlanService(db),
    ratings: async () => {
      const [{ RatingService }, artifacts] = await Promise.all([import("./modules/ratings/index.js"), get("artifacts")]);
      return new RatingService(db, artifacts, now);
    },
    mcp: async () => new (await import("./modules/mcp/index.js")).McpService(db, events, config, logger.child({ module: "mcp" })),
    medallions: async () => new (await import("./modules/medallions/index.js")).MedallionService(db, undefined, now),
    marketplace: async () => {
      const [{ MarketplaceService }, artifacts, { outboundFetch }] = await Promise.all([import("./modules/marketplace/index.js"), get("artifacts"), import("./lib/outbound.js")]);
      return new MarketplaceService(db, artifacts, {
        sharing: () => get("sharing"),
        content: () => get("content"),
        projects: () => get("projects"),
        mcp: () => get("mcp"),
        collections: () => get("collections"),
        fetch: outboundFetch(config.security.outboundAllow),
      });
    },
    content: async () => {
      const [{ ContentService }, artifacts, collections] = await Promise.all([import("./modules/content/index.js"), get("artifacts"), get("collections")]);
      return new ContentService(db, artifacts, collections, config.content, { tags: () => get("tags"), groups: () => get("groups"), logger: logger.child({ module: "content" }) });
    },
    projects: async () => {
      const [{ ProjectService }, artifacts, content, ratings] = await Promise.all([import("./modules/projects/index.js"), get("artifacts"), get("content"), get("ratings")]);
      return new ProjectService(db, events, artifacts, content, ratings, config.projects);
    },
    upstream: async () => {
      const [{ UpstreamService }, content, ratings] = await Promise.all([import("./modules/upstream/index.js"), get("content"), get("ratings")]);
      return new UpstreamService(db, content, ratings, now);
    },
    usage: async () => new (await import("./modules/usage/index.js")).UsageService(db, events, logger.child({ module: "usage" }), now),
    sharing: async () => {
      const [{ SharingService }, artifacts, collections, content, tags, mcp] = await Promise.all([import("./modules/sharing/index.js"), get("artifacts"), get("collections"), get("content"), get("tags"), get("mcp")]);
      return new SharingService(db, artifacts, collections, content, tags, mcp, config.sharing, config, logger.child({ module: "sharing" }));
    },
    system: async () => {
      const [{ SystemService }, jobService, mcp] = await Promise.all([import("./modules/system/index.js"), get("jobs"), get("mcp")]);
      return new SystemService(db, events, jobService, mcp);
    },
  };
  return { get, jobs };
}

/** Every service, the job kinds the modules register, and the process's background tasks. */
export async function createServices(options: ServiceOptions): Promise<BuiltServices> {
  const { get, jobs } = builders(options);
  const [entries, { worker }, ratings, mcpModule, marketplaceModule, contentModule, projectsModule, upstreamModule, sharingModule] = await Promise.all([
    Promise.all(ALL.map(async (name) => [name, await get(name)] as const)),
    jobs(),
    import("./modules/ratings/index.js"),
    import("./modules/mcp/index.js"),
    import("./modules/marketplace/index.js"),
    import("./modules/content/index.js"),
    import("./modules/projects/index.js"),
    import("./modules/upstream/index.js"),
    import("./modules/sharing/index.js"),
  ]);
  const services = Object.fromEntries(entries) as unknown as Services;
  // Imports, deploys, undeploys, syncs and updates are recorded as usage events.
  services.content.onUsage(services.usage.record);
  services.projects.onUsage(services.usage.record);
  services.upstream.onUsage(services.usage.record);
  services.marketplace.onUsage(services.usage.record);
  const { config, logger } = options;
  services.jobs.registry.register(marketplaceModule.marketplaceSyncKind(services.marketplace));
  services.jobs.registry.register(marketplaceModule.marketplaceInstallKind(services.marketplace.installer));
  services.jobs.registry.register(ratings.scoresRecomputeKind(services.ratings));
  services.jobs.registry.register(mcpModule.mcpHealthSweepKind(services.mcp, services.jobs));
  services.jobs.registry.register(contentModule.contentImportKind(services.content));
  services.jobs.registry.register(projectsModule.projectsSyncKind(services.projects));
  services.jobs.registry.register(projectsModule.projectsScanKind(services.projects));
  services.jobs.registry.register(upstreamModule.upstreamCheckKind(services.upstream));
  services.jobs.registry.register(upstreamModule.upstreamUpdateKind(services.upstream));
  services.jobs.registry.register(sharingModule.sharingExportKind(services.sharing));
  services.jobs.registry.register(sharingModule.sharingImportKind(services.sharing));
  services.jobs.registry.register(sharingModule.sharingPushKind(services.sharing));
  services.jobs.registry.register(sharingModule.sharingPullKind(services.sharing));
  const background: BackgroundTask[] = [];
  if (config.jobs.concurrency > 0) background.push(worker);
  // Always registered: with the interval at 0 it only cancels running checks on shutdown.
  background.push(mcpModule.mcpHealthScheduler(services.mcp, services.jobs, config.mcp.healthIntervalS, logger.child({ module: "mcp" })));
  // On start, rewrites every collection folder whose manifest records an older revision than the
  // database (repairs a write a crash lost between a commit and its folder write); waits for
  // pending writes on stop.
  background.push({ name: "content.folders", start: async () => services.content.repairFolders(), stop: () => services.content.folders.flush() });
  background.push(projectsModule.projectsScanScheduler(services.jobs, config.projects.scanIntervalS, logger.child({ module: "projects" })));
  background.push(upstreamModule.upstreamCheckScheduler(services.jobs, config.upstream.checkIntervalS, logger.child({ module: "upstream" })));
  background.push({ name: "projects.user", start: async () => void (await services.projects.ensureUserProject()), stop: async () => {} });
  return { services, background };
}

/**
 * Only the named services (and those they depend on), loading only their modules: for CLI
 * commands that must start fast. No job kinds are registered and no background task is made.
 */
export async function createServicesFor<K extends Name>(options: ServiceOptions, names: readonly K[]): Promise<Pick<Services, K>> {
  const { get } = builders(options);
  const entries = await Promise.all(names.map(async (name) => [name, await get(name)] as const));
  return Object.fromEntries(entries) as unknown as Pick<Services, K>;
}
