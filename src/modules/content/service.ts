// Content: artifacts' files (content-addressed blobs), their immutable versions, diffs, and
// imports from local folders and git. Owns ContentBlob, ArtifactVersion and ArtifactFile; writes
// to the Artifact row go through the artifacts service, inside the same transaction.
import { createTwoFilesPatch } from "diff";
import { isAbsolute, resolve, sep } from "node:path";
import { chunks, type Database, type Prisma } from "../../db/index.js";
import type { ArtifactType } from "../../generated/prisma/enums.js";
import type { Artifact, ArtifactVersion } from "../../generated/prisma/client.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { Principal } from "../../lib/principal.js";
import { noUsage, type UsageSink } from "../../lib/usage.js";
import { artifactKey, type ArtifactService } from "../artifacts/index.js";
import type { CollectionService } from "../collections/index.js";
import type { Logger } from "../../lib/logger.js";
import type { GroupService } from "../groups/index.js";
import type { TagService } from "../tags/index.js";
import type { ContentConfig } from "./config.js";
import { CollectionFolders } from "./folder.js";
import { ContentRuleError } from "./errors.js";
import { agentFrontMatter, commandFrontMatter, skillFrontMatter, type FrontMatter } from "./front-matter.js";
import { checkout, localPathOf } from "./git.js";
import { mediaTypeOf, sha256, textOf, treeHash } from "./hash.js";
import { readTree, resolveUnder, type ReadTree, type TreeFile } from "./tree.js";

export interface ImportInput {
  collection?: string | null;
  /** A local folder (a skill) or markdown file (a command or agent), under SKILLGRAPH_IMPORT_ROOTS. */
  path?: string | null;
  git?: { url: string; ref?: string | null; path?: string | null } | null;
  /** For a single markdown file: COMMAND or AGENT (default: from its folder's name, else COMMAND). */
  type?: ArtifactType | null;
}

export interface ImportResult {
  artifactId: string;
  key: string;
  collection: string;
  version: number;
  created: boolean;
  /** The content equals the current version's: no version was added. */
  unchanged: boolean;
  contentHash: string;
  commit: string | null;
  files: number;
}

export interface FileInfo {
  versionId: string;
  path: string;
  sha256: string;
  size: number;
  mediaType: string;
}

export interface FileDiff {
  path: string;
  status: "ADDED" | "REMOVED" | "MODIFIED";
  /** Unified diff; null for a binary file. */
  patch: string | null;
}

/** A prepared tree: files with hashes and media types, and the hash over all of them. */
export interface PreparedContent {
  files: (TreeFile & { sha256: string; mediaType: string })[];
  contentHash: string;
}

export type Progress = (percent: number, message: string) => Promise<void>;

const noProgress: Progress = async () => {};

export function prepare(files: readonly TreeFile[]): PreparedContent {
  const out = files.map((f) => ({ ...f, sha256: sha256(f.data), mediaType: mediaTypeOf(f.path, f.data) }));
  return { files: out, contentHash: treeHash(out) };
}

/** The artifact a tree holds: its type, name and metadata from its own files. */
export function classify(tree: ReadTree, wanted: ArtifactType | null | undefined, parentName: string | null): { type: ArtifactType; meta: FrontMatter } {
  if (tree.kind === "folder") {
    const skill = tree.files.find((f) => f.path === "SKILL.md");
    if (!skill) throw new ContentRuleError("SKILL.md", "layout.skill-md", "a folder is imported as a skill and must hold SKILL.md");
    if (wanted && wanted !== "SKILL") throw new ContentRuleError(".", "layout.type", `a folder is a skill, not a ${wanted.toLowerCase()}`);
    const text = textOf(skill.data);
    if (text === null) throw new ContentRuleError("SKILL.md", "front-matter.text", "SKILL.md must be UTF-8 text");
    return { type: "SKILL", meta: skillFrontMatter("SKILL.md", text) };
  }
  const [file] = tree.files;
  if (!file || !/\.md$/i.test(file.path)) throw new ContentRuleError(tree.name, "layout.markdown", "a single file is imported as a command or agent and must be markdown (.md)");
  const text = textOf(file.data);
  if (text === null) throw new ContentRuleError(file.path, "front-matter.text", "must be UTF-8 text");
  const type = wanted ?? (parentName === "agents" ? "AGENT" : "COMMAND");
  if (type === "AGENT") return { type, meta: agentFrontMatter(file.path, text) };
  if (type === "COMMAND") return { type, meta: commandFrontMatter(file.path, text, file.path) };
  throw new ContentRuleError(file.path, "layout.type", `a single markdown file is a command or an agent, not a ${type.toLowerCase()}`);
}

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

export class ContentService {
  /** The collection folders, written through after every committed change. */
  readonly folders: CollectionFolders;

