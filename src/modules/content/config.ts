// The content module's environment variables, validated with the rest of the config (src/config.ts).
import { delimiter, dirname, join, resolve } from "node:path";
import { z } from "zod";
import type { ContentLimits } from "./limits.js";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const contentEnvSchema = {
  SKILLGRAPH_CONTENT_MAX_FILE_BYTES: int(1, 1_073_741_824).default(1_048_576),
  SKILLGRAPH_CONTENT_MAX_FILES: int(1, 100_000).default(1000),
  SKILLGRAPH_CONTENT_MAX_TREE_BYTES: int(1, 10_737_418_240).default(20_971_520),
  SKILLGRAPH_IMPORT_ROOTS: z.string().min(1).optional(),
  SKILLGRAPH_COLLECTIONS_DIR: z.string().min(1).optional(),
};

type ContentEnv = z.output<z.ZodObject<typeof contentEnvSchema>>;

export interface ContentConfig {
  limits: ContentLimits;
  /** Folders local imports (and file:// git URLs) must be inside; empty = local imports refused. */
  importRoots: string[];
  /** Where each collection's folder (collection.toml and files) lives: <dir>/<collection name>. */
  collectionsDir: string;
}

export function contentConfig(e: ContentEnv, databaseUrl: string): ContentConfig {
  const besideDatabase = databaseUrl.startsWith("file:") ? join(dirname(resolve(databaseUrl.replace(/^file:/, "").split("?")[0] ?? ".")), "collections") : resolve("data", "collections");
  return {
    limits: { maxFileBytes: e.SKILLGRAPH_CONTENT_MAX_FILE_BYTES, maxFiles: e.SKILLGRAPH_CONTENT_MAX_FILES, maxTreeBytes: e.SKILLGRAPH_CONTENT_MAX_TREE_BYTES },
    importRoots: (e.SKILLGRAPH_IMPORT_ROOTS ?? "").split(delimiter).filter(Boolean).map((p) => resolve(p)),
    collectionsDir: resolve(e.SKILLGRAPH_COLLECTIONS_DIR ?? besideDatabase),
  };
}
