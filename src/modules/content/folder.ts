// The collection folder: <collectionsDir>/<collection>/collection.toml and the artifacts' files in
// the upstream layout (skills/<name>/…, commands/<name>.md, agents/<name>.md …). Written through
// after every committed change (one write at a time per collection, coalesced: a write started
// after a change reads the database as it is then), rebuilt on start (repair after a crash between
// a commit and its write), and read back to rebuild the database (recover).
import { randomUUID } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Database, Prisma } from "../../db/index.js";
import type { Artifact, Collection, Group } from "../../generated/prisma/client.js";
import type { ArtifactType } from "../../generated/prisma/enums.js";
import type { Logger } from "../../lib/logger.js";
import { ARTIFACT_TYPES, artifactKey, type ArtifactService, type CollectionChange } from "../artifacts/index.js";
import { COLLECTION_NAME, COLLECTION_NAME_RULE, type CollectionService } from "../collections/index.js";
import { InvalidInputError } from "../../lib/errors.js";
import type { GroupService } from "../groups/index.js";
import type { TagService } from "../tags/index.js";
import { replaceFolder, writeFileAtomic } from "./atomic.js";
import { ContentRuleError } from "./errors.js";
import type { ContentLimits } from "./limits.js";
import { compact, manifestRevision, parseManifest, renderArtifact, renderManifest, renderManifestParts, type Manifest, type ManifestArtifact, type ManifestCollection, type ManifestGroup, type ManifestTag } from "./manifest.js";
import { prepare, type ContentService, type PreparedContent } from "./service.js";
import { readTree, resolveUnder, safeRelative } from "./tree.js";

export const MANIFEST = "collection.toml";

const TYPE_DIRS: Record<ArtifactType, string> = { SKILL: "skills", COMMAND: "commands", AGENT: "agents", HOOK: "hooks", MCP: "mcp", WORKFLOW: "workflows", COMPOSITE: "composites" };

export interface RecoverResult {
  collection: string;
  created: string[];
  updated: string[];
  unchanged: string[];
  skipped: { item: string; reason: string }[];
}

export interface FolderDeps {
  db: Database;
  content: ContentService;
  artifacts: ArtifactService;
  collections: CollectionService;
  tags: () => Promise<TagService>;
  groups: () => Promise<GroupService>;
  dir: string;
  limits: ContentLimits;
  logger?: Logger;
}

/** Where an artifact's files go: <type dir>/<name>.md for one markdown file, else <type dir>/<name>. */
function layoutPath(a: Artifact, files: readonly { path: string }[] | undefined): string | undefined {
  if (!a.currentVersionId || !files) return undefined;
  const [only] = files;
  const single = files.length === 1 && only !== undefined && /\.md$/i.test(only.path) && a.type !== "SKILL";
  return single ? `${TYPE_DIRS[a.type]}/${a.name}.md` : `${TYPE_DIRS[a.type]}/${a.name}`;
}

/** A manifest entry as this process last wrote it, with its text (re-rendered only when it changes). */
interface Entry {
  key: string;
  sortKey: Buffer;
  entry: ManifestArtifact;
  text: string;
}

/** What this process last wrote to a collection's own folder: enough to patch it one change at a time. */
interface FolderModel {
  dir: string;
  revision: number;
  entries: Map<string, Entry>;
}

/** Changes heard for a collection and not yet written: by the revision each committed. */
interface Pending {
  /** A change whose revision or artifacts are unknown: rewrite the whole folder. */
  whole: boolean;
  byRevision: Map<number, Set<string> | null>;
}

const entryOf = (key: string, entry: ManifestArtifact): Entry => ({ key, sortKey: Buffer.from(key), entry, text: renderArtifact(entry) });

export class CollectionFolders {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly queued = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private readonly models = new Map<string, FolderModel>();
  /** Collections whose folder is newer than the database (found on start): not overwritten until recovered. */
  private readonly held = new Set<string>();
  /** Collections being recovered: written once, when recovery is done. */
  private readonly recovering = new Set<string>();

  constructor(private readonly deps: FolderDeps) {}

  /** A collection's folder; the name is checked (it becomes a path). */
  folderOf(collectionName: string): string {
    if (!COLLECTION_NAME.test(collectionName)) throw new InvalidInputError("name", COLLECTION_NAME_RULE);
    return join(this.deps.dir, collectionName);
  }