  constructor(
    private readonly db: Database,
    private readonly artifacts: ArtifactService,
    private readonly collections: CollectionService,
    readonly config: ContentConfig,
    others: { tags: () => Promise<TagService>; groups: () => Promise<GroupService>; logger?: Logger },
  ) {
    this.folders = new CollectionFolders({ db, content: this, artifacts, collections, tags: others.tags, groups: others.groups, dir: config.collectionsDir, limits: config.limits, logger: others.logger });
    artifacts.onCollectionChanged((id, change) => this.folders.schedule(id, change));
  }

  private usage: UsageSink = noUsage;

  /** Where imports are reported as usage events (the usage module). */
  onUsage(sink: UsageSink): void {
    this.usage = sink;
  }

  /**
   * On start: rewrites each collection folder whose manifest is behind the database's revision
   * (repairs a write lost to a crash between a commit and its folder write); see CollectionFolders.repair.
   */
  repairFolders(): Promise<void> {
    return this.folders.repair();
  }

  /** The allowed root a local path is under (lexically; resolveUnder then checks the real path). */
  private rootFor(path: string, field: string): string {
    if (this.config.importRoots.length === 0) throw new InvalidInputError(field, "local imports are off: the operator allows none (SKILLGRAPH_IMPORT_ROOTS)");
    if (!isAbsolute(path)) throw new InvalidInputError(field, "must be an absolute path");
    const abs = resolve(path);
    const root = this.config.importRoots.find((r) => inside(r, abs));
    if (!root) throw new InvalidInputError(field, "must be inside one of the folders SKILLGRAPH_IMPORT_ROOTS allows");
    return root;
  }

  /** Checks an import's input before it is queued (the same checks run again in the job). */
  checkInput(input: ImportInput): void {
    const given = [input.path, input.git].filter((v) => v !== null && v !== undefined).length;
    if (given !== 1) throw new InvalidInputError("input", "give exactly one of path or git");
    if (input.path) this.rootFor(input.path, "input.path");
    if (input.git) {
      const local = localPathOf(input.git.url);
      if (local !== null) this.rootFor(local, "input.git.url");
      if (input.git.url.startsWith("-")) throw new InvalidInputError("input.git.url", "must not start with -");
    }
  }

  /**
   * Imports an artifact: reads its files (a local folder or file, or a path in a git repository),
   * takes its metadata from its front matter, and stores a new version in one transaction (or none
   * when the content equals the current version's). Nothing is stored when any step fails.
   */
  async import(principal: Principal, input: ImportInput, progress: Progress = noProgress, signal?: AbortSignal): Promise<ImportResult> {
    this.checkInput(input);
    let tree: ReadTree;
    let parentName: string | null = null;
    let commit: string | null = null;
    let sourceRef: string;
    if (input.path) {
      const root = this.rootFor(input.path, "input.path");
      const real = await resolveUnder(root, input.path);
      await progress(10, "Reading files");
      tree = await readTree(real, this.config.limits);
      parentName = real.split(sep).slice(-2, -1)[0] ?? null;
      sourceRef = input.path;
    } else if (input.git) {
      const local = localPathOf(input.git.url);
      if (local !== null) await resolveUnder(this.rootFor(local, "input.git.url"), local, input.git.url);
      await progress(5, "Cloning");
      const co = await checkout(input.git.url, input.git.ref, signal);
      try {
        commit = co.commit;
        const sub = input.git.path ?? ".";
        const real = await resolveUnder(co.dir, sub, sub);
        await progress(40, "Reading files");
        tree = await readTree(real, this.config.limits);
        parentName = real === co.dir ? null : (real.split(sep).slice(-2, -1)[0] ?? null);
      } finally {
        await co.remove();
      }
      sourceRef = input.git.path ? `${input.git.url}#${input.git.path}` : input.git.url;
    } else {
      throw new InvalidInputError("input", "give exactly one of path or git");
    }
    const { type, meta } = classify(tree, input.type, parentName);
    await progress(60, "Hashing");
    const content = prepare(tree.files);
    const collection = await this.collections.resolve(input.collection);
    await progress(70, "Storing");
    const stored = await this.db.transaction(async ({ prisma: tx }) => {
      const { artifact, created, revision } = await this.artifacts.upsertInTransaction(tx, {
        collectionId: collection.id,
        type,
        name: meta.name,
        origin: "LOCAL",
        source: sourceRef,
        resolvedSha: commit,
        versionSpec: input.git?.ref ?? null,
        metadata: { description: meta.description, license: meta.license, tools: meta.tools },
      });
      return { ...(await this.storeVersion(tx, artifact, created, content, { sourceRef, commit, createdBy: principal.name })), revision };
    }, { timeoutMs: 60_000 });
    await progress(95, stored.unchanged ? "Unchanged" : `Version ${stored.version}`);
    this.artifacts.announce(stored.created ? "ADDED" : "UPDATED", stored.artifact, stored.revision);
    await this.usage({ kind: "IMPORT", artifactId: stored.artifact.id, actor: principal.name });
    return {
      artifactId: stored.artifact.id,
      key: artifactKey(type, meta.name),
      collection: collection.name,
      version: stored.version,
      created: stored.created,
      unchanged: stored.unchanged,
      contentHash: content.contentHash,
      commit,
      files: content.files.length,
    };
  }

