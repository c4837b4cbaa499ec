// The sharing module's environment variables, validated with the rest of the config (src/config.ts).
import { delimiter, dirname, join, resolve } from "node:path";
import { z } from "zod";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const sharingEnvSchema = {
  SKILLGRAPH_BUNDLES_DIR: z.string().min(1).optional(),
  SKILLGRAPH_BUNDLE_MAX_BYTES: int(1024, 10_737_418_240).default(104_857_600),
  SKILLGRAPH_VAULT_ROOTS: z.string().min(1).optional(),
  SKILLGRAPH_PUBLIC_URL: z
    .string()
    .url("must be an absolute http(s) URL")
    .refine((v) => /^https?:\/\//i.test(v), "must be an http or https URL")
    .optional(),
  SKILLGRAPH_BUNDLE_DOWNLOAD_TIMEOUT_MS: int(100, 3_600_000).default(30_000),
};

type SharingEnv = z.output<z.ZodObject<typeof sharingEnvSchema>>;

export interface SharingConfig {
  /** Where exported bundles are written and verifyBundle reads them: <dir>/<name>-<version>.skillmeat-pack. */
  bundlesDir: string;
  /** The largest bundle file read or written. */
  maxBundleBytes: number;
  /** Folders a FOLDER vault (and a GIT vault on a local path or file:// URL) must be inside; empty = none allowed. */
  vaultRoots: string[];
  /** The base URL share links start with (no trailing slash); null: taken from the request's Host (or the listener, from the CLI). */
  publicUrl: string | null;
  /** How long importBundle(source: {url}) waits for a download, in all. */
  downloadTimeoutMs: number;
}

export function sharingConfig(e: SharingEnv, databaseUrl: string): SharingConfig {
  const besideDatabase = databaseUrl.startsWith("file:") ? join(dirname(resolve(databaseUrl.replace(/^file:/, "").split("?")[0] ?? ".")), "bundles") : resolve("data", "bundles");
  return { bundlesDir: resolve(e.SKILLGRAPH_BUNDLES_DIR ?? besideDatabase), maxBundleBytes: e.SKILLGRAPH_BUNDLE_MAX_BYTES, publicUrl: e.SKILLGRAPH_PUBLIC_URL ? e.SKILLGRAPH_PUBLIC_URL.replace(/\/+$/, "") : null, downloadTimeoutMs: e.SKILLGRAPH_BUNDLE_DOWNLOAD_TIMEOUT_MS, vaultRoots: (e.SKILLGRAPH_VAULT_ROOTS ?? "").split(delimiter).filter(Boolean).map((p) => resolve(p)) };
}
