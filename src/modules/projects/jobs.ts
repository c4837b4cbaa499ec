// The projects module's job kinds: projects.sync (syncDeployment, pausing for a person on
// conflicts) and projects.scan (drift scan of one project or all), with the scan scheduler.
import { z } from "zod";
import type { Logger } from "../../lib/logger.js";
import type { BackgroundTask } from "../../lib/lifecycle.js";
import { SYSTEM } from "../../lib/principal.js";
import { defineJobKind, periodicJob, type JobKind, type JobService } from "../jobs/index.js";
import { syncAnswer, type ProjectService, type ProjectStatus } from "./service.js";

export const PROJECTS_SYNC = "projects.sync";
export const PROJECTS_SCAN = "projects.scan";

const syncInput = z.object({
  deploymentId: z.string().min(1),
  strategy: z.enum(["OVERWRITE", "KEEP_LOCAL", "MERGE", "ASK"]),
  requestedBy: z.string().max(200).nullish(),
});

export function projectsSyncKind(projects: ProjectService): JobKind<z.infer<typeof syncInput>, { deploymentId: string; versionId: string; files: number }> {
  return defineJobKind({
    name: PROJECTS_SYNC,
    description: "Brings a deployment to its artifact's current version (OVERWRITE, KEEP_LOCAL, MERGE or ASK); conflicts pause it for a person.",
    input: syncInput,
    scope: "write",
    maxAttempts: 1,
    async run(ctx) {
      const actor = ctx.input.requestedBy ? { ...SYSTEM, name: ctx.input.requestedBy } : SYSTEM;
      await ctx.progress(10, { phase: "sync", message: ctx.input.strategy });
      const d = await projects.sync(actor, ctx.input.deploymentId, ctx.input.strategy, (key, prompt) => ctx.ask(key, prompt));
      return { deploymentId: d.id, versionId: d.versionId, files: Array.isArray(d.files) ? d.files.length : 0 };
    },
    checkResponse(prompt, response) {
      const files = (prompt.details as { files?: unknown } | undefined)?.files;
      syncAnswer(response, Array.isArray(files) ? (files as { path: string }[]) : []);
    },
  });
}

const scanInput = z.object({ projectId: z.string().min(1).nullish() });

export function projectsScanKind(projects: ProjectService): JobKind<z.infer<typeof scanInput>, { projects: number; status?: ProjectStatus["status"] }> {
  return defineJobKind({
    name: PROJECTS_SCAN,
    description: "Hashes deployed files to find drift (one project, or every project); status changes are published on deploymentsChanged.",
    input: scanInput,
    scope: "write",
    maxAttempts: 2,
    async run(ctx) {
      if (ctx.input.projectId) return { projects: 1, status: (await projects.scan(ctx.input.projectId)).status };
      return { projects: await projects.scanAll() };
    },
  });
}

/** Every SKILLGRAPH_PROJECT_SCAN_INTERVAL_S seconds (0 = off) enqueues a scan of every project, unless one is active. */
export function projectsScanScheduler(jobs: JobService, intervalS: number, logger: Logger): BackgroundTask {
  return periodicJob(jobs, { name: "projects-scan", kind: PROJECTS_SCAN, intervalS, logger });
}
