// The health sweep's scheduler: every SKILLGRAPH_MCP_HEALTH_INTERVAL_S seconds (0 = off) it
// enqueues an mcp.health-sweep job (health-sweep-job.ts), unless one is already pending or
// running, so sweeps never pile up behind a slow one. Job workers run it (in this process, or a
// `skillgraph worker`). On shutdown it cancels checks still running outside a job.
import type { Logger } from "../../lib/logger.js";
import type { BackgroundTask } from "../../lib/lifecycle.js";
import { SYSTEM } from "../../lib/principal.js";
import { periodicJob, type JobService } from "../jobs/index.js";
import { MCP_HEALTH_SWEEP } from "./health-sweep-job.js";
import type { McpService } from "./service.js";

/** Enqueues a sweep job unless one is pending or running; returns the new job's id, or null. */
export async function enqueueSweep(jobs: JobService): Promise<string | null> {
  if (await jobs.activeOfKind(MCP_HEALTH_SWEEP)) return null;
  const job = await jobs.enqueue(MCP_HEALTH_SWEEP, {}, SYSTEM);
  return job.id;
}

export function mcpHealthScheduler(service: McpService, jobs: JobService, intervalS: number, logger: Logger): BackgroundTask {
  const sweeps = periodicJob(jobs, { name: "mcp-health-sweep", kind: MCP_HEALTH_SWEEP, intervalS, logger, immediate: true });
  return {
    ...sweeps,
    async stop() {
      await sweeps.stop();
      // Kills the processes of checks still running (one-off checks; a sweep job is stopped by its worker).
      await service.shutdown();
    },
  };
}
