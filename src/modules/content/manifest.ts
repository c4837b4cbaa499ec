// collection.toml: the collection's manifest, as written to and read from its folder (smol-toml).
// TOML has no null: absent values are left out. Older manifests without [[tags]] or [[groups]] load.
import { parse, stringify } from "smol-toml";
import { ContentRuleError } from "./errors.js";

export interface ManifestArtifact {
  type: string;
  name: string;
  origin: string;
  source?: string;
  version_spec?: string;
  resolved_version?: string;
  resolved_commit?: string;
  content_hash?: string;
  /** Where its files are, relative to the collection folder (skills/<name>, commands/<name>.md …). */
  path?: string;
  title?: string;
  description?: string;
  author?: string;
  license?: string;
  version?: string;
  tools?: string[];
  tags: string[];
  groups: string[];
}

export interface ManifestTag {
  name: string;
  slug: string;
  color?: string;
  description?: string;
}

export interface ManifestGroup {
  name: string;
  description?: string;
  color?: string;
  icon?: string;
  position: number;
  /** Member keys (type:name), in order. */
  members: string[];
}

export interface ManifestCollection {
  name: string;
  version: string;
  description?: string;
  /**
   * The collection's revision (its change sequence in the database) this manifest reflects; absent
   * in manifests written before revisions existed.
   */
  revision?: number;
}

export interface Manifest {
  collection: ManifestCollection;
  artifacts: ManifestArtifact[];
  tags: ManifestTag[];
  groups: ManifestGroup[];
}

/** Drops null and undefined values (TOML has no null). */
export function compact<T extends object>(o: { [K in keyof T]: T[K] | null | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

const HEADER = "# skillgraph collection manifest: written by skillgraph after every change; the database can be rebuilt from this folder.\n";

/** One [[artifacts]] table as text: kept per artifact, so a change re-renders only its own entry. */
export function renderArtifact(a: ManifestArtifact): string {
  return stringify({ artifacts: [a] });
}

/**
 * The manifest's text from its parts: the header, [collection], the artifacts' tables (already
 * rendered, in order), [[tags]] and [[groups]]. renderManifest and the incremental write-through
 * both use it, so a manifest patched one entry at a time is byte for byte the one written whole.
 */
export function renderManifestParts(collection: ManifestCollection, artifacts: readonly string[], tags: readonly ManifestTag[], groups: readonly ManifestGroup[]): string {
  const parts = [HEADER + stringify({ collection }), ...artifacts, ...tags.map((t) => stringify({ tags: [t] })), ...groups.map((g) => stringify({ groups: [g] }))];
  return parts.join("\n");
}

export function renderManifest(m: Manifest): string {
  return renderManifestParts(m.collection, m.artifacts.map(renderArtifact), m.tags, m.groups);
}

const str = (v: unknown): v is string => typeof v === "string";
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter(str) : []);

/** Parses collection.toml; a broken manifest is a ContentRuleError naming the rule. */
/**
 * The revision a manifest records, for the start-up check. skillgraph writes the [collection]
 * table first, so only the lines up to the next table are parsed (a 10,000-artifact manifest is
 * 1.4 MB of TOML); a manifest laid out otherwise is parsed whole. null: no revision recorded.
 */
export function manifestRevision(text: string): number | null {
  const lines = text.split("\n", 200);
  const start = lines.findIndex((l) => /^\s*\[collection\]\s*(#.*)?$/.test(l));
  if (start >= 0) {
    const rest = lines.slice(start + 1);
    const end = rest.findIndex((l) => /^\s*\[/.test(l));
    if (end >= 0) {
      try {
        const doc = parse(["[collection]", ...rest.slice(0, end)].join("\n")) as { collection?: { revision?: unknown } };
        const r = doc.collection?.revision;
        return typeof r === "number" && Number.isInteger(r) && r >= 0 ? r : null;
      } catch {
        // fall through to the whole document
      }
    }
  }
  return parseManifest(text).collection.revision ?? null;
}

export function parseManifest(text: string): Manifest {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ContentRuleError("collection.toml", "manifest.toml", `is not valid TOML: ${String((err as Error).message).split("\n")[0]}`);
  }
  const c = doc.collection as Record<string, unknown> | undefined;
  if (!c || !str(c.name)) throw new ContentRuleError("collection.toml", "manifest.collection", "[collection] with a name is required");
  const list = (key: string) => (Array.isArray(doc[key]) ? (doc[key] as Record<string, unknown>[]) : []);
  const artifacts = list("artifacts").map((a, i) => {
    if (!str(a.type) || !str(a.name)) throw new ContentRuleError("collection.toml", "manifest.artifact", `artifacts[${i}] needs a type and a name`);
    const opt = (k: string) => (str(a[k]) ? (a[k] as string) : undefined);
    return compact<ManifestArtifact>({
      type: a.type,
      name: a.name,
      origin: opt("origin") ?? "LOCAL",
      source: opt("source"),
      version_spec: opt("version_spec"),
      resolved_version: opt("resolved_version"),
      resolved_commit: opt("resolved_commit"),
      content_hash: opt("content_hash"),
      path: opt("path"),
      title: opt("title"),
      description: opt("description"),
      author: opt("author"),
      license: opt("license"),
      version: opt("version"),
      tools: Array.isArray(a.tools) ? strs(a.tools) : undefined,
      tags: strs(a.tags),
      groups: strs(a.groups),
    });
  });
  const tags = list("tags").flatMap((t) => (str(t.name) ? [compact<ManifestTag>({ name: t.name, slug: str(t.slug) ? t.slug : t.name, color: str(t.color) ? t.color : undefined, description: str(t.description) ? t.description : undefined })] : []));
  const groups = list("groups").flatMap((g, i) =>
    str(g.name)
      ? [compact<ManifestGroup>({ name: g.name, description: str(g.description) ? g.description : undefined, color: str(g.color) ? g.color : undefined, icon: str(g.icon) ? g.icon : undefined, position: typeof g.position === "number" ? g.position : i, members: strs(g.members) })]
      : [],
  );
  const revision = typeof c.revision === "number" && Number.isInteger(c.revision) && c.revision >= 0 ? c.revision : undefined;
  return { collection: compact<ManifestCollection>({ name: c.name, version: str(c.version) ? c.version : "1.0.0", description: str(c.description) ? c.description : undefined, revision }), artifacts, tags, groups };
}