  /**
   * Schedules a write of a collection's folder after a committed change (null: every collection).
   * Returns at once. With `change`, the write patches only what it names; a write already queued
   * takes this change too (it reads the database when it starts).
   */
  schedule(collectionId: string | null, change?: CollectionChange): void {
    if (collectionId === null) {
      void this.deps.db.prisma.collection.findMany({ select: { id: true } }).then(
        (all) => all.forEach((c) => this.schedule(c.id)),
        (err: unknown) => this.deps.logger?.error("collection folder: listing collections failed", { error: String(err) }),
      );
      return;
    }
    const p = this.pending.get(collectionId) ?? { whole: false, byRevision: new Map() };
    this.pending.set(collectionId, p);
    if (!change || change.artifactIds === null) {
      if (change) p.byRevision.set(change.revision, null);
      else p.whole = true;
    } else {
      const known = p.byRevision.get(change.revision);
      if (known === undefined) p.byRevision.set(change.revision, new Set(change.artifactIds));
      else if (known !== null) for (const id of change.artifactIds) known.add(id);
    }
    if (this.queued.has(collectionId)) return;
    this.queued.add(collectionId);
    const next = (this.chains.get(collectionId) ?? Promise.resolve())
      .then(async () => {
        this.queued.delete(collectionId);
        await this.sync(collectionId);
      })
      .catch((err: unknown) => {
        // The next write starts from the folder on disk, not from what this one may have half done.
        this.models.delete(collectionId);
        this.deps.logger?.error("collection folder write failed", { collectionId, error: String(err) });
      });
    this.chains.set(collectionId, next);
  }

  /** Resolves once every scheduled write has finished. */
  async flush(): Promise<void> {
    while ([...this.chains.values()].length) {
      const chains = [...this.chains.entries()];
      await Promise.all(chains.map(([, p]) => p));
      for (const [id, p] of chains) if (this.chains.get(id) === p) this.chains.delete(id);
    }
  }

  /**
   * On start: compares each collection's revision with the one its folder's manifest records.
   * Behind (or missing): rewritten (a write lost to a crash between a commit and its folder
   * write). Ahead: left alone and not written through until the collection is recovered (the
   * database is older than the folder: restored from a backup, or a fresh one).
   */
  async repair(): Promise<void> {
    const all = await this.deps.db.prisma.collection.findMany({ select: { id: true, name: true, revision: true } });
    for (const c of all) {
      const onDisk = await this.folderRevision(this.folderOf(c.name));
      if (onDisk !== null && onDisk > c.revision) {
        this.held.add(c.id);
        this.deps.logger?.warn("collection folder is newer than the database: not written until recovered (skillgraph collection recover)", { collection: c.name, folderRevision: onDisk, databaseRevision: c.revision });
      } else if (onDisk === null || onDisk < c.revision) this.schedule(c.id);
    }
  }

  /** The revision a folder's manifest records (null: no manifest, unreadable, or written before revisions). */
  async folderRevision(dir: string): Promise<number | null> {
    const text = await readFile(join(dir, MANIFEST), "utf8").catch(() => null);
    if (text === null) return null;
    try {
      return manifestRevision(text);
    } catch {
      return null;
    }
  }

  /** Brings a collection's own folder up to the database: patched when every change since the last write is known, else rewritten. */
  private async sync(collectionId: string): Promise<void> {
    const [collection] = await this.deps.collections.byIds([collectionId]);
    const pending = this.pending.get(collectionId);
    if (!collection) {
      this.models.delete(collectionId);
      this.pending.delete(collectionId);
      return;
    }
    if (this.recovering.has(collectionId)) return;
    if (this.held.has(collectionId)) {
      this.deps.logger?.warn("collection folder is newer than the database: change not written (recover the collection first)", { collection: collection.name });
      return;
    }
    // What is known of the revisions this write covers (those the database has committed now).
    const revision = collection.revision;
    const dir = this.folderOf(collection.name);
    const model = this.models.get(collectionId);
    let changed: Set<string> | null = model && model.dir === dir && !pending?.whole ? new Set() : null;
    for (let r = (model?.revision ?? 0) + 1; changed && r <= revision; r++) {
      const ids = pending?.byRevision.get(r);
      if (!ids) changed = null;
      else for (const id of ids) changed.add(id);
    }
    if (pending) {
      pending.whole = false;
      for (const r of pending.byRevision.keys()) if (r <= revision) pending.byRevision.delete(r);
    }
    if (model && changed && revision <= model.revision) return;
    if (model && changed) await this.patch(collection, model, changed, revision);
    else await this.write(collection);
  }

