// sharing.push and sharing.pull: pushBundle and pullBundle as jobs, with progress. Bad input, an
// unknown vault or a bundle that does not verify fails the job at once (no retry).
import { z } from "zod";
import { defineJobKind, type JobKind } from "../jobs/index.js";
import type { SharingService } from "./service.js";
import type { PullResult, PushResult } from "./vaults.js";

export const pushInput = z.object({
  vault: z.string().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  bundle: z.string().min(1, "must not be empty").max(255, "must be at most 255 characters"),
  allowUnsigned: z.boolean().nullish(),
});

export type PushJobInput = z.infer<typeof pushInput>;

export function sharingPushKind(sharing: SharingService): JobKind<PushJobInput, PushResult> {
  return defineJobKind({
    name: "sharing.push",
    description: "Verifies a bundle in SKILLGRAPH_BUNDLES_DIR and writes it into a vault (folder, git branch or S3 bucket) as <name>/<version>.skillmeat-pack.",
    input: pushInput,
    scope: "write",
    maxAttempts: 1,
    run: (ctx) => sharing.vaults.push(ctx.input, (percent, message) => ctx.progress(percent, { phase: "push", message })),
  });
}

export const pullInput = z.object({
  vault: z.string().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  name: z.string().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  version: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters"),
  allowUnsigned: z.boolean().nullish(),
});

export type PullJobInput = z.infer<typeof pullInput>;

/** allowUnsigned is only set when an admin queued it. */
export function sharingPullKind(sharing: SharingService): JobKind<PullJobInput, PullResult> {
  return defineJobKind({
    name: "sharing.pull",
    description: "Reads a bundle from a vault by name and version, verifies it as import does, and stores it in SKILLGRAPH_BUNDLES_DIR.",
    input: pullInput,
    scope: "write",
    maxAttempts: 1,
    run: (ctx) => sharing.vaults.pull(ctx.input, (percent, message) => ctx.progress(percent, { phase: "pull", message })),
  });
}
