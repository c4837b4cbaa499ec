// sharing.export and sharing.import: exportBundle and importBundle as jobs, with progress. Bad input
// fails the job at once.
import { z } from "zod";
import { SYSTEM } from "../../lib/principal.js";
import { defineJobKind, type JobKind } from "../jobs/index.js";
import type { ExportResult, ImportBundleResult, SharingService } from "./service.js";

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

export const importBundleInput = z.object({
  file: z.string().min(1, "must not be empty").max(255, "must be at most 255 characters"),
  collection: z.string().min(1, "must not be empty").nullish(),
  strategy: z.enum(["MERGE", "FORK", "SKIP"]),
  allowUnsigned: z.boolean().nullish(),
});

export type ImportBundleJobInput = z.infer<typeof importBundleInput>;

/** sharing.import: verifies a bundle and imports it (MERGE, FORK or SKIP per conflict). allowUnsigned is only set when an admin queued it. */
export function sharingImportKind(sharing: SharingService): JobKind<ImportBundleJobInput, ImportBundleResult> {
  return defineJobKind({
    name: "sharing.import",
    description: "Verifies a bundle in SKILLGRAPH_BUNDLES_DIR and imports its artifacts into a collection; conflicts are merged, forked or skipped.",
    input: importBundleInput,
    scope: "write",
    maxAttempts: 1,
    async run(ctx) {
      const actor = ctx.createdBy ? { ...SYSTEM, name: ctx.createdBy } : SYSTEM;
      return sharing.importBundle(actor, ctx.input, (percent, message) => ctx.progress(percent, { phase: "import", message }));
    },
  });
}