  /** The manifest entry of an artifact as the database holds it. */
  private entry(a: Artifact, files: readonly { path: string }[] | undefined, tags: readonly { name: string }[], groups: string[]): ManifestArtifact {
    return compact<ManifestArtifact>({
      type: a.type.toLowerCase(),
      name: a.name,
      origin: a.origin,
      source: a.source,
      version_spec: a.versionSpec,
      resolved_version: a.resolvedVersion,
      resolved_commit: a.resolvedSha,
      content_hash: a.contentHash,
      path: layoutPath(a, files),
      title: a.title,
      description: a.description,
      author: a.author,
      license: a.license,
      version: a.version,
      tools: Array.isArray(a.tools) ? a.tools.filter((x): x is string => typeof x === "string") : undefined,
      tags: tags.map((t) => t.name),
      groups,
    });
  }

  private static groupsSection(groupRows: readonly (Group & { members: { artifactId: string }[] })[], keyOf: (id: string) => string | undefined): { section: ManifestGroup[]; of: Map<string, string[]> } {
    const of = new Map<string, string[]>();
    for (const g of groupRows) for (const m of g.members) of.set(m.artifactId, [...(of.get(m.artifactId) ?? []), g.name]);
    const section = groupRows.map((g) => compact<ManifestGroup>({ name: g.name, description: g.description, color: g.color, icon: g.icon, position: g.position, members: g.members.flatMap((m) => keyOf(m.artifactId) ?? []) }));
    return { section, of };
  }

  private static collectionSection(collection: Collection, revision: number) {
    return compact<ManifestCollection>({ name: collection.name, version: collection.version, description: collection.description, revision });
  }

  /** The manifest of a collection as the database holds it (at the collection row's revision: read it first). */
  async manifestOf(collection: Collection): Promise<{ manifest: Manifest; artifacts: Artifact[] }> {
    const [tags, groups, unsorted] = await Promise.all([this.deps.tags(), this.deps.groups(), this.deps.artifacts.inCollection(collection.id)]);
    // By key, byte order: the same manifest on every database (PostgreSQL sorts enums by declaration).
    const keyBytes = (a: Artifact) => Buffer.from(artifactKey(a.type, a.name));
    const artifacts = [...unsorted].sort((a, b) => Buffer.compare(keyBytes(a), keyBytes(b)));
    const ids = artifacts.map((a) => a.id);
    const [tagLists, [tagDefs = []], groupRows] = await Promise.all([tags.ofArtifacts(ids), tags.ofCollections([collection.id]), groups.inCollection(collection.id)]);
    const keyOf = new Map(artifacts.map((a) => [a.id, artifactKey(a.type, a.name)]));
    const { section, of } = CollectionFolders.groupsSection(groupRows, (id) => keyOf.get(id));
    // One statement for every artifact's current files (the layout depends on them).
    const withContent = artifacts.flatMap((a) => (a.currentVersionId ? [a.currentVersionId] : []));
    const fileLists = await this.deps.content.filesOf(withContent);
    const filesByVersion = new Map(withContent.map((v, i) => [v, fileLists[i] ?? []]));
    const manifest: Manifest = {
      collection: CollectionFolders.collectionSection(collection, collection.revision),
      artifacts: artifacts.map((a, i) => this.entry(a, a.currentVersionId ? filesByVersion.get(a.currentVersionId) : undefined, tagLists[i] ?? [], of.get(a.id) ?? [])),
      tags: tagDefs.map((t) => compact({ name: t.name, slug: t.slug, color: t.color, description: t.description })),
      groups: section,
    };
    return { manifest, artifacts };
  }

  /** Writes an artifact's current files at its manifest path. */
  private async writeFiles(dir: string, entry: ManifestArtifact, versionId: string): Promise<void> {
    if (!entry.path) return;
    const target = join(dir, ...entry.path.split("/"));
    const files = await this.deps.content.versionData(versionId);
    if (entry.path.endsWith(".md") && files.length === 1 && files[0]) await writeFileAtomic(target, files[0].data);
    else await replaceFolder(target, files);
  }

