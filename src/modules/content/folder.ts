// The collection folder: <collectionsDir>/<collection>/collection.toml and the artifacts' files in
// the upstream layout (skills/<name>/…, commands/<name>.md, agents/<name>.md …). Written through
// after every committed change (one write at a time per collection, coalesced: a write started
// after a change reads the database as it is then), rebuilt on start (repair after a crash between
// a commit and its write), and read back to rebuild the database (recover).
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Database, Prisma } from "../../db/index.js";
import type { Artifact, Collection } from "../../generated/prisma/client.js";
import type { ArtifactType } from "../../generated/prisma/enums.js";
import type { Logger } from "../../lib/logger.js";
import { ARTIFACT_TYPES, artifactKey, type ArtifactService } from "../artifacts/index.js";
import { COLLECTION_NAME, COLLECTION_NAME_RULE, type CollectionService } from "../collections/index.js";
import { InvalidInputError } from "../../lib/errors.js";
import type { GroupService } from "../groups/index.js";
import type { TagService } from "../tags/index.js";
import { replaceFolder, writeFileAtomic } from "./atomic.js";
import { ContentRuleError } from "./errors.js";
import type { ContentLimits } from "./limits.js";
import { compact, parseManifest, renderManifest, type Manifest, type ManifestArtifact } from "./manifest.js";
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

export class CollectionFolders {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly pending = new Set<string>();
  /** The manifest last written to each folder by this process (skips re-reading it). */
  private readonly written = new Map<string, Manifest>();

  constructor(private readonly deps: FolderDeps) {}

  /** A collection's folder; the name is checked (it becomes a path). */
  folderOf(collectionName: string): string {
    if (!COLLECTION_NAME.test(collectionName)) throw new InvalidInputError("name", COLLECTION_NAME_RULE);
    return join(this.deps.dir, collectionName);
  }

