// sharing.export: exportBundle as a job, with progress. Bad input fails the job at once.
import { z } from "zod";
import { SYSTEM } from "../../lib/principal.js";
import { defineJobKind, type JobKind } from "../jobs/index.js";
import type { ExportResult, SharingService } from "./service.js";

export const exportInput = z
  .object({
    artifacts: z.array(z.string().min(1)).max(10_000, "must be at most 10000 artifacts").nullish(),
    collection: z.string().min(1, "must not be empty").nullish(),
    name: z.string().min(1, "must not be empty").max(100, "must be at most 100 characters"),
    version: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters"),
  })
  .refine((v) => [v.artifacts, v.collection].filter((x) => x !== null && x !== undefined).length === 1, { message: "give exactly one of artifacts or collection", path: ["artifacts"] });

export type ExportJobInput = z.infer<typeof exportInput>;

export function sharingExportKind(sharing: SharingService): JobKind<ExportJobInput, ExportResult> {
  return defineJobKind({
    name: "sharing.export",
    description: "Exports artifacts (or a collection) as a signed, deterministic .skillmeat-pack bundle in SKILLGRAPH_BUNDLES_DIR.",
    input: exportInput,
    scope: "write",
    maxAttempts: 1,
    async run(ctx) {
      // The manifest names who started the job (createdBy); the job itself runs as the system.
      const actor = ctx.createdBy ? { ...SYSTEM, name: ctx.createdBy } : SYSTEM;
      return sharing.exportBundle(actor, ctx.input, (percent, message) => ctx.progress(percent, { phase: "export", message }));
    },
  });
}
