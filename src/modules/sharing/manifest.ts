// The bundle manifest: what a bundle holds (every artifact with its metadata, tags, content hash
// and files with size and SHA-256), serialised canonically (keys sorted, no spaces) so its bytes,
// and the Ed25519 signature over them, are the same on every machine.
import { z } from "zod";

export const BUNDLE_FORMAT = "skillmeat-pack/1";
export const MANIFEST_PATH = "manifest.json";
export const SIGNATURE_PATH = "signature.json";
export const BUNDLE_EXTENSION = ".skillmeat-pack";
/** A bundle's name and version (each one path segment in a vault: <name>/<version>.skillmeat-pack). */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;

const fileSchema = z.object({ path: z.string(), size: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const artifactSchema = z.object({
  type: z.string().regex(/^[A-Z_]{1,32}$/),
  name: z.string().min(1),
  version: z.string().nullable(),
  metadata: z.object({ title: z.string().nullable(), description: z.string().nullable(), author: z.string().nullable(), license: z.string().nullable(), tools: z.array(z.string()) }),
  tags: z.array(z.string()),
  contentHash: z.string(),
  files: z.array(fileSchema),
});

/** An MCP server the artifacts need: its entry name, what this instance's registry knew of it, and who needs it. */
const mcpServerSchema = z.object({ name: z.string().min(1), registryName: z.string().nullable(), version: z.string().nullable(), neededBy: z.array(z.string()) });

export const manifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  name: z.string().min(1),
  version: z.string().min(1),
  createdBy: z.string().nullable(),
  artifacts: z.array(artifactSchema),
  // Bundles made before MCP references were listed have none.
  mcpServers: z.array(mcpServerSchema).optional(),
});

export type BundleManifest = z.infer<typeof manifestSchema>;
export type ManifestArtifact = z.infer<typeof artifactSchema>;
export type ManifestMcpServer = z.infer<typeof mcpServerSchema>;

export const signatureSchema = z.object({ algorithm: z.literal("ed25519"), fingerprint: z.string().regex(/^[0-9a-f]{64}$/), publicKey: z.string(), signature: z.string() });
export type BundleSignature = z.infer<typeof signatureSchema>;

/** Where an artifact's file lives in the archive. */
export const archivePath = (a: { type: string; name: string }, path: string) => `files/${a.type.toLowerCase()}/${a.name}/${path}`;

/** JSON with object keys sorted at every level and no whitespace. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

const bytesOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The manifest with artifacts ordered by type and name and files by path (UTF-8 byte order). */
export function normalise(m: BundleManifest): BundleManifest {
  return {
    ...m,
    artifacts: [...m.artifacts]
      .sort((a, b) => bytesOrder(`${a.type}\0${a.name}`, `${b.type}\0${b.name}`))
      .map((a) => ({ ...a, tags: [...a.tags].sort(bytesOrder), files: [...a.files].sort((x, y) => bytesOrder(x.path, y.path)) })),
    ...(m.mcpServers ? { mcpServers: [...m.mcpServers].sort((a, b) => bytesOrder(a.name, b.name)).map((s) => ({ ...s, neededBy: [...s.neededBy].sort(bytesOrder) })) } : {}),
  };
}