  /**
   * Writes a collection's folder whole (to `dir` when given, else its own): the files of artifacts
   * whose content or path differ from the manifest there, then the manifest.
   */
  async write(collection: Collection, dir = this.folderOf(collection.name)): Promise<void> {
    const own = dir === this.folderOf(collection.name);
    const { manifest, artifacts } = await this.manifestOf(collection);
    // The manifest this process wrote last is kept; another one is read from disk.
    const kept = own ? this.models.get(collection.id) : undefined;
    const oldEntries = kept && kept.dir === dir ? [...kept.entries.values()].map((e) => e.entry) : await readFile(join(dir, MANIFEST), "utf8").then(
      (t) => {
        try {
          return parseManifest(t).artifacts;
        } catch {
          return [];
        }
      },
      () => [],
    );
    // Forgotten first: should this write fail midway, the next one starts from the disk.
    if (own) this.models.delete(collection.id);
    const before = new Map(oldEntries.map((a) => [`${a.type}:${a.name}`, a]));
    for (const [i, a] of artifacts.entries()) {
      const entry = manifest.artifacts[i];
      if (!entry?.path || !a.currentVersionId) continue;
      const prior = before.get(`${entry.type}:${entry.name}`);
      // Files are written before the manifest: one that lists this hash at this path had them in place.
      if (prior !== undefined && prior.content_hash === entry.content_hash && prior.path === entry.path) continue;
      await this.writeFiles(dir, entry, a.currentVersionId);
    }
    // Files of artifacts that are gone (or moved) are removed.
    const now = new Set(manifest.artifacts.flatMap((a) => (a.path ? [a.path] : [])));
    for (const a of oldEntries) {
      if (a.path && !now.has(a.path) && safeRelative(a.path)) await rm(join(dir, ...a.path.split("/")), { recursive: true, force: true });
    }
    await writeFileAtomic(join(dir, MANIFEST), renderManifest(manifest));
    if (own) {
      const entries = new Map(artifacts.map((a, i) => [a.id, entryOf(artifactKey(a.type, a.name), manifest.artifacts[i] as ManifestArtifact)]));
      this.models.set(collection.id, { dir, revision: collection.revision, entries });
    }
  }

  /**
   * Patches a collection's own folder for the artifacts that changed: reads only those artifacts
   * (and the groups and tag definitions, which are small), writes only their files, re-renders
   * only their entries, then the manifest (one atomic write).
   */
  private async patch(collection: Collection, model: FolderModel, changed: Set<string>, revision: number): Promise<void> {
    const { artifacts, content } = this.deps;
    const [tags, groups] = await Promise.all([this.deps.tags(), this.deps.groups()]);
    const ids = [...changed];
    const rows = (ids.length ? await artifacts.byIds(ids) : []).filter((a) => a.collectionId === collection.id);
    const versionIds = rows.flatMap((a) => (a.currentVersionId ? [a.currentVersionId] : []));
    const [tagLists, fileLists, groupRows] = await Promise.all([tags.ofArtifacts(rows.map((a) => a.id)), content.filesOf(versionIds), groups.inCollection(collection.id)]);
    const filesByVersion = new Map(versionIds.map((v, i) => [v, fileLists[i] ?? []]));
    const dir = model.dir;
    // Forgotten until this write is done: should it fail midway, the next one rewrites the whole folder.
    this.models.delete(collection.id);
    const entries = new Map(model.entries);
    const gone: string[] = [];
    for (const id of ids) {
      const old = entries.get(id);
      if (old && !rows.some((a) => a.id === id)) {
        if (old.entry.path) gone.push(old.entry.path);
        entries.delete(id);
      }
    }
    const keyOfId = (id: string) => {
      const a = rows.find((r) => r.id === id);
      return a ? artifactKey(a.type, a.name) : entries.get(id)?.key;
    };
    const { section, of } = CollectionFolders.groupsSection(groupRows, keyOfId);
    for (const [i, a] of rows.entries()) {
      const old = entries.get(a.id);
      const entry = this.entry(a, a.currentVersionId ? filesByVersion.get(a.currentVersionId) : undefined, tagLists[i] ?? [], of.get(a.id) ?? []);
      if (a.currentVersionId && entry.path && (old?.entry.path !== entry.path || old.entry.content_hash !== entry.content_hash)) await this.writeFiles(dir, entry, a.currentVersionId);
      if (old?.entry.path && old.entry.path !== entry.path) gone.push(old.entry.path);
      entries.set(a.id, entryOf(artifactKey(a.type, a.name), entry));
    }
    // Group membership shows in every member's entry: re-render those whose groups changed.
    for (const [id, e] of entries) {
      const wanted = of.get(id) ?? [];
      if (wanted.join("\n") !== e.entry.groups.join("\n")) entries.set(id, entryOf(e.key, { ...e.entry, groups: wanted }));
    }
    const inUse = new Set([...entries.values()].flatMap((e) => e.entry.path ?? []));
    for (const path of gone) if (!inUse.has(path) && safeRelative(path)) await rm(join(dir, ...path.split("/")), { recursive: true, force: true });
    const sorted = [...entries.values()].sort((x, y) => Buffer.compare(x.sortKey, y.sortKey));
    // The collection's tag definitions: the tags its artifacts carry (as manifestOf reads them).
    const names = [...new Set(sorted.flatMap((e) => e.entry.tags))];
    const tagDefs = (await tags.byNames(names)).sort((x, y) => x.name.localeCompare(y.name));
    const text = renderManifestParts(
      CollectionFolders.collectionSection(collection, revision),
      sorted.map((e) => e.text),
      tagDefs.map((t) => compact<ManifestTag>({ name: t.name, slug: t.slug, color: t.color, description: t.description })),
      section,
    );
    await writeFileAtomic(join(dir, MANIFEST), text);
    this.models.set(collection.id, { dir, revision, entries });
  }