  /**
   * Stores content as the artifact's next version inside the caller's transaction (blobs once per
   * sha256), unless it equals the current version's.
   */
  async storeVersion(
    tx: Prisma.TransactionClient,
    artifact: Artifact,
    created: boolean,
    content: PreparedContent,
    origin: { sourceRef: string | null; commit: string | null; createdBy: string | null },
  ): Promise<{ artifact: Artifact; created: boolean; unchanged: boolean; version: number; revision: number | null }> {
    const last = await tx.artifactVersion.findFirst({ where: { artifactId: artifact.id }, orderBy: { number: "desc" }, select: { number: true, contentHash: true } });
    if (last && last.contentHash === content.contentHash) return { artifact, created, unchanged: true, version: last.number, revision: null };
    const shas = [...new Set(content.files.map((f) => f.sha256))];
    const have = new Set((await tx.contentBlob.findMany({ where: { sha256: { in: shas } }, select: { sha256: true } })).map((b) => b.sha256));
    const missing = new Map<string, Buffer>();
    for (const f of content.files) if (!have.has(f.sha256)) missing.set(f.sha256, f.data);
    if (missing.size) {
      await tx.contentBlob.createMany({ data: [...missing].map(([sha, data]) => ({ sha256: sha, size: data.length, data: new Uint8Array(data) })) });
    }
    const number = (last?.number ?? 0) + 1;
    const version = await tx.artifactVersion.create({
      data: {
        artifactId: artifact.id,
        number,
        contentHash: content.contentHash,
        sourceRef: origin.sourceRef,
        commit: origin.commit,
        createdBy: origin.createdBy,
        files: { createMany: { data: content.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.data.length, mediaType: f.mediaType })) } },
      },
      select: { id: true },
    });
    const { artifact: updated, revision } = await this.artifacts.setContent(tx, artifact, { contentHash: content.contentHash, currentVersionId: version.id });
    return { artifact: updated, created, unchanged: false, version: number, revision };
  }

  /**
   * Stores each artifact's first version with the version id given, inside the caller's
   * transaction, in few statements (recovery into a database without these artifacts: the
   * artifact rows, made by the caller, already point at these ids).
   */
  async storeFirstVersions(tx: Prisma.TransactionClient, items: readonly { artifactId: string; versionId: string; content: PreparedContent; origin: { sourceRef: string | null; commit: string | null; createdBy: string | null } }[]): Promise<void> {
    const blobs = new Map<string, Buffer>();
    for (const i of items) for (const f of i.content.files) blobs.set(f.sha256, f.data);
    const have = new Set<string>();
    for (const part of chunks([...blobs.keys()], 500)) for (const b of await tx.contentBlob.findMany({ where: { sha256: { in: part } }, select: { sha256: true } })) have.add(b.sha256);
    const missing = [...blobs].filter(([sha]) => !have.has(sha)).map(([sha, data]) => ({ sha256: sha, size: data.length, data: new Uint8Array(data) }));
    // Prisma's SQLite statements take at most 999 parameters.
    for (const part of chunks(missing, 300)) await tx.contentBlob.createMany({ data: part });
    const versions = items.map((i) => ({ id: i.versionId, artifactId: i.artifactId, number: 1, contentHash: i.content.contentHash, sourceRef: i.origin.sourceRef, commit: i.origin.commit, createdBy: i.origin.createdBy }));
    for (const part of chunks(versions, 100)) await tx.artifactVersion.createMany({ data: part });
    const files = items.flatMap((i) => i.content.files.map((f) => ({ versionId: i.versionId, path: f.path, sha256: f.sha256, size: f.data.length, mediaType: f.mediaType })));
    for (const part of chunks(files, 150)) await tx.artifactFile.createMany({ data: part });
  }

  // ---- reads

  /** The files of each version, by path (one statement for all of them). */
  async filesOf(versionIds: readonly string[]): Promise<FileInfo[][]> {
    // In parts: SQLite through Prisma takes at most 999 parameters (a collection folder asks for every artifact's).
    const rows = [];
    for (const part of chunks([...new Set(versionIds)], 500)) {
      rows.push(
        ...(await this.db.prisma.artifactFile.findMany({
          where: { versionId: { in: part } },
          select: { versionId: true, path: true, sha256: true, size: true, mediaType: true },
          orderBy: [{ versionId: "asc" }, { path: "asc" }],
        })),
      );
    }
    const by = new Map<string, FileInfo[]>();
    for (const r of rows) by.set(r.versionId, [...(by.get(r.versionId) ?? []), r]);
    return versionIds.map((id) => by.get(id) ?? []);
  }

  /** Files by (version, path) with their bytes, in the order asked (null when missing): one statement. */
  async filesData(keys: readonly { versionId: string; path: string }[]): Promise<((FileInfo & { data: Uint8Array }) | null)[]> {
    const rows = await this.db.prisma.artifactFile.findMany({
      where: { OR: keys.map((k) => ({ versionId: k.versionId, path: k.path })) },
      select: { versionId: true, path: true, sha256: true, size: true, mediaType: true, blob: { select: { data: true } } },
    });
    const by = new Map(rows.map(({ blob, ...info }) => [`${info.versionId}\n${info.path}`, { ...info, data: blob.data }]));
    return keys.map((k) => by.get(`${k.versionId}\n${k.path}`) ?? null);
  }

  /** One file of a version with its bytes, or null. */
  async fileData(versionId: string, path: string): Promise<(FileInfo & { data: Uint8Array }) | null> {
    const row = await this.db.prisma.artifactFile.findUnique({
      where: { versionId_path: { versionId, path } },
      select: { versionId: true, path: true, sha256: true, size: true, mediaType: true, blob: { select: { data: true } } },
    });
    if (!row) return null;
    const { blob, ...info } = row;
    return { ...info, data: blob.data };
  }

  /** The versions of each artifact, newest first (one statement for all of them). */
  async versionsOf(artifactIds: readonly string[]): Promise<ArtifactVersion[][]> {
    const rows = await this.db.prisma.artifactVersion.findMany({ where: { artifactId: { in: [...new Set(artifactIds)] } }, orderBy: [{ artifactId: "asc" }, { number: "desc" }] });
    const by = new Map<string, ArtifactVersion[]>();
    for (const r of rows) by.set(r.artifactId, [...(by.get(r.artifactId) ?? []), r]);
    return artifactIds.map((id) => by.get(id) ?? []);
  }

  versionById(id: string): Promise<ArtifactVersion | null> {
    return this.db.prisma.artifactVersion.findUnique({ where: { id } });
  }

  /** Each file's bytes of a version (for the collection folder and diffs). */
  async versionData(versionId: string): Promise<(FileInfo & { data: Uint8Array })[]> {
    const rows = await this.db.prisma.artifactFile.findMany({
      where: { versionId },
      select: { versionId: true, path: true, sha256: true, size: true, mediaType: true, blob: { select: { data: true } } },
      orderBy: { path: "asc" },
    });
    return rows.map(({ blob, ...info }) => ({ ...info, data: blob.data }));
  }

  /** Per-file unified diffs between two versions (by number) of an artifact; unchanged files are left out. */
  async diff(artifactId: string, from: number, to: number): Promise<FileDiff[]> {
    const versions = await this.db.prisma.artifactVersion.findMany({ where: { artifactId, number: { in: [from, to] } }, select: { id: true, number: true } });
    const a = versions.find((v) => v.number === from);
    const b = versions.find((v) => v.number === to);
    if (!a) throw new NotFoundError("ArtifactVersion", String(from));
    if (!b) throw new NotFoundError("ArtifactVersion", String(to));
    const [left, right] = await Promise.all([this.versionData(a.id), this.versionData(b.id)]);
    return diffTrees(left, right, `v${from}`, `v${to}`);
  }
}

/** Per-file unified diffs from one file tree to another (labels name the sides); unchanged files are left out. */
export function diffTrees(left: readonly { path: string; sha256: string; data: Uint8Array }[], right: readonly { path: string; sha256: string; data: Uint8Array }[], fromLabel: string, toLabel: string): FileDiff[] {
  const l = new Map(left.map((f) => [f.path, f]));
  const r = new Map(right.map((f) => [f.path, f]));
  const paths = [...new Set([...l.keys(), ...r.keys()])].sort();
  const out: FileDiff[] = [];
  for (const path of paths) {
    const x = l.get(path);
    const y = r.get(path);
    if (x && y && x.sha256 === y.sha256) continue;
    const status = !x ? "ADDED" : !y ? "REMOVED" : "MODIFIED";
    const tx = x ? textOf(x.data) : "";
    const ty = y ? textOf(y.data) : "";
    const patch = tx === null || ty === null ? null : createTwoFilesPatch(x ? `a/${path}` : "/dev/null", y ? `b/${path}` : "/dev/null", tx, ty, fromLabel, toLabel);
    out.push({ path, status, patch });
  }
  return out;
}
