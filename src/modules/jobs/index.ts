// The jobs module's entry for createServices: the service with the built-in kinds, and a worker.
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import type { EventPublisher } from "../../lib/events.js";
import type { Logger } from "../../lib/logger.js";
import { systemDemoKind } from "./kinds/system-demo.js";
import { JobService } from "./service.js";
import type { Clock } from "./store.js";
import { JobWorker } from "./worker.js";

export function createJobs(deps: { db: Db; events: EventPublisher; config: Config; logger: Logger; now?: Clock }) {
  const service = new JobService(deps.db, deps.events, deps.config.jobs, deps.now);
  service.registry.register(systemDemoKind);
  const worker = new JobWorker(service, deps.logger);
  return { service, worker };
}