  /** Differences between a collection's folder and the database, one line each; empty when they agree. */
  async verify(name: string): Promise<string[]> {
    const collection = await this.deps.collections.byName(name);
    const dir = this.folderOf(name);
    const text = await readFile(join(dir, MANIFEST), "utf8").catch(() => null);
    if (text === null) return [`${MANIFEST} is missing in ${dir}`];
    const folder = parseManifest(text);
    const { manifest } = await this.manifestOf(collection);
    const out: string[] = [];
    const fr = folder.collection.revision;
    if (fr === undefined) out.push(`the folder records no revision (written before revisions), the database is at revision ${collection.revision}`);
    else if (fr < collection.revision) out.push(`the database is newer: revision ${collection.revision}, the folder reflects ${fr} (a write-through is pending, or was lost and the next start repairs it)`);
    else if (fr > collection.revision) out.push(`the folder is newer: revision ${fr}, the database is at ${collection.revision} (recover the collection to load it)`);
    const key = (a: ManifestArtifact) => `${a.type}:${a.name}`;
    const inFolder = new Map(folder.artifacts.map((a) => [key(a), a]));
    const inDb = new Map(manifest.artifacts.map((a) => [key(a), a]));
    for (const [k, a] of inDb) {
      const f = inFolder.get(k);
      if (!f) out.push(`${k}: in the database, not in the folder`);
      else {
        for (const field of ["content_hash", "source", "resolved_commit", "path"] as const) if (f[field] !== a[field]) out.push(`${k}: ${field} differs (folder ${f[field] ?? "none"}, database ${a[field] ?? "none"})`);
        if (f.tags.join(",") !== a.tags.join(",")) out.push(`${k}: tags differ (folder ${f.tags.join(", ") || "none"}, database ${a.tags.join(", ") || "none"})`);
        if (a.path && a.content_hash) {
          const onDisk = await this.readArtifactFiles(dir, a.path).then(
            (c) => c.contentHash,
            (err: unknown) => `unreadable (${(err as Error).message})`,
          );
          if (onDisk !== a.content_hash) out.push(`${k}: files on disk hash to ${onDisk}, the database has ${a.content_hash}`);
        }
      }
    }
    for (const k of inFolder.keys()) if (!inDb.has(k)) out.push(`${k}: in the folder, not in the database`);
    const groups = (m: Manifest) => m.groups.map((g) => `${g.name}[${g.members.join(",")}]`).join(" ");
    if (groups(folder) !== groups(manifest)) out.push(`groups differ (folder ${groups(folder) || "none"}, database ${groups(manifest) || "none"})`);
    const tagDefs = (m: Manifest) => m.tags.map((t) => `${t.name}/${t.color ?? ""}/${t.description ?? ""}`).join(" ");
    if (tagDefs(folder) !== tagDefs(manifest)) out.push(`tag definitions differ`);
    return out;
  }

