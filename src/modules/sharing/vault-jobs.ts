// sharing.push and sharing.pull: pushBundle and pullBundle as jobs, with progress. Bad input, an
// unknown vault or a bundle that does not verify fails the job at once (no retry).
import { z } from "zod";
import { boundedText } from "../../lib/rules.js";
import { defineJobKind, type JobKind } from "../jobs/index.js";
import type { SharingService } from "./service.js";
import type { PullResult, PushResult } from "./vaults.js";

export const pushInput = z.object({
  vault: boundedText(100),
  bundle: boundedText(255),
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
  vault: boundedText(100),
  name: boundedText(100),
  version: boundedText(64),
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
