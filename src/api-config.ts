// The API's client-facing settings (trusted documents and automatic persisted queries, the
// response cache, compression), validated with the rest of the config (src/config.ts). Every one
// is in the README's configuration table.
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const TRUSTED_DOCUMENT_MODES = ["allow", "require"] as const;
export type TrustedDocumentMode = (typeof TRUSTED_DOCUMENT_MODES)[number];

export const apiEnvSchema = {
  SKILLGRAPH_TRUSTED_DOCUMENTS: z.enum(TRUSTED_DOCUMENT_MODES, { message: "must be allow or require" }).default("allow"),
  SKILLGRAPH_TRUSTED_DOCUMENTS_MANIFEST: z.string().min(1).optional(),
  SKILLGRAPH_APQ_TTL_S: int(0, 31_536_000).default(86_400),
  SKILLGRAPH_RESPONSE_CACHE_TTL_MS: int(0, 86_400_000).default(0),
  SKILLGRAPH_COMPRESSION_THRESHOLD_BYTES: int(0, 100_000_000).default(1024),
};

type ApiEnv = z.output<z.ZodObject<typeof apiEnvSchema>>;

export interface ApiConfig {
  trustedDocuments: {
    /** allow: any document, plus persisted ones by hash; require: only the manifest's documents, by hash. */
    mode: TrustedDocumentMode;
    /** Hash (sha256 hex, see manifestKey) → document, from the manifest GraphQL Code Generator's client preset writes (persisted-documents.json). */
    manifest: ReadonlyMap<string, string>;
    manifestPath: string | undefined;
  };
  /** How long an automatically persisted query is kept (seconds); 0 = automatic persisted queries off. */
  apqTtlS: number;
  /** How long a query result is cached per caller (ms); 0 = no response cache. */
  responseCacheTtlMs: number;
  /** Responses at least this long are compressed (gzip or br, as the client accepts); 0 = every response. */
  compressionThresholdBytes: number;
}

/** The issues of the api settings, for ConfigError (empty when they are fine). */
export function apiConfigIssues(e: ApiEnv): string[] {
  const issues: string[] = [];
  const path = e.SKILLGRAPH_TRUSTED_DOCUMENTS_MANIFEST;
  if (e.SKILLGRAPH_TRUSTED_DOCUMENTS === "require" && !path) issues.push("SKILLGRAPH_TRUSTED_DOCUMENTS_MANIFEST: must name the manifest when SKILLGRAPH_TRUSTED_DOCUMENTS is require");
  if (path) {
    if (!existsSync(path)) issues.push(`SKILLGRAPH_TRUSTED_DOCUMENTS_MANIFEST: no such file: ${path}`);
    else if (readManifest(path) === null) issues.push("SKILLGRAPH_TRUSTED_DOCUMENTS_MANIFEST: must be a JSON object of sha256 hashes (hex, or sha256:hex) to documents (persisted-documents.json)");
  }
  return issues;
}

function readManifest(path: string): Map<string, string> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (!entries.every(([k, v]) => /^(sha256:)?[0-9a-f]{64}$/.test(k) && typeof v === "string")) return null;
  return new Map(entries.map(([k, v]) => [manifestKey(k), v as string]));
}

/** A document hash as the manifest is keyed: hex, without the client preset's `sha256:` prefix (clients may send either). */
export function manifestKey(hash: string): string {
  return hash.startsWith("sha256:") ? hash.slice(7) : hash;
}

export function apiConfig(e: ApiEnv): ApiConfig {
  const path = e.SKILLGRAPH_TRUSTED_DOCUMENTS_MANIFEST;
  return {
    trustedDocuments: { mode: e.SKILLGRAPH_TRUSTED_DOCUMENTS, manifest: (path && readManifest(path)) || new Map(), manifestPath: path },
    apqTtlS: e.SKILLGRAPH_APQ_TTL_S,
    responseCacheTtlMs: e.SKILLGRAPH_RESPONSE_CACHE_TTL_MS,
    compressionThresholdBytes: e.SKILLGRAPH_COMPRESSION_THRESHOLD_BYTES,
  };
}
