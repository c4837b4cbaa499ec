// The health sweep's scheduler: every SKILLGRAPH_MCP_HEALTH_INTERVAL_S seconds (0 = off) it
// enqueues an mcp.health-sweep job (health-sweep-job.ts), unless one is already pending or
// running, so sweeps never pile up behind a slow one. Job workers run it (in this process, or a
// `skillgraph worker`). On shutdown it cancels checks still running outside a job.
import type { Logger } from "../../lib/logger.js";
import type { BackgroundTask } from "../../lib/lifecycle.js";
import { SYSTEM } from "../../lib/principal.js";
import type { JobService } from "../jobs/index.js";
import { MCP_HEALTH_SWEEP } from "./health-sweep-job.js";
import type { McpService } from "./service.js";

/** Enqueues a sweep job unless one is pending or running; returns the new job's id, or null. */
export async function enqueueSweep(jobs: JobService): Promise<string | null> {
  if (await jobs.activeOfKind(MCP_HEALTH_SWEEP)) return null;
  const job = await jobs.enqueue(MCP_HEALTH_SWEEP, {}, SYSTEM);
  return job.id;
}

export function mcpHealthScheduler(service: McpService, jobs: JobService, intervalS: number, logger: Logger): BackgroundTask {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let ticking: Promise<void> | null = null;
  const tick = () => {
    if (stopped || ticking) return;
    ticking = enqueueSweep(jobs)
      .then((id) => {
        if (id) logger.debug("mcp health sweep queued", { job: id });
      })
      .catch((err: unknown) => logger.error("mcp health sweep could not be queued", { error: String(err) }))
      .finally(() => {
        ticking = null;
      });
  };
  return {
    name: "mcp-health-sweep",
    async start() {
      stopped = false;
      if (intervalS <= 0 || timer) return;
      timer = setInterval(tick, intervalS * 1000);
      timer.unref();
      setImmediate(tick);
      logger.info("mcp health sweep scheduled", { intervalS, job: MCP_HEALTH_SWEEP });
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await ticking;
      // Kills the processes of checks still running (one-off checks; a sweep job is stopped by its worker).
      await service.shutdown();
    },
  };
}
