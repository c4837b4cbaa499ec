// Sharing: signed bundles. exportBundle packs artifacts' current files and a manifest into a
// deterministic tar signed with this instance's Ed25519 key (keys.ts); verifyBundle checks the
// archive, the signer and every file against the manifest, and says which check failed.
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../../config.js";
import type { Database } from "../../db/index.js";
import type { Artifact } from "../../generated/prisma/client.js";
import { writeFileAtomic } from "../../lib/atomic-file.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { Principal } from "../../lib/principal.js";
import { ARTIFACT_TYPES, type ArtifactService } from "../artifacts/index.js";
import type { CollectionService } from "../collections/index.js";
import type { TagService } from "../tags/index.js";
import { diffTrees, prepare, type ContentService } from "../content/index.js";
import type { McpService } from "../mcp/index.js";
import { askPrompt, conflictKey, parseAskAnswer, type Ask, type AskConflict, type ConflictChoice } from "./ask.js";
import { outbound, OutboundRefusedError, type OutboundPolicy } from "../../lib/outbound.js";
import { checkBundleUrl, downloadBundle } from "./download.js";
import { ShareLinks } from "./links.js";
import { mcpNeeds } from "./mcp-refs.js";
import { packArchive, pathProblem, readArchive, type ArchiveEntry } from "./archive.js";
import type { SharingConfig } from "./config.js";
import { BundleVerificationError } from "./errors.js";
import { fingerprintOf, publicKeyFrom, SharingKeys, verifySignature, type Standing } from "./keys.js";
import { VaultService } from "./vaults.js";
import { archivePath, BUNDLE_EXTENSION, NAME, VERSION, BUNDLE_FORMAT, canonicalJson, MANIFEST_PATH, manifestSchema, normalise, SIGNATURE_PATH, signatureSchema, type BundleManifest, type ManifestArtifact } from "./manifest.js";

export interface ExportInput {
  /** Artifact ids; or */
  artifacts?: string[] | null;
  /** a collection's name (all its artifacts). */
  collection?: string | null;
  name: string;
  version: string;
}

export interface ExportResult {
  file: string;
  sha256: string;
  size: number;
  artifacts: number;
  files: number;
  signer: string;
  /** The Ed25519 signature over the manifest, base64. */
  signature: string;
}

export interface VerifyResult {
  file: string;
  sha256: string;
  name: string;
  version: string;
  createdBy: string | null;
  /** The signer's fingerprint; null for an unsigned bundle an admin accepted. */
  signer: string | null;
  /** OWN (this instance's key), TRUSTED, UNVERIFIED (a valid signature by a key this instance does not know, accepted explicitly), or UNSIGNED. */
  trust: "OWN" | "TRUSTED" | "UNVERIFIED" | "UNSIGNED";
  manifest: BundleManifest;
}

/** How one bundled artifact compares with the collection it would be imported into. */
export interface ImportPreviewItem {
  type: string;
  name: string;
  /** NEW (no artifact with its key), IDENTICAL (same content hash), CONFLICT (same key, other content). */
  status: "NEW" | "IDENTICAL" | "CONFLICT";
  contentHash: string;
  existingContentHash: string | null;
  /** For a conflict: each file that differs (ADDED in the bundle, REMOVED from it, MODIFIED). */
  changes: { path: string; status: "ADDED" | "REMOVED" | "MODIFIED" }[];
}

export interface ImportPreview {
  verification: VerifyResult;
  collection: string;
  items: ImportPreviewItem[];
}

export interface ImportBundleInput {
  file: string;
  collection?: string | null;
  strategy: "MERGE" | "FORK" | "SKIP" | "ASK";
  allowUnsigned?: boolean | null;
  /** Accept a signature by a key that is neither this instance's nor trusted (it must still match the manifest); never a revoked one. */
  allowUnknownSigner?: boolean | null;
}

/** What verification accepts besides a bundle signed by this instance's or a trusted key. */
export interface VerifyOptions {
  allowUnsigned: boolean;
  allowUnknownSigner?: boolean;
}

export interface ImportBundleResult {
  bundle: string;
  version: string;
  collection: string;
  items: { type: string; name: string; action: "CREATED" | "UNCHANGED" | "SKIPPED" | "MERGED" | "FORKED" }[];
}

