// A Claude Code plugin marketplace, the pure part and the folder scan: `.claude-plugin/marketplace.json`
// (name, owner, optional metadata.pluginRoot, and plugins with name, source, description, version,
// author, license, keywords…), each plugin's source (a path relative to the marketplace root, or
// a git repository: {source: "url", url} or {source: "github", repo}), and the skills, commands and
// agents a plugin folder holds (skills/<name>/SKILL.md, commands/<name>.md, agents/<name>.md).
import { lstat, readdir } from "node:fs/promises";
import { join, posix } from "node:path";
import { z } from "zod";
import type { ArtifactType } from "../../../generated/prisma/enums.js";
import { normaliseTags } from "../rules.js";
import { parseLicense } from "../licenses.js";
import type { ListingData } from "../listings.js";

export const MARKETPLACE_FILE = ".claude-plugin/marketplace.json";

const person = z.union([z.string(), z.looseObject({ name: z.string().optional(), email: z.string().optional(), url: z.string().optional() })]);
const ref = z.string().min(1).max(200).nullish();

/** A plugin's source: a relative path (./plugins/x), or a git repository. */
export const pluginSourceSchema = z.union([
  z.string().min(1).max(500),
  z.looseObject({ source: z.literal("url"), url: z.string().min(1).max(2000), ref, sha: ref, path: z.string().max(500).nullish() }),
  z.looseObject({ source: z.literal("github"), repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "must be owner/repo"), ref, sha: ref, path: z.string().max(500).nullish() }),
  z.looseObject({ source: z.literal("git-subdir"), url: z.string().min(1).max(2000), path: z.string().min(1).max(500), ref, sha: ref }),
]);

export const pluginEntrySchema = z.looseObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/i, "must be 1–100 letters, digits, '.', '_' or '-'"),
  source: pluginSourceSchema,
  description: z.string().max(5000).nullish(),
  version: z.string().max(64).nullish(),
  author: person.nullish(),
  license: z.string().max(200).nullish(),
  homepage: z.string().max(2000).nullish(),
  repository: z.string().max(2000).nullish(),
  keywords: z.array(z.string().max(64)).max(50).nullish(),
  tags: z.array(z.string().max(64)).max(50).nullish(),
  category: z.string().max(64).nullish(),
});

export const marketplaceFileSchema = z.looseObject({
  name: z.string().min(1).max(200),
  owner: person.nullish(),
  metadata: z.looseObject({ description: z.string().nullish(), version: z.string().nullish(), pluginRoot: z.string().max(500).nullish() }).nullish(),
  plugins: z.array(z.unknown()).max(5000),
});

export type PluginEntry = z.infer<typeof pluginEntrySchema>;
export type MarketplaceFile = z.infer<typeof marketplaceFileSchema>;

/** Where a plugin's files are: a git repository, the commit or ref to take, and the folder in it. */
export interface PluginInstall {
  kind: "CLAUDE_PLUGIN";
  git: string;
  ref: string | null;
  path: string | null;
}

const nameOf = (p: z.infer<typeof person> | null | undefined) => (typeof p === "string" ? p : (p?.name ?? null));

/** A relative path inside a repository, normalised ("./a/b/" → "a/b", "." → null); null when it leaves it. */
export function repoRelative(path: string): { ok: true; path: string | null } | { ok: false } {
  if (path.startsWith("/") || path.includes("\\") || path.includes("\0")) return { ok: false };
  const n = posix.normalize(path).replace(/\/+$/, "");
  if (n === "." || n === "") return { ok: true, path: null };
  if (n === ".." || n.startsWith("../")) return { ok: false };
  return { ok: true, path: n };
}

/**
 * Where a plugin entry installs from. A relative source is resolved against the marketplace
 * root (and metadata.pluginRoot) in the marketplace's own repository at the synced commit; a git
 * source names its repository. A string reason when the entry cannot be installed from here.
 */
export function pluginInstall(entry: PluginEntry, file: MarketplaceFile, marketplace: { git: string | null; commit: string | null }): PluginInstall | string {
  const s = entry.source;
  if (typeof s === "string") {
    if (!marketplace.git) return "a relative plugin source needs the marketplace as a git repository, not a bare marketplace.json URL";
    const root = file.metadata?.pluginRoot && !s.startsWith("./") ? posix.join(file.metadata.pluginRoot, s) : s;
    const rel = repoRelative(root);
    if (!rel.ok) return `source: ${JSON.stringify(s)} must be a path inside the marketplace repository`;
    return { kind: "CLAUDE_PLUGIN", git: marketplace.git, ref: marketplace.commit, path: rel.path };
  }
  const url = s.source === "github" ? `https://github.com/${s.repo}.git` : s.url;
  if (url.startsWith("-")) return "source.url must not start with -";
  const path = s.path ? repoRelative(s.path) : { ok: true as const, path: null };
  if (!path.ok) return "source.path must be a path inside the plugin repository";
  return { kind: "CLAUDE_PLUGIN", git: url, ref: s.sha ?? s.ref ?? null, path: path.path };
}

/** A plugin entry as a listing (its artifacts from the scanned folder, when it was scanned). */
export function pluginListing(entry: PluginEntry, file: MarketplaceFile, install: PluginInstall, artifacts: { type: ArtifactType; name: string }[], sourceUrl: string | null): ListingData {
  const license = entry.license && parseLicense(entry.license).ok ? entry.license : "NOASSERTION";
  return {
    listingId: entry.name,
    name: entry.name,
    publisher: (nameOf(entry.author) ?? nameOf(file.owner) ?? file.name).slice(0, 200),
    description: entry.description ?? "",
    version: entry.version ?? file.metadata?.version ?? "0.0.0",
    license,
    tags: normaliseTags([...(entry.keywords ?? []), ...(entry.tags ?? []), ...(entry.category ? [entry.category] : [])].filter((t) => /^[a-z0-9][a-z0-9-]{0,31}$/i.test(t))),
    artifacts,
    sourceUrl,
    homepage: entry.homepage && /^https?:\/\//.test(entry.homepage) ? entry.homepage : null,
    repository: entry.repository && /^https?:\/\//.test(entry.repository) ? entry.repository : null,
    install: { ...install },
  };
}

export interface PluginArtifact {
  type: ArtifactType;
  name: string;
  /** Relative to the plugin folder. */
  path: string;
}

async function entriesOf(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * The skills, commands and agents in a plugin folder (already resolved inside its checkout):
 * skills/<name>/ holding SKILL.md, commands/<name>.md and agents/<name>.md. Symlinks are left out.
 */
export async function scanPlugin(dir: string): Promise<PluginArtifact[]> {
  const out: PluginArtifact[] = [];
  for (const e of await entriesOf(join(dir, "skills"))) {
    if (!e.isDirectory()) continue;
    const skill = await lstat(join(dir, "skills", e.name, "SKILL.md")).catch(() => null);
    if (skill?.isFile()) out.push({ type: "SKILL", name: e.name, path: `skills/${e.name}` });
  }
  for (const [folder, type] of [["commands", "COMMAND"], ["agents", "AGENT"]] as const) {
    for (const e of await entriesOf(join(dir, folder))) {
      if (e.isFile() && e.name.endsWith(".md")) out.push({ type, name: e.name.slice(0, -3), path: `${folder}/${e.name}` });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