  private async readArtifactFiles(dir: string, path: string) {
    if (!safeRelative(path)) throw new ContentRuleError(path, "path.inside-root", "escapes the collection folder");
    const real = await resolveUnder(dir, join(dir, ...path.split("/")), path);
    const tree = await readTree(real, this.deps.limits);
    return prepare(tree.kind === "file" ? tree.files.map((f) => ({ ...f, path: f.path })) : tree.files);
  }

  /** The collection name a folder's manifest states. */
  async manifestName(dir: string): Promise<string> {
    const text = await readFile(join(dir, MANIFEST), "utf8").catch(() => {
      throw new ContentRuleError(MANIFEST, "manifest.exists", `is missing in ${dir}`);
    });
    return parseManifest(text).collection.name;
  }

  /**
   * Rebuilds a collection's rows from its folder (or `from`): artifacts, content, tags, groups and
   * ordered membership. What cannot be resolved is reported, not fatal.
   */
  async recover(name: string, from?: string): Promise<RecoverResult> {
    const dir = from ?? this.folderOf(name);
    const text = await readFile(join(dir, MANIFEST), "utf8").catch(() => {
      throw new ContentRuleError(MANIFEST, "manifest.exists", `is missing in ${dir}`);
    });
    const m = parseManifest(text);
    const result: RecoverResult = { collection: name, created: [], updated: [], unchanged: [], skipped: [] };
    const { collections, artifacts } = this.deps;
    const collection = (await collections.findByName(name)) ?? (await collections.create({ name, version: m.collection.version, description: m.collection.description ?? null }));
    this.recovering.add(collection.id);
    try {
      return await this.recoverInto(collection, m, dir, result);
    } finally {
      this.recovering.delete(collection.id);
      this.held.delete(collection.id);
      // The folder is rewritten from the database (now newer than the folder it was rebuilt from).
      artifacts.collectionChanged(collection.id);
    }
  }