export type Progress = (percent: number, message: string) => Promise<void>;

const MAX_ENTRIES = 100_000;

const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");
const tools = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export class SharingService {
  readonly keys: SharingKeys;
  readonly links: ShareLinks;
  /** Vaults: folders, git repositories and S3 buckets bundles are pushed to and pulled from (vaults.ts). */
  readonly vaults: VaultService;

  /** fetch under SKILLGRAPH_OUTBOUND_ALLOW (src/lib/outbound.ts), for source URLs. */
  private readonly outbound: typeof fetch;
  private readonly outboundPolicy: OutboundPolicy;

  constructor(
    private readonly db: Database,
    private readonly artifacts: ArtifactService,
    private readonly collections: CollectionService,
    private readonly content: ContentService,
    private readonly tags: TagService,
    private readonly mcp: McpService,
    readonly config: SharingConfig,
    appConfig: Config,
    logger: Logger,
  ) {
    ({ fetch: this.outbound, policy: this.outboundPolicy } = outbound(appConfig.security.outboundAllow));
    this.keys = new SharingKeys(db, appConfig, logger);
    this.links = new ShareLinks(db, config, (file) => this.readBundle(file), logger);
    this.vaults = new VaultService(db, this, config, appConfig, logger);
  }

  /** Checks an export's input before it is queued (again in the job). */
  checkExport(input: ExportInput): void {
    if (!NAME.test(input.name)) throw new InvalidInputError("name", "must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
    if (!VERSION.test(input.version)) throw new InvalidInputError("version", "must be 1 to 64 letters, digits, '.', '+', '_' or '-', starting with a letter or digit");
    const given = [input.artifacts, input.collection].filter((v) => v !== null && v !== undefined).length;
    if (given !== 1) throw new InvalidInputError("artifacts", "give exactly one of artifacts or collection");
    if (input.artifacts && input.artifacts.length === 0) throw new InvalidInputError("artifacts", "must name at least one artifact");
  }

  /** The bundle file's name for a name and version. */
  fileName(name: string, version: string): string {
    return `${name}-${version}${BUNDLE_EXTENSION}`;
  }

  private async chosen(input: ExportInput): Promise<Artifact[]> {
    if (input.collection) {
      const c = await this.collections.byName(input.collection);
      return this.artifacts.inCollection(c.id);
    }
    const ids = [...new Set(input.artifacts ?? [])];
    const found = await this.artifacts.byIds(ids);
    const missing = ids.find((id) => !found.some((a) => a.id === id));
    if (missing) throw new NotFoundError("Artifact", missing);
    return found;
  }

  /**
   * Writes <bundlesDir>/<name>-<version>.skillmeat-pack: the manifest, its signature and every
   * artifact's current files, byte-identical for the same content, name, version and creator.
   */
  async exportBundle(principal: Principal, input: ExportInput, progress: Progress = async () => {}): Promise<ExportResult> {
    this.checkExport(input);
    const artifacts = await this.chosen(input);
    if (artifacts.length === 0) throw new InvalidInputError("collection", "holds no artifacts to bundle");
    const tagsOf = await this.tags.ofArtifacts(artifacts.map((a) => a.id));
    await progress(10, `bundling ${artifacts.length} artifact(s)`);
    const entries: ManifestArtifact[] = [];
    const data = new Map<string, Buffer>();
    for (const [i, a] of artifacts.entries()) {
      if (!a.currentVersionId || !a.contentHash) throw new InvalidInputError("artifacts", `the artifact ${a.type.toLowerCase()}:${a.name} has no content to bundle (import its files first)`);
      const files = await this.content.versionData(a.currentVersionId);
      for (const f of files) data.set(archivePath(a, f.path), Buffer.from(f.data));
      entries.push({
        type: a.type,
        name: a.name,
        version: a.version,
        metadata: { title: a.title, description: a.description, author: a.author, license: a.license, tools: tools(a.tools) },
        tags: (tagsOf[i] ?? []).map((t) => t.name),
        contentHash: a.contentHash,
        files: files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
      });
      await progress(10 + Math.floor((70 * (i + 1)) / artifacts.length), `read ${a.type.toLowerCase()}:${a.name}`);
    }
    const needs = mcpNeeds(entries.map((e) => ({ type: e.type, name: e.name, tools: e.metadata.tools })));
    const known = await this.mcp.registry.byEntryNames(needs.map((n) => n.name));
    const mcpServers = needs.map((n) => {
      const server = known.find((k) => k.name === n.name) ?? known.find((k) => k.name.endsWith(`/${n.name}`));
      return { name: n.name, registryName: server?.name ?? null, version: server?.version ?? null, neededBy: n.neededBy };
    });
    const manifest = normalise({ format: BUNDLE_FORMAT, name: input.name, version: input.version, createdBy: principal.name ?? null, artifacts: entries, mcpServers });
    const manifestBytes = Buffer.from(canonicalJson(manifest), "utf8");
    const sig = await this.keys.sign(manifestBytes);
    const signature = Buffer.from(canonicalJson({ algorithm: "ed25519", ...sig }), "utf8");
    const archive: ArchiveEntry[] = [
      { path: MANIFEST_PATH, data: manifestBytes },
      { path: SIGNATURE_PATH, data: signature },
      ...manifest.artifacts.flatMap((a) => a.files.map((f) => ({ path: archivePath(a, f.path), data: data.get(archivePath(a, f.path)) ?? Buffer.alloc(0) }))),
    ];
    const bytes = await packArchive(archive);
    if (bytes.length > this.config.maxBundleBytes) throw new InvalidInputError("artifacts", `the bundle would be ${bytes.length} bytes, over SKILLGRAPH_BUNDLE_MAX_BYTES (${this.config.maxBundleBytes})`);
    const file = this.fileName(input.name, input.version);
    await writeFileAtomic(join(this.config.bundlesDir, file), bytes);
    await progress(100, `wrote ${file}`);
    return { file, sha256: sha256(bytes), size: bytes.length, artifacts: manifest.artifacts.length, files: archive.length - 2, signer: sig.fingerprint, signature: sig.signature };
  }

  /**
   * Stores bundle bytes in the bundles folder under their SHA-256 (<sha256>.skillmeat-pack), so a
   * stored bundle never changes under the name it was recorded by; the file's name. Verifies nothing.
   */
  async storeBundle(bytes: Buffer): Promise<{ file: string; sha256: string; size: number }> {
    if (bytes.length > this.config.maxBundleBytes) throw new InvalidInputError("file", `the bundle is ${bytes.length} bytes, over SKILLGRAPH_BUNDLE_MAX_BYTES (${this.config.maxBundleBytes})`);
    const hash = sha256(bytes);
    const file = `${hash}${BUNDLE_EXTENSION}`;
    await writeFileAtomic(join(this.config.bundlesDir, file), bytes);
    return { file, sha256: hash, size: bytes.length };
  }

  /** A bundle file's bytes, by its name in the bundles folder (never a path). */
  async readBundle(file: string): Promise<Buffer> {
    return this.inBundles(file, (path) => readFile(path));
  }

  /** Checks that a bundle of the bundles folder exists (a request's check before its job reads it), without reading it. */
  async checkBundle(file: string): Promise<void> {
    await this.inBundles(file, (path) => stat(path));
  }

  /** `use` on the path of a bundle file named by input: a bare file name, refused otherwise; NotFoundError when it is not there. */
  private async inBundles<T>(file: string, use: (path: string) => Promise<T>): Promise<T> {
    if (!file.endsWith(BUNDLE_EXTENSION) || file.includes("/") || file.includes("\\") || pathProblem(file)) {
      throw new InvalidInputError("file", `must be the name of a ${BUNDLE_EXTENSION} file in the bundles folder, without a path`);
    }
    try {
      return await use(join(this.config.bundlesDir, file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError("Bundle", file);
      throw err;
    }
  }

  /**
   * Verifies a bundle: a safe archive; signed (unsigned only when an admin allows it); the signer is
   * this instance's key or a trusted one, not revoked; the signature matches the manifest; every
   * file the manifest lists is there with its size and SHA-256, and nothing else is.
   */
  async verifyBundle(file: string, options: VerifyOptions = { allowUnsigned: false }): Promise<VerifyResult> {
    return (await this.verified(file, options)).result;
  }

  /** verifyBundle, with the archive's files by path. */
  private async verified(file: string, options: VerifyOptions): Promise<{ result: VerifyResult; byPath: Map<string, Buffer> }> {
    return this.verifiedBytes(await this.readBundle(file), file, options);
  }

  /** verifyBundle of bytes not (yet) in the bundles folder (a download, a vault's copy); `file` names them in the result; `standing` may be a preloaded key ring (keys.ring()). */
  async verifyBytes(bytes: Buffer, file: string, options: VerifyOptions, standing?: Standing): Promise<VerifyResult> {
    return (await this.verifiedBytes(bytes, file, options, standing)).result;
  }

  private async verifiedBytes(bytes: Buffer, file: string, options: VerifyOptions, standing: Standing = (fp) => this.keys.standing(fp)): Promise<{ result: VerifyResult; byPath: Map<string, Buffer> }> {
    const entries = await readArchive(bytes, { maxBytes: this.config.maxBundleBytes, maxEntries: MAX_ENTRIES });
    const byPath = new Map(entries.map((e) => [e.path, e.data]));
    const manifestBytes = byPath.get(MANIFEST_PATH);
    if (!manifestBytes) throw new BundleVerificationError("FILE_MISSING", MANIFEST_PATH, "the bundle has no manifest");
    let manifest: BundleManifest;
    try {
      const parsed = manifestSchema.safeParse(JSON.parse(manifestBytes.toString("utf8")));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "bad shape");
      manifest = parsed.data;
    } catch (err) {
      throw new BundleVerificationError("MANIFEST_CHANGED", MANIFEST_PATH, `the manifest is not a valid ${BUNDLE_FORMAT} manifest (${(err as Error).message})`);
    }
    const sigBytes = byPath.get(SIGNATURE_PATH);
    let signer: string | null = null;
    let trust: VerifyResult["trust"] = "UNSIGNED";
    if (!sigBytes) {
      if (!options.allowUnsigned) throw new BundleVerificationError("UNSIGNED", SIGNATURE_PATH, "the bundle is not signed; only an admin may accept an unsigned bundle, and must ask for it explicitly");
    } else {
      let sig;
      try {
        const parsed = signatureSchema.safeParse(JSON.parse(sigBytes.toString("utf8")));
        if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "bad shape");
        sig = parsed.data;
      } catch (err) {
        throw new BundleVerificationError("MALFORMED", SIGNATURE_PATH, `the signature file is not valid (${(err as Error).message})`);
      }
      const signerStanding = await standing(sig.fingerprint);
      if (signerStanding.status === "UNKNOWN" && options.allowUnknownSigner === true) {
        // The key the bundle names: it must be the one its fingerprint is of, and sign the manifest.
        if (publicKeyFrom(sig.publicKey) === null || fingerprintOf(Buffer.from(sig.publicKey, "base64")) !== sig.fingerprint) {
          throw new BundleVerificationError("MALFORMED", SIGNATURE_PATH, "the signature's public key is not the key its fingerprint names");
        }
        if (!verifySignature(sig.publicKey, manifestBytes, sig.signature)) {
          throw new BundleVerificationError("MANIFEST_CHANGED", MANIFEST_PATH, "the signature does not match the manifest (the manifest or the signature was changed)");
        }
        signer = sig.fingerprint;
        trust = "UNVERIFIED";
      } else if (signerStanding.status === "UNKNOWN") throw new BundleVerificationError("UNKNOWN_KEY", SIGNATURE_PATH, `the signer ${sig.fingerprint} is not a trusted key (trustKey)`);
      else {
        if (signerStanding.status === "REVOKED") throw new BundleVerificationError("REVOKED_KEY", SIGNATURE_PATH, `the signer ${sig.fingerprint} (${signerStanding.name ?? "?"}) was revoked`);
        if (!verifySignature(signerStanding.publicKey ?? "", manifestBytes, sig.signature)) {
          throw new BundleVerificationError("MANIFEST_CHANGED", MANIFEST_PATH, "the signature does not match the manifest (the manifest or the signature was changed)");
        }
        signer = sig.fingerprint;
        trust = signerStanding.status === "OWN" ? "OWN" : "TRUSTED";
      }
    }
    const expected = new Map<string, { size: number; sha256: string }>();
    for (const a of manifest.artifacts) {
      for (const f of a.files) {
        const path = archivePath(a, f.path);
        if (pathProblem(f.path) || pathProblem(path)) throw new BundleVerificationError("MALFORMED", path, "the manifest lists an unsafe path");
        if (expected.has(path)) throw new BundleVerificationError("MALFORMED", path, "the manifest lists the file twice");
        expected.set(path, f);
      }
    }
    for (const [path, f] of expected) {
      const got = byPath.get(path);
      if (!got) throw new BundleVerificationError("FILE_MISSING", path, "a file the manifest lists is not in the bundle");
      if (got.length !== f.size || sha256(got) !== f.sha256) throw new BundleVerificationError("FILE_CHANGED", path, "the file's size or SHA-256 differs from the manifest's");
    }
    const extra = entries.find((e) => e.path !== MANIFEST_PATH && e.path !== SIGNATURE_PATH && !expected.has(e.path));
    if (extra) throw new BundleVerificationError("FILE_EXTRA", extra.path, "the bundle holds a file the manifest does not list");
    return { result: { file, sha256: sha256(bytes), name: manifest.name, version: manifest.version, createdBy: manifest.createdBy, signer, trust, manifest }, byPath };
  }

  /**
   * Verifies a bundle, then compares each artifact with the collection's artifact of the same key:
   * NEW, IDENTICAL or CONFLICT (with the files that differ). Reads the collection's artifacts and
   * the conflicting ones' files with one statement each; writes nothing.
   */
  async previewImport(file: string, collection: string | null | undefined, options: VerifyOptions): Promise<ImportPreview> {
    return (await this.previewWithFiles(file, collection, options)).preview;
  }

  private async previewWithFiles(file: string, collection: string | null | undefined, options: VerifyOptions, forImport = false): Promise<{ preview: ImportPreview; byPath: Map<string, Buffer>; collectionId: string }> {
    const { result: verification, byPath } = await this.verified(file, options);
    // An import into a fresh instance makes the default collection; a preview only reads.
    const target = forImport ? await this.collections.resolve(collection) : await this.collections.byName(collection ?? "default");
    const existing = await this.artifacts.inCollection(target.id);
    const byKey = new Map(existing.map((a) => [`${a.type}\0${a.name}`, a]));
    const conflicts = verification.manifest.artifacts
      .map((m) => byKey.get(`${m.type}\0${m.name}`))
      .filter((a): a is Artifact => a !== undefined && a.currentVersionId !== null && a.contentHash !== null);
    const versionIds = conflicts.map((a) => a.currentVersionId ?? "");
    const files = new Map(versionIds.map((id, i) => [id, i]));
    const fileLists = versionIds.length > 0 ? await this.content.filesOf(versionIds) : [];
    const items = verification.manifest.artifacts.map((m): ImportPreviewItem => {
      const a = byKey.get(`${m.type}\0${m.name}`);
      if (!a) return { type: m.type, name: m.name, status: "NEW", contentHash: m.contentHash, existingContentHash: null, changes: [] };
      if (a.contentHash === m.contentHash) return { type: m.type, name: m.name, status: "IDENTICAL", contentHash: m.contentHash, existingContentHash: a.contentHash, changes: [] };
      const mine = fileLists[files.get(a.currentVersionId ?? "") ?? -1] ?? [];
      const theirs = new Map(m.files.map((f) => [f.path, f.sha256]));
      const ours = new Map(mine.map((f) => [f.path, f.sha256]));
      const changes: ImportPreviewItem["changes"] = [];
      for (const [path, sha] of theirs) {
        const o = ours.get(path);
        if (o === undefined) changes.push({ path, status: "ADDED" });
        else if (o !== sha) changes.push({ path, status: "MODIFIED" });
      }
      for (const path of ours.keys()) if (!theirs.has(path)) changes.push({ path, status: "REMOVED" });
      changes.sort((x, y) => Buffer.compare(Buffer.from(x.path), Buffer.from(y.path)));
      return { type: m.type, name: m.name, status: "CONFLICT", contentHash: m.contentHash, existingContentHash: a.contentHash, changes };
    });
    return { preview: { verification, collection: target.name, items }, byPath, collectionId: target.id };
  }

  /**
   * Imports a verified bundle into a collection in one transaction: NEW artifacts are created,
   * IDENTICAL ones left alone, and a CONFLICT is resolved by the strategy: MERGE (a new version of
   * the existing artifact), FORK (imported as <name>-<first 8 hex of its content hash>), SKIP, or
   * ASK (`ask` pauses the job with each conflict's diff and resumes with a choice per artifact).
   * The bundled tags are applied to every artifact imported or already identical. Importing the
   * same bundle again changes nothing.
   */
  async importBundle(principal: Principal, input: ImportBundleInput, progress: Progress = async () => {}, ask?: Ask): Promise<ImportBundleResult> {
    const options = { allowUnsigned: input.allowUnsigned === true, allowUnknownSigner: input.allowUnknownSigner === true };
    const { preview, byPath, collectionId } = await this.previewWithFiles(input.file, input.collection, options, true);
    await progress(40, "verified");
    const bundled = (m: ManifestArtifact) => prepare(m.files.map((f) => ({ path: f.path, data: byPath.get(archivePath(m, f.path)) ?? Buffer.alloc(0) })));
    const choices = input.strategy === "ASK" ? await this.askConflicts(preview, bundled, ask) : null;
    const plan = preview.items.map((item, i) => {
      const m = preview.verification.manifest.artifacts[i];
      if (!m) throw new BundleVerificationError("MALFORMED", MANIFEST_PATH, "the manifest changed while importing");
      if (!(ARTIFACT_TYPES as string[]).includes(m.type)) throw new BundleVerificationError("MALFORMED", MANIFEST_PATH, `unknown artifact type ${m.type}`);
      const content = bundled(m);
      if (content.contentHash !== m.contentHash) throw new BundleVerificationError("MALFORMED", MANIFEST_PATH, `the content hash of ${m.type.toLowerCase()}:${m.name} does not match its files`);
      const strategy: ConflictChoice = choices ? (choices.get(conflictKey(m)) ?? "SKIP") : (input.strategy as ConflictChoice);
      let action: ImportBundleResult["items"][number]["action"];
      let name = m.name;
      if (item.status === "NEW") action = "CREATED";
      else if (item.status === "IDENTICAL") action = "UNCHANGED";
      else if (strategy === "SKIP") action = "SKIPPED";
      else if (strategy === "MERGE") action = "MERGED";
      else {
        action = "FORKED";
        name = `${m.name}-${m.contentHash.slice(0, 8)}`;
      }
      return { m, content, action, name };
    });
    const source = `bundle:${preview.verification.name}@${preview.verification.version}`;
    const type = (m: ManifestArtifact) => m.type as (typeof ARTIFACT_TYPES)[number];
    const stored = await this.db.transaction(async ({ prisma: tx }) => {
      const out: { artifact: Artifact; created: boolean; unchanged: boolean; revision: number }[] = [];
      for (const p of plan) {
        if (p.action === "SKIPPED") continue;
        if (p.action === "UNCHANGED") {
          // Same content: only the bundled tags, which an earlier import may not have applied.
          const existing = await tx.artifact.findUnique({ where: { collectionId_type_name: { collectionId, type: type(p.m), name: p.name } }, select: { id: true } });
          if (existing && p.m.tags.length > 0) {
            // Tag links are in the collection's manifest: its revision advances first.
            await this.artifacts.touch(tx, existing.id, collectionId);
            await this.tags.attachByNames(tx, existing.id, p.m.tags, `manifest.artifacts.${conflictKey(p.m)}.tags`);
          }
          continue;
        }
        const { artifact, created, revision } = await this.artifacts.upsertInTransaction(tx, { collectionId, type: type(p.m), name: p.name, origin: "MARKETPLACE", metadata: { ...p.m.metadata, version: p.m.version } });
        out.push({ ...(await this.content.storeVersion(tx, artifact, created, p.content, { sourceRef: source, commit: null, createdBy: principal.name })), revision });
        if (p.m.tags.length > 0) await this.tags.attachByNames(tx, artifact.id, p.m.tags, `manifest.artifacts.${conflictKey(p.m)}.tags`);
      }
      return out;
    }, { timeoutMs: 60_000 });
    for (const s of stored) if (!s.unchanged || s.created) this.artifacts.announce(s.created ? "ADDED" : "UPDATED", s.artifact, s.revision);
    if (plan.some((p) => p.action !== "SKIPPED" && p.m.tags.length > 0)) this.artifacts.collectionChanged(null);
    await progress(100, "imported");
    return {
      bundle: preview.verification.name,
      version: preview.verification.version,
      collection: preview.collection,
      items: plan.map((p) => ({ type: p.m.type, name: p.name, action: p.action })),
    };
  }

  /** ASK: the conflicts with their diffs, asked once per bundle and collection; the answer's choice per artifact. */
  private async askConflicts(preview: ImportPreview, bundled: (m: ManifestArtifact) => ReturnType<typeof prepare>, ask: Ask | undefined): Promise<Map<string, ConflictChoice>> {
    const conflicting = preview.items.flatMap((item, i) => {
      const m = preview.verification.manifest.artifacts[i];
      return item.status === "CONFLICT" && m ? [{ item, m }] : [];
    });
    if (conflicting.length === 0) return new Map();
    if (!ask) throw new InvalidInputError("strategy", "ASK needs a person to answer: run the import as a job (importBundle)");
    const target = await this.collections.byName(preview.collection);
    const existing = await this.artifacts.inCollection(target.id);
    const conflicts: AskConflict[] = [];
    for (const { item, m } of conflicting) {
      const here = existing.find((a) => a.type === m.type && a.name === m.name);
      const mine = here?.currentVersionId ? await this.content.versionData(here.currentVersionId) : [];
      conflicts.push({ key: conflictKey(m), type: m.type, name: m.name, existingContentHash: item.existingContentHash, contentHash: m.contentHash, files: diffTrees(mine, bundled(m).files, "here", "bundle") });
    }
    const bundle = `${preview.verification.name}@${preview.verification.version}`;
    const answer = await ask(`import:${preview.verification.sha256}:${preview.collection}`, askPrompt(bundle, preview.collection, conflicts));
    return parseAskAnswer(answer, conflicts);
  }

  /**
   * importBundle(source: {url}): downloads a bundle (size limit, timeout), verifies it in memory,
   * and only then keeps it in the bundles folder as <name>-<version>-<first 12 hex of its SHA-256>.skillmeat-pack
   * (an identical file is kept as it is). Returns that file's name. A refused bundle writes nothing.
   */
  /**
   * Checks an import's source URL before the job is queued: http(s), no credentials, and not an
   * address of the server's own network unless SKILLGRAPH_OUTBOUND_ALLOW lists it (a name is
   * checked again on every address it resolves to when the job connects).
   */
  checkSource(url: string, field = "source.url"): URL {
    const u = checkBundleUrl(url, field);
    try {
      this.outboundPolicy.checkLiteral(u);
    } catch (err) {
      if (err instanceof OutboundRefusedError) throw new InvalidInputError(field, `must not point into the server's own network: ${err.message}`);
      throw err;
    }
    return u;
  }

  async receive(url: string, options: { allowUnsigned: boolean }, signal?: AbortSignal): Promise<string> {
    this.checkSource(url);
    const bytes = await downloadBundle(url, { maxBytes: this.config.maxBundleBytes, timeoutMs: this.config.downloadTimeoutMs, fetch: this.outbound }, signal);
    const verified = await this.verifyBytes(bytes, "(download)", options);
    const stem = NAME.test(verified.name) && VERSION.test(verified.version) ? `${verified.name}-${verified.version}` : "download";
    const file = `${stem}-${verified.sha256.slice(0, 12)}${BUNDLE_EXTENSION}`;
    const existing = await this.readBundle(file).catch(() => null);
    if (!existing || sha256(existing) !== verified.sha256) await writeFileAtomic(join(this.config.bundlesDir, file), bytes);
    return file;
  }
}
