// sharing.export and sharing.import: exportBundle and importBundle as jobs, with progress. Bad input
// fails the job at once.
import { z } from "zod";
import { boundedText } from "../../lib/rules.js";
import { SYSTEM } from "../../lib/principal.js";
import { defineJobKind, type JobKind } from "../jobs/index.js";
import { parseAskAnswer, type AskConflict } from "./ask.js";
import type { ExportResult, ImportBundleResult, SharingService } from "./service.js";

export const exportInput = z
  .object({
    artifacts: z.array(z.string().min(1)).max(10_000, "must be at most 10000 artifacts").nullish(),
    collection: z.string().min(1, "must not be empty").nullish(),
    name: boundedText(100),
    version: boundedText(64),
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

export const importBundleInput = z
  .object({
    file: boundedText(255).nullish(),
    /** A URL to download the bundle from (a share link); exactly one of file and url. */
    url: boundedText(4096).nullish(),
    collection: z.string().min(1, "must not be empty").nullish(),
    strategy: z.enum(["MERGE", "FORK", "SKIP", "ASK"]),
    allowUnsigned: z.boolean().nullish(),
  })
  .refine((v) => [v.file, v.url].filter((x) => x !== null && x !== undefined).length === 1, { message: "give exactly one of file and url", path: ["file"] });

export type ImportBundleJobInput = z.infer<typeof importBundleInput>;

/**
 * sharing.import: verifies a bundle (downloaded first when given a url) and imports it (MERGE, FORK,
 * SKIP, or ASK: pauses for a person). allowUnsigned is only set when an admin queued it.
 */
export function sharingImportKind(sharing: SharingService): JobKind<ImportBundleJobInput, ImportBundleResult> {
  return defineJobKind({
    name: "sharing.import",
    description: "Verifies a bundle in SKILLGRAPH_BUNDLES_DIR (or downloaded from a URL, e.g. a share link) and imports its artifacts into a collection; conflicts are merged, forked, skipped or asked about (PENDING_HITL).",
    input: importBundleInput,
    scope: "write",
    maxAttempts: 1,
    async run(ctx) {
      const actor = ctx.createdBy ? { ...SYSTEM, name: ctx.createdBy } : SYSTEM;
      const allowUnsigned = ctx.input.allowUnsigned === true;
      // A download is kept (once verified) and named in the checkpoint, so resuming after an ASK answer does not fetch it again.
      const saved = typeof ctx.checkpoint === "object" && ctx.checkpoint !== null && "file" in ctx.checkpoint ? String((ctx.checkpoint as { file: unknown }).file) : null;
      let file = ctx.input.file ?? saved;
      if (!file) {
        await ctx.progress(5, { phase: "download", message: "downloading" });
        file = await sharing.receive(ctx.input.url ?? "", { allowUnsigned }, ctx.signal);
        await ctx.saveCheckpoint({ file });
      }
      return sharing.importBundle(
        actor,
        { file, collection: ctx.input.collection, strategy: ctx.input.strategy, allowUnsigned },
        (percent, message) => ctx.progress(percent, { phase: "import", message }),
        (key, prompt) => ctx.ask(key, prompt),
      );
    },
    // An ASK answer that misses a conflict (or names one that was not asked) is refused when given.
    checkResponse(prompt, response) {
      const conflicts = (prompt.details as { conflicts?: unknown } | undefined)?.conflicts;
      if (Array.isArray(conflicts)) parseAskAnswer(response, conflicts as AskConflict[]);
    },
  });
}
