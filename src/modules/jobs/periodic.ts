// A job kind queued on a schedule: every `intervalS` seconds (0 = off) one job of `kind` is
// enqueued as the system, unless one is already pending or running, so slow runs never pile up.
// Job workers run it (in this process, or a `skillgraph worker`).
import type { BackgroundTask } from "../../lib/lifecycle.js";
import type { Logger } from "../../lib/logger.js";
import { SYSTEM } from "../../lib/principal.js";
import type { JobService } from "./service.js";

export interface PeriodicJobOptions {
  /** The background task's name (shown in logs and lifecycle errors). */
  name: string;
  kind: string;
  intervalS: number;
  logger: Logger;
  /** Also queue one as soon as it starts (default: first after one interval). */
  immediate?: boolean;
}

export function periodicJob(jobs: JobService, options: PeriodicJobOptions): BackgroundTask {
  const { name, kind, intervalS, logger } = options;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;
  const tick = () => {
    if (!timer || ticking) return;
    ticking = (async () => {
      if (await jobs.activeOfKind(kind)) return;
      const job = await jobs.enqueue(kind, {}, SYSTEM);
      logger.debug("scheduled job queued", { kind, job: job.id });
    })()
      .catch((err: unknown) => logger.error("scheduled job could not be queued", { kind, error: String(err) }))
      .finally(() => {
        ticking = null;
      });
  };
  return {
    name,
    async start() {
      if (intervalS <= 0 || timer) return;
      timer = setInterval(tick, intervalS * 1000);
      timer.unref();
      if (options.immediate) setImmediate(tick);
      logger.info("job scheduled", { kind, intervalS });
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await ticking;
    },
  };
}
