// The JSON columns of a Deployment (files, createdDirs, hooks), read back through zod rather than
// cast: a row written by an older version or edited by hand reads as empty, not as a wrong type.
import { z } from "zod";

const fileSchema = z.object({ path: z.string(), source: z.string(), sha256: z.string() });
const hooksSchema = z.object({ entries: z.record(z.string(), z.array(z.unknown())), createdFile: z.boolean(), createdSection: z.boolean() });

export type DeployedFile = z.infer<typeof fileSchema>;
export type DeployedHooks = z.infer<typeof hooksSchema>;

// null (no hooks, no files) is the common case: answered without building a parse error.
export function filesOf(value: unknown): DeployedFile[] {
  if (value === null || value === undefined) return [];
  const r = z.array(fileSchema).safeParse(value);
  return r.success ? r.data : [];
}

export function dirsOf(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const r = z.array(z.string()).safeParse(value);
  return r.success ? r.data : [];
}

export function hooksRecordOf(value: unknown): DeployedHooks | null {
  if (value === null || value === undefined) return null;
  const r = hooksSchema.safeParse(value);
  return r.success ? r.data : null;
}
