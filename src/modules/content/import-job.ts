// content.import: importArtifact as a job, with progress. Rule errors (ContentRuleError, bad
// input) fail the job at once with the file and the rule; a failed clone is retried.
import { z } from "zod";
import { SYSTEM } from "../../lib/principal.js";
import { defineJobKind, type JobKind } from "../jobs/index.js";
import type { ContentService, ImportResult } from "./service.js";

export const importInput = z
  .object({
    collection: z.string().min(1, "must not be empty").nullish(),
    path: z.string().min(1, "must not be empty").max(4096, "must be at most 4096 characters").nullish(),
    git: z
      .object({
        url: z.string().min(1, "must not be empty").max(4096, "must be at most 4096 characters"),
        ref: z.string().min(1, "must not be empty").max(255, "must be at most 255 characters").nullish(),
        path: z.string().min(1, "must not be empty").max(4096, "must be at most 4096 characters").nullish(),
      })
      .nullish(),
    type: z.enum(["SKILL", "COMMAND", "AGENT"]).nullish(),
  })
  .refine((v) => [v.path, v.git].filter((x) => x !== null && x !== undefined).length === 1, { message: "give exactly one of path or git", path: ["path"] });

export type ImportJobInput = z.infer<typeof importInput>;

export function contentImportKind(content: ContentService): JobKind<ImportJobInput, ImportResult> {
  return defineJobKind({
    name: "content.import",
    description: "Imports an artifact from a local folder or file (under SKILLGRAPH_IMPORT_ROOTS) or a git repository; adds a version when it exists.",
    input: importInput,
    scope: "write",
    maxAttempts: 3,
    async run(ctx) {
      // The version records who started the job; the job itself runs as the system.
      const actor = ctx.createdBy ? { ...SYSTEM, name: ctx.createdBy } : SYSTEM;
      return content.import(actor, ctx.input, (percent, message) => ctx.progress(percent, { phase: "import", message }), ctx.signal);
    },
  });
}