  /** Schedules a write of a collection's folder (null: every collection). Returns at once. */
  schedule(collectionId: string | null): void {
    if (collectionId === null) {
      void this.deps.db.prisma.collection.findMany({ select: { id: true } }).then(
        (all) => all.forEach((c) => this.schedule(c.id)),
        (err: unknown) => this.deps.logger?.error("collection folder: listing collections failed", { error: String(err) }),
      );
      return;
    }
    // A write already waiting will read the database after this change: no second one needed.
    if (this.pending.has(collectionId)) return;
    this.pending.add(collectionId);
    const next = (this.chains.get(collectionId) ?? Promise.resolve())
      .then(async () => {
        this.pending.delete(collectionId);
        const [collection] = await this.deps.collections.byIds([collectionId]);
        if (collection) await this.write(collection);
      })
      .catch((err: unknown) => this.deps.logger?.error("collection folder write failed", { collectionId, error: String(err) }));
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

  /** The manifest of a collection as the database holds it. */
  async manifestOf(collection: Collection): Promise<{ manifest: Manifest; artifacts: Artifact[] }> {
    const [tags, groups, unsorted] = await Promise.all([this.deps.tags(), this.deps.groups(), this.deps.artifacts.inCollection(collection.id)]);
    // By key, byte order: the same manifest on every database (PostgreSQL sorts enums by declaration).
    const keyBytes = (a: Artifact) => Buffer.from(artifactKey(a.type, a.name));
    const artifacts = [...unsorted].sort((a, b) => Buffer.compare(keyBytes(a), keyBytes(b)));
    const ids = artifacts.map((a) => a.id);
    const [tagLists, [tagDefs = []], groupRows] = await Promise.all([tags.ofArtifacts(ids), tags.ofCollections([collection.id]), groups.inCollection(collection.id)]);
    const keyOf = new Map(artifacts.map((a) => [a.id, artifactKey(a.type, a.name)]));
    const groupsOf = new Map<string, string[]>();
    for (const g of groupRows) for (const m of g.members) groupsOf.set(m.artifactId, [...(groupsOf.get(m.artifactId) ?? []), g.name]);
    // One statement for every artifact's current files (the layout depends on them).
    const withContent = artifacts.flatMap((a) => (a.currentVersionId ? [a.currentVersionId] : []));
    const fileLists = await this.deps.content.filesOf(withContent);
    const filesByVersion = new Map(withContent.map((v, i) => [v, fileLists[i] ?? []]));
    const paths = artifacts.map((a) => layoutPath(a, a.currentVersionId ? filesByVersion.get(a.currentVersionId) : undefined));
    const manifest: Manifest = {
      collection: compact({ name: collection.name, version: collection.version, description: collection.description }),
      artifacts: artifacts.map((a, i) =>
        compact<ManifestArtifact>({
          type: a.type.toLowerCase(),
          name: a.name,
          origin: a.origin,
          source: a.source,
          version_spec: a.versionSpec,
          resolved_version: a.resolvedVersion,
          resolved_commit: a.resolvedSha,
          content_hash: a.contentHash,
          path: paths[i],
          title: a.title,
          description: a.description,
          author: a.author,
          license: a.license,
          version: a.version,
          tools: Array.isArray(a.tools) ? a.tools.filter((x): x is string => typeof x === "string") : undefined,
          tags: (tagLists[i] ?? []).map((t) => t.name),
          groups: groupsOf.get(a.id) ?? [],
        }),
      ),
      tags: tagDefs.map((t) => compact({ name: t.name, slug: t.slug, color: t.color, description: t.description })),
      groups: groupRows.map((g) => compact({ name: g.name, description: g.description, color: g.color, icon: g.icon, position: g.position, members: g.members.flatMap((m) => keyOf.get(m.artifactId) ?? []) })),
    };
    return { manifest, artifacts };
  }

  /** Writes a collection's folder (to `dir` when given, else its own): changed artifacts' files, then the manifest. */
  async write(collection: Collection, dir = this.folderOf(collection.name)): Promise<void> {
    const { manifest, artifacts } = await this.manifestOf(collection);
    // The manifest this process wrote last is kept parsed; another one is read from disk.
    const old = this.written.get(dir) ?? await readFile(join(dir, MANIFEST), "utf8").then(
      (t) => {
        try {
          return parseManifest(t);
        } catch {
          return null;
        }
      },
      () => null,
    );
    const before = new Map((old?.artifacts ?? []).map((a) => [`${a.type}:${a.name}`, a]));
    for (const [i, a] of artifacts.entries()) {
      const entry = manifest.artifacts[i];
      if (!entry?.path || !a.currentVersionId) continue;
      const prior = before.get(`${entry.type}:${entry.name}`);
      const target = join(dir, ...entry.path.split("/"));
      // Files are written before the manifest: one that lists this hash at this path had them in place.
      if (prior !== undefined && prior.content_hash === entry.content_hash && prior.path === entry.path) continue;
      const files = await this.deps.content.versionData(a.currentVersionId);
      if (entry.path.endsWith(".md") && files.length === 1 && files[0]) await writeFileAtomic(target, files[0].data);
      else await replaceFolder(target, files);
    }
    // Files of artifacts that are gone (or moved) are removed.
    const now = new Set(manifest.artifacts.flatMap((a) => (a.path ? [a.path] : [])));
    for (const a of old?.artifacts ?? []) {
      if (a.path && !now.has(a.path) && safeRelative(a.path)) await rm(join(dir, ...a.path.split("/")), { recursive: true, force: true });
    }
    await writeFileAtomic(join(dir, MANIFEST), renderManifest(manifest));
    this.written.set(dir, manifest);
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
    const { collections, artifacts, db, content } = this.deps;
    const [tags, groups] = await Promise.all([this.deps.tags(), this.deps.groups()]);
    const collection = (await collections.findByName(name)) ?? (await collections.create({ name, version: m.collection.version, description: m.collection.description ?? null }));
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
    // Files are read and checked first; then artifacts are stored 100 to a transaction, and a
    // batch that fails is stored again one by one, so one bad artifact skips only itself.
    const ready: { key: string; entry: ManifestArtifact; type: ArtifactType; prepared: PreparedContent | null }[] = [];
    for (const a of m.artifacts) {
      const key = `${a.type}:${a.name}`;
      const type = a.type.toUpperCase() as ArtifactType;
      if (!(ARTIFACT_TYPES as readonly string[]).includes(type)) {
        result.skipped.push({ item: key, reason: `unknown type "${a.type}"` });
        continue;
      }
      try {
        const prepared = a.path ? await this.readArtifactFiles(dir, a.path) : null;
        if (prepared && a.content_hash && prepared.contentHash !== a.content_hash) {
          result.skipped.push({ item: key, reason: `its files hash to ${prepared.contentHash}, the manifest says ${a.content_hash}` });
          continue;
        }
        ready.push({ key, entry: a, type, prepared });
      } catch (err) {
        result.skipped.push({ item: key, reason: (err as Error).message });
      }
    }
    const store = async (tx: Prisma.TransactionClient, r: (typeof ready)[number]) => {
      const a = r.entry;
      const { artifact, created } = await artifacts.upsertInTransaction(tx, {
        collectionId: collection.id,
        type: r.type,
        name: a.name,
        origin: (["LOCAL", "GITHUB", "MARKETPLACE"].includes(a.origin) ? a.origin : "LOCAL") as "LOCAL",
        source: a.source ?? null,
        versionSpec: a.version_spec ?? null,
        resolvedVersion: a.resolved_version ?? null,
        resolvedSha: a.resolved_commit ?? null,
        metadata: { title: a.title ?? null, description: a.description ?? null, author: a.author ?? null, license: a.license ?? null, version: a.version ?? null, tools: a.tools ?? null },
      });
      const stored = r.prepared ? await content.storeVersion(tx, artifact, created, r.prepared, { sourceRef: a.source ?? null, commit: a.resolved_commit ?? null, createdBy: "recovery" }) : { artifact, created, unchanged: !created };
      if (a.tags.length) await tags.attachByNames(tx, artifact.id, a.tags, `${MANIFEST}: ${r.key}.tags`);
      return stored;
    };
    const record = (r: (typeof ready)[number], outcome: { artifact: Artifact; created: boolean; unchanged: boolean }) => {
      idOf.set(r.key, outcome.artifact.id);
      (outcome.created ? result.created : outcome.unchanged ? result.unchanged : result.updated).push(r.key);
    };
    for (let i = 0; i < ready.length; i += 100) {
      const batch = ready.slice(i, i + 100);
      try {
        const outcomes = await db.transaction(async ({ prisma: tx }) => {
          const out = [];
          for (const r of batch) out.push(await store(tx, r));
          return out;
        }, { timeoutMs: 120_000 });
        batch.forEach((r, j) => {
          const o = outcomes[j];
          if (o) record(r, o);
        });
      } catch {
        for (const r of batch) {
          try {
            record(r, await db.transaction(({ prisma: tx }) => store(tx, r), { timeoutMs: 60_000 }));
          } catch (err) {
            result.skipped.push({ item: r.key, reason: (err as Error).message });
          }
        }
      }
    }
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
    artifacts.collectionChanged(collection.id);
    return result;
  }
}
