// jobs: durable work with leases, retries, progress, live updates and human-in-the-loop (owns the
// Job and JobEvent tables). Modules register their job kinds on `jobs.registry`.
import type { Config } from "../../config.js";
import type { Database } from "../../db/index.js";
import type { EventBus } from "../../lib/event-bus.js";
import type { Logger } from "../../lib/logger.js";
import "./events.js";
import { systemDemoKind } from "./kinds/system-demo.js";
import { JobService } from "./service.js";
import type { Clock } from "./store.js";
import { JobWorker } from "./worker.js";

export { periodicJob, type PeriodicJobOptions } from "./periodic.js";
export { JobService, backoffDelay, type JobFilter, type JobSettings } from "./service.js";
export { defineJobKind, type HitlPrompt, type JobContext, type JobKind } from "./registry.js";
export { JobWorker } from "./worker.js";
export type { JobUpdatedEvent } from "./events.js";
export type { JobView } from "./snapshot.js";

declare module "../../lib/services.js" {
  interface Services {
    jobs: JobService;
  }
}

/** The job service with the built-in kinds, and this process's worker. */
export function createJobs(deps: { database: Database; events: EventBus; config: Config; logger: Logger; shared: boolean; now?: Clock }) {
  const service = new JobService(deps.database, deps.events, deps.config.jobs, deps.now);
  service.registry.register(systemDemoKind);
  // In one process an enqueue wakes the worker directly; across instances (Redis) the jobs:updated
  // event of a PENDING job does, within milliseconds instead of a poll interval.
  const worker = new JobWorker(service, deps.logger.child({ module: "jobs" }), { signals: deps.shared ? deps.events : undefined });
  return { service, worker };
}
