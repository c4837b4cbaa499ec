// The jobs module's entry for createServices: the service with the built-in kinds, and a worker.
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import type { EventPublisher } from "../../lib/events.js";
import type { Logger } from "../../lib/logger.js";
import { systemDemoKind } from "./kinds/system-demo.js";
import { JobService } from "./service.js";
import type { Clock } from "./store.js";
import { JobWorker, type JobSignals } from "./worker.js";

/** The event bus as a source of wake-ups, when it can be subscribed to (the app's pubsub can). */
function signalsOf(events: EventPublisher): JobSignals | undefined {
  const bus = events as EventPublisher & Partial<JobSignals>;
  return typeof bus.subscribe === "function" ? (bus as EventPublisher & JobSignals) : undefined;
}

export function createJobs(deps: { db: Db; events: EventPublisher; config: Config; logger: Logger; now?: Clock }) {
  const service = new JobService(deps.db, deps.events, deps.config.jobs, deps.now);
  service.registry.register(systemDemoKind);
  // In one process an enqueue wakes the worker directly; across instances (Redis) the jobs:updated
  // event of a PENDING job does, within milliseconds instead of a poll interval.
  const worker = new JobWorker(service, deps.logger, { signals: deps.config.redisUrl ? signalsOf(deps.events) : undefined });
  return { service, worker };
}