  private async recoverInto(collection: Collection, m: Manifest, dir: string, result: RecoverResult): Promise<RecoverResult> {
    const { collections, artifacts, db, content } = this.deps;
    const [tags, groups] = await Promise.all([this.deps.tags(), this.deps.groups()]);
    // Tag definitions first, so artifacts link to them (with their colours and descriptions).
    for (const t of m.tags) {
      try {
        const found = await tags.find(t.name);
        if (!found) await tags.create({ name: t.name, color: t.color ?? null, description: t.description ?? null });
        else if ((found.color ?? undefined) !== t.color || (found.description ?? undefined) !== t.description) await tags.update(found.id, { color: t.color ?? null, description: t.description ?? null });
      } catch (err) {
        result.skipped.push({ item: `tag ${t.name}`, reason: (err as Error).message });
      }
    }
    const idOf = new Map<string, string>();
    // Files are read and hashed once, a few artifacts at a time, and checked against the manifest.
    type Ready = { key: string; entry: ManifestArtifact; type: ArtifactType; prepared: PreparedContent | null };
    const read: (Ready | { key: string; skip: string } | null)[] = new Array(m.artifacts.length).fill(null);
    let next = 0;
    const reader = async () => {
      for (let i = next++; i < m.artifacts.length; i = next++) {
        const a = m.artifacts[i] as ManifestArtifact;
        const key = `${a.type}:${a.name}`;
        const type = a.type.toUpperCase() as ArtifactType;
        if (!(ARTIFACT_TYPES as readonly string[]).includes(type)) {
          read[i] = { key, skip: `unknown type "${a.type}"` };
          continue;
        }
        try {
          const prepared = a.path ? await this.readArtifactFiles(dir, a.path) : null;
          read[i] = prepared && a.content_hash && prepared.contentHash !== a.content_hash ? { key, skip: `its files hash to ${prepared.contentHash}, the manifest says ${a.content_hash}` } : { key, entry: a, type, prepared };
        } catch (err) {
          read[i] = { key, skip: (err as Error).message };
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, reader));
    const ready: Ready[] = [];
    for (const r of read) {
      if (r && "skip" in r) result.skipped.push({ item: r.key, reason: r.skip });
      else if (r) ready.push(r);
    }
    const fields = (r: Ready) => {
      const a = r.entry;
      return {
        collectionId: collection.id,
        type: r.type,
        name: a.name,
        origin: (["LOCAL", "GITHUB", "MARKETPLACE"].includes(a.origin) ? a.origin : "LOCAL") as "LOCAL",
        source: a.source ?? null,
        versionSpec: a.version_spec ?? null,
        resolvedVersion: a.resolved_version ?? null,
        resolvedSha: a.resolved_commit ?? null,
        metadata: { title: a.title ?? null, description: a.description ?? null, author: a.author ?? null, license: a.license ?? null, version: a.version ?? null, tools: a.tools ?? null },
      };
    };
    const origin = (a: ManifestArtifact) => ({ sourceRef: a.source ?? null, commit: a.resolved_commit ?? null, createdBy: "recovery" });
    // One artifact at a time (one that exists already, or a batch that failed): its own upsert and version.
    const store = async (tx: Prisma.TransactionClient, r: Ready) => {
      const { artifact, created } = await artifacts.upsertInTransaction(tx, fields(r));
      const stored = r.prepared ? await content.storeVersion(tx, artifact, created, r.prepared, origin(r.entry)) : { artifact, created, unchanged: !created };
      if (r.entry.tags.length) await tags.attachByNames(tx, artifact.id, r.entry.tags, `${MANIFEST}: ${r.key}.tags`);
      return stored;
    };
    // Artifacts the database lacks are created 250 to a transaction in a few multi-row inserts
    // (artifacts, blobs, versions, files, tag links); their ids are chosen here.
    const have = new Set((await artifacts.inCollection(collection.id)).map((a) => artifactKey(a.type, a.name)));
    const fresh = ready.filter((r) => !have.has(artifactKey(r.type, r.entry.name)));
    const known = ready.filter((r) => have.has(artifactKey(r.type, r.entry.name)));
    const one = async (r: Ready) => {
      try {
        const o = await db.transaction(async ({ prisma: tx }) => {
          await collections.bump(tx, collection.id);
          return store(tx, r);
        }, { timeoutMs: 60_000 });
        idOf.set(r.key, o.artifact.id);
        (o.created ? result.created : o.unchanged ? result.unchanged : result.updated).push(r.key);
      } catch (err) {
        result.skipped.push({ item: r.key, reason: (err as Error).message });
      }
    };
    for (let i = 0; i < fresh.length; i += 250) {
      const batch = fresh.slice(i, i + 250).map((r) => ({ r, id: randomUUID(), versionId: r.prepared ? randomUUID() : null }));
      try {
        await db.transaction(async ({ prisma: tx }) => {
          await collections.bump(tx, collection.id);
          await artifacts.createManyInTransaction(tx, batch.map((b) => ({ ...fields(b.r), id: b.id, contentHash: b.r.prepared?.contentHash ?? null, currentVersionId: b.versionId })));
          await content.storeFirstVersions(tx, batch.flatMap((b) => (b.r.prepared && b.versionId ? [{ artifactId: b.id, versionId: b.versionId, content: b.r.prepared, origin: origin(b.r.entry) }] : [])));
          await tags.attachManyByNames(tx, batch.map((b) => ({ artifactId: b.id, names: b.r.entry.tags })), `${MANIFEST}: artifacts.tags`);
        }, { timeoutMs: 120_000 });
        for (const b of batch) {
          idOf.set(b.r.key, b.id);
          result.created.push(b.r.key);
        }
      } catch {
        // One bad artifact (a name the rules refuse, a tag name) skips only itself.
        for (const b of batch) await one(b.r);
      }
    }
    for (const r of known) await one(r);
    const existing = new Map((await groups.inCollection(collection.id)).map((g) => [g.name, g]));
    for (const g of [...m.groups].sort((x, y) => x.position - y.position)) {
      try {
        const group = existing.get(g.name) ?? (await groups.create({ name: g.name, collection: collection.name, description: g.description ?? null, color: g.color ?? null, icon: g.icon ?? null }));
        if (existing.has(g.name)) await groups.update(group.id, { description: g.description ?? null, color: g.color ?? null, icon: g.icon ?? null });
        const members: string[] = [];
        for (const k of g.members) {
          const id = idOf.get(k);
          if (id) members.push(id);
          else result.skipped.push({ item: `group ${g.name} member ${k}`, reason: "not an artifact of the manifest that could be restored" });
        }
        await groups.setMembers(group.id, members);
        await groups.move(group.id, g.position);
      } catch (err) {
        result.skipped.push({ item: `group ${g.name}`, reason: (err as Error).message });
      }
    }
    await db.transaction(({ prisma: tx }) => collections.advancePast(tx, collection.id, m.collection.revision ?? 0));
    return result;
  }
}
