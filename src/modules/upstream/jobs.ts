// The upstream module's job kinds: upstream.check (one git-imported artifact or all; what the
// checkArtifactUpdates mutation and the scheduler queue) and upstream.update (updateArtifactFromUpstream).
import { z } from "zod";
import type { Logger } from "../../lib/logger.js";
import type { BackgroundTask } from "../../lib/lifecycle.js";
import { SYSTEM } from "../../lib/principal.js";
import { defineJobKind, periodicJob, type JobKind, type JobService } from "../jobs/index.js";
import type { UpstreamService } from "./service.js";

export const UPSTREAM_CHECK = "upstream.check";
export const UPSTREAM_UPDATE = "upstream.update";

const checkInput = z.object({ artifactId: z.string().min(1).nullish() });

export function upstreamCheckKind(upstream: UpstreamService): JobKind<z.infer<typeof checkInput>, { checked: number; updatesAvailable: number; errors: number }> {
  return defineJobKind({
    name: UPSTREAM_CHECK,
    description: "checkArtifactUpdates: fetches the remote ref of one git-imported artifact (or every one) and stores Artifact.upstream.",
    input: checkInput,
    scope: "write",
    maxAttempts: 2,
    async run(ctx) {
      const rows = await upstream.check(ctx.input.artifactId, (percent, message) => ctx.progress(percent, { phase: "check", message }), ctx.signal);
      return { checked: rows.length, updatesAvailable: rows.filter((r) => r.status === "UPDATE_AVAILABLE").length, errors: rows.filter((r) => r.status === "ERROR").length };
    },
  });
}

const updateInput = z.object({
  artifactId: z.string().min(1),
  toRef: z.string().min(1, "must not be empty").max(255, "must be at most 255 characters").nullish(),
  requestedBy: z.string().max(200).nullish(),
});

export function upstreamUpdateKind(upstream: UpstreamService): JobKind<z.infer<typeof updateInput>, { artifactId: string; version: number; unchanged: boolean; commit: string | null }> {
  return defineJobKind({
    name: UPSTREAM_UPDATE,
    description: "updateArtifactFromUpstream: imports a git-imported artifact's remote content (at toRef, default its ref) as a new version, then checks the remote again.",
    input: updateInput,
    scope: "write",
    maxAttempts: 2,
    async run(ctx) {
      const actor = ctx.input.requestedBy ? { ...SYSTEM, name: ctx.input.requestedBy } : SYSTEM;
      const r = await upstream.update(actor, ctx.input.artifactId, ctx.input.toRef, (percent, message) => ctx.progress(percent, { phase: "update", message }), ctx.signal);
      return { artifactId: r.import.artifactId, version: r.import.version, unchanged: r.import.unchanged, commit: r.import.commit };
    },
  });
}

/** Every SKILLGRAPH_UPSTREAM_CHECK_INTERVAL_S seconds (0 = off) queues a check of every git-imported artifact, unless one is active. */
export function upstreamCheckScheduler(jobs: JobService, intervalS: number, logger: Logger): BackgroundTask {
  return periodicJob(jobs, { name: "upstream-check", kind: UPSTREAM_CHECK, intervalS, logger });
}
