// mcp.health-sweep: the health sweep as a job, so it shows in jobs(filter: {kind}) with progress
// per server, can be cancelled (running checks are killed, nothing half-recorded), and survives a
// restart (a stopping worker hands it back). The scheduler (scheduler.ts) enqueues it.
import { z } from "zod";
import { defineJobKind, type JobService } from "../jobs/index.js";
import type { McpService } from "./service.js";
import type { SweptServer } from "./sweep.js";

export const MCP_HEALTH_SWEEP = "mcp.health-sweep";

const SHUTDOWN_WAIT_MS = 30_000;

export function mcpHealthSweepKind(mcp: McpService, jobs: JobService) {
  return defineJobKind({
    name: MCP_HEALTH_SWEEP,
    description: "Checks every deployed MCP server (initialize + tools/list), SKILLGRAPH_MCP_HEALTH_CONCURRENCY at a time, reporting progress per server.",
    input: z.object({}).strict(),
    scope: "write",
    // The next interval sweeps again; a failed sweep is not worth a retry.
    maxAttempts: 1,
    async run(ctx) {
      // Two instances' schedulers may both enqueue one (each saw none queued): the later one yields.
      const other = await jobs.activeOfKind(MCP_HEALTH_SWEEP, { except: ctx.jobId, runningOnly: true });
      if (other) {
        await ctx.progress(100, { phase: "skipped", message: `Another sweep (${other}) is running` });
        return { skipped: true, runningSweep: other };
      }
      await ctx.progress(0, { phase: "checking", message: "Listing deployed servers" });
      const servers: SweptServer[] = [];
      const result = await mcp.sweeps.sweep({
        signal: ctx.signal,
        onChecked: async (done, total, server) => {
          servers.push(server);
          await ctx.progress((done / total) * 100, {
            phase: "checking",
            message: `${done} of ${total} checked; ${server.name}: ${server.status ?? server.error ?? "not checked"}`,
          });
        },
      });
      if (result.cancelled && !ctx.signal.aborted) {
        // This process is shutting down: its checks were killed (the scheduler stops before the
        // worker), and the worker, stopping next, hands the job back to run again after.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, SHUTDOWN_WAIT_MS).unref();
          const onAbort = () => {
            clearTimeout(timer);
            resolve();
          };
          ctx.signal.addEventListener("abort", onAbort, { once: true });
        });
        if (!ctx.signal.aborted) throw new Error("The sweep was cut short: the MCP service shut down.");
      }
      // Cancelled or stopping: the worker records it as such (and hands a stopped one back).
      ctx.throwIfCancelled();
      if (result.total === 0) await ctx.progress(100, { phase: "done", message: "No deployed servers" });
      return { ...result, servers: servers.map((s) => ({ name: s.name, status: s.status, ...(s.error ? { error: s.error } : {}) })) };
    },
  });
}
