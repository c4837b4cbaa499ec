// Vaults (owns the Vault table): named places bundles are pushed to and pulled from: a folder under
// SKILLGRAPH_VAULT_ROOTS, a branch of a git repository, or an S3-compatible bucket. Settings are
// stored as they are; credentials (S3's access key pair) are sealed with the MCP secret box (the
// row id as additional data) and never returned or logged. Every bundle is verified on the way in
// and out: push sends only a bundle that verifies here; pull stores only one that does.
import { join } from "node:path";
import { z } from "zod";
import type { Config } from "../../config.js";
import type { Database } from "../../db/index.js";
import type { Prisma, Vault } from "../../generated/prisma/client.js";
import { writeFileAtomic } from "../../lib/atomic-file.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { Principal } from "../../lib/principal.js";
import { git, gitRefProblem, localPathOf, sha256 } from "../content/index.js";
import { requireSecretBox, type SecretBox } from "../mcp/index.js";
import type { SharingConfig } from "./config.js";
import { BundleVerificationError, type BundleProblem } from "./errors.js";
import type { Standing } from "./keys.js";
import { NAME, VERSION } from "./manifest.js";
import type { Progress, SharingService, VerifyResult } from "./service.js";
import { GitVaultStore } from "./vault-git.js";
import { S3VaultStore, type S3Credentials, type S3VaultConfig } from "./vault-s3.js";
import { FolderVaultStore, underRoots, vaultKey, type VaultStore } from "./vault-store.js";

export type VaultKind = "FOLDER" | "GIT" | "S3";

export interface CreateVaultInput {
  name: string;
  /** Exactly one of folder, git, s3. */
  folder?: { path: string } | null;
  git?: { url: string; branch?: string | null } | null;
  s3?: { endpoint?: string | null; region?: string | null; bucket: string; prefix?: string | null; forcePathStyle?: boolean | null; accessKeyId?: string | null; secretAccessKey?: string | null } | null;
}

/** The non-secret settings stored in Vault.config. */
export type VaultConfig = { path: string } | { url: string; branch: string } | S3VaultConfig;

/** One bundle found in a vault, checked as import would check it. */
export interface VaultBundle {
  vault: string;
  name: string;
  version: string;
  size: number;
  /** SHA-256 of the file; null when it was over the size limit and not read. */
  sha256: string | null;
  pushedAt: Date | null;
  /** The verified signer's fingerprint; null when unsigned or refused. */
  signer: string | null;
  trust: VerifyResult["trust"] | null;
  /** Why it would be refused on pull; null when it verifies. */
  problem: BundleProblem | null;
  problemMessage: string | null;
}

export interface PushResult {
  vault: string;
  name: string;
  version: string;
  /** Where it is in the vault: <name>/<version>.skillmeat-pack. */
  key: string;
  sha256: string;
  size: number;
  signer: string | null;
}

export interface PullResult {
  vault: string;
  /** The file written in the bundles folder (import it with importBundle). */
  file: string;
  name: string;
  version: string;
  sha256: string;
  size: number;
  signer: string | null;
  trust: VerifyResult["trust"];
}

// The stored shapes of Vault.config and of the sealed credentials.
const folderConfig = z.object({ path: z.string() });
const gitConfig = z.object({ url: z.string(), branch: z.string() });
const s3Config = z.object({ endpoint: z.string().nullable(), region: z.string(), bucket: z.string(), prefix: z.string(), forcePathStyle: z.boolean() });
const s3Credentials = z.object({ accessKeyId: z.string(), secretAccessKey: z.string() });

const aadOf = (id: string) => `vault\u0000${id}`;
const noProgress: Progress = async () => {};

export class VaultService {
  private readonly secretBox: () => SecretBox;

  constructor(
    private readonly db: Database,
    private readonly sharing: SharingService,
    private readonly config: SharingConfig,
    appConfig: Config,
    private readonly logger: Logger,
  ) {
    this.secretBox = requireSecretBox(appConfig, logger);
  }

  /** The vaults by name; `query` carries the page and selection (Pothos' Prisma plugin). */
  list(query: Pick<Prisma.VaultFindManyArgs, "select" | "take" | "skip" | "cursor"> = {}): Promise<Vault[]> {
    return this.db.prisma.vault.findMany({ ...query, orderBy: [{ name: "asc" }, { id: "asc" }] });
  }

  count(): Promise<number> {
    return this.db.prisma.vault.count();
  }

  async byName(name: string, field = "vault"): Promise<Vault> {
    if (name.length > 100) throw new InvalidInputError(field, "must be at most 100 characters");
    const row = await this.db.prisma.vault.findUnique({ where: { name } });
    if (!row) throw new NotFoundError("Vault", name);
    return row;
  }

  /** Checks a createVault input and returns what is stored: kind, settings, credentials (not yet sealed). */
  async check(input: CreateVaultInput): Promise<{ kind: VaultKind; config: VaultConfig; credentials: S3Credentials | null }> {
    if (!NAME.test(input.name)) throw new InvalidInputError("input.name", "must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
    const given = [input.folder, input.git, input.s3].filter((v) => v !== null && v !== undefined);
    if (given.length !== 1) throw new InvalidInputError("input", "give exactly one of folder, git or s3");
    if (input.folder) {
      if (!input.folder.path.startsWith("/")) throw new InvalidInputError("input.folder.path", "must be an absolute path");
      return { kind: "FOLDER", config: { path: await underRoots(input.folder.path, this.config.vaultRoots, "input.folder.path") }, credentials: null };
    }
    if (input.git) {
      const url = input.git.url.trim();
      if (url === "" || url.length > 2000) throw new InvalidInputError("input.git.url", "must be 1 to 2000 characters");
      if (url.startsWith("-")) throw new InvalidInputError("input.git.url", "must not start with -");
      if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url)) throw new InvalidInputError("input.git.url", "must not hold a password (it would be stored and shown in clear); use a URL without credentials, or ssh keys on the server");
      if (/^ext::/i.test(url)) throw new InvalidInputError("input.git.url", "ext:: URLs run commands and are refused");
      const local = localPathOf(url);
      if (local !== null) await underRoots(local, this.config.vaultRoots, "input.git.url");
      const branch = input.git.branch ?? "main";
      const problem = gitRefProblem(branch) ?? (await git(["check-ref-format", `refs/heads/${branch}`]).then(() => null, () => "is not a valid branch name"));
      if (problem) throw new InvalidInputError("input.git.branch", problem);
      return { kind: "GIT", config: { url, branch }, credentials: null };
    }
    const s3 = input.s3 ?? { bucket: "" };
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s3.bucket)) throw new InvalidInputError("input.s3.bucket", "must be a bucket name: 3 to 63 lowercase letters, digits, '.' or '-'");
    const region = s3.region ?? "us-east-1";
    if (!/^[a-z0-9-]{1,32}$/.test(region)) throw new InvalidInputError("input.s3.region", "must be 1 to 32 lowercase letters, digits or '-' (e.g. us-east-1)");
    let endpoint: string | null = null;
    if (s3.endpoint) {
      let u: URL;
      try {
        u = new URL(s3.endpoint);
      } catch {
        throw new InvalidInputError("input.s3.endpoint", "must be an http:// or https:// URL");
      }
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new InvalidInputError("input.s3.endpoint", "must be an http:// or https:// URL");
      if (u.username || u.password) throw new InvalidInputError("input.s3.endpoint", "must not hold credentials (give accessKeyId and secretAccessKey)");
      endpoint = u.toString().replace(/\/$/, "");
    }
    let prefix = (s3.prefix ?? "").replace(/^\/+/, "");
    if (prefix !== "" && !prefix.endsWith("/")) prefix += "/";
    if (prefix.length > 512 || !/^[A-Za-z0-9._\-/]*$/.test(prefix) || prefix.split("/").slice(0, -1).some((s) => s === "" || s === "." || s === "..")) {
      throw new InvalidInputError("input.s3.prefix", "must be up to 512 letters, digits, '.', '_', '-' and '/' with no empty, . or .. segments");
    }
    const hasId = Boolean(s3.accessKeyId);
    if (hasId !== Boolean(s3.secretAccessKey)) throw new InvalidInputError(hasId ? "input.s3.secretAccessKey" : "input.s3.accessKeyId", "give both accessKeyId and secretAccessKey, or neither");
    if ((s3.accessKeyId?.length ?? 0) > 256 || (s3.secretAccessKey?.length ?? 0) > 256) throw new InvalidInputError("input.s3.secretAccessKey", "must be at most 256 characters");
    const credentials = s3.accessKeyId && s3.secretAccessKey ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } : null;
    return { kind: "S3", config: { endpoint, region, bucket: s3.bucket, prefix, forcePathStyle: s3.forcePathStyle ?? false }, credentials };
  }

  /** Admin: a new vault; its credentials are sealed in the same transaction. */
  async create(principal: Principal, input: CreateVaultInput): Promise<Vault> {
    const { kind, config, credentials } = await this.check(input);
    if (await this.db.prisma.vault.findUnique({ where: { name: input.name }, select: { id: true } })) throw new AlreadyExistsError("Vault", "name", input.name);
    const box = credentials ? this.secretBox() : null;
    const row = await this.db.transaction(async ({ prisma: tx }) => {
      const created = await tx.vault.create({ data: { name: input.name, kind, config: { ...config }, createdBy: principal.name } });
      if (!box || !credentials) return created;
      return tx.vault.update({ where: { id: created.id }, data: { sealedCredentials: box.seal(JSON.stringify(credentials), aadOf(created.id)) } });
    });
    this.logger.info("created a vault", { vault: row.name, kind: row.kind, credentials: credentials !== null });
    return row;
  }

  /** Admin: forgets a vault (what it holds is left where it is). */
  async remove(name: string): Promise<Vault> {
    const row = await this.byName(name, "name");
    await this.db.prisma.vault.delete({ where: { id: row.id } });
    this.logger.info("removed a vault", { vault: row.name });
    return row;
  }

  /** The store behind a vault, with its credentials unsealed in memory. */
  private store(v: Vault): VaultStore {
    const max = this.config.maxBundleBytes;
    if (v.kind === "FOLDER") return new FolderVaultStore(v.name, folderConfig.parse(v.config).path, this.config.vaultRoots, max);
    if (v.kind === "GIT") {
      const { url, branch } = gitConfig.parse(v.config);
      return new GitVaultStore(v.name, url, branch, max);
    }
    const credentials = v.sealedCredentials ? s3Credentials.parse(JSON.parse(this.secretBox().open(v.sealedCredentials, aadOf(v.id)))) : null;
    return new S3VaultStore(v.name, s3Config.parse(v.config), credentials, max);
  }

  /** A GIT vault on a local path must still be under SKILLGRAPH_VAULT_ROOTS (the roots may have changed). */
  private async recheck(v: Vault): Promise<void> {
    if (v.kind !== "GIT") return;
    const local = localPathOf(gitConfig.parse(v.config).url);
    if (local !== null) await underRoots(local, this.config.vaultRoots, "vault");
  }

  /** Checks a push before it is queued (again in the job). */
  async checkPush(vault: string, bundle: string): Promise<void> {
    await this.byName(vault);
    await this.sharing.checkBundle(bundle);
  }

  /** Verifies a bundle of the bundles folder and writes it into the vault as <name>/<version>.skillmeat-pack. */
  async push(input: { vault: string; bundle: string; allowUnsigned?: boolean | null }, progress: Progress = noProgress): Promise<PushResult> {
    const v = await this.byName(input.vault);
    await this.recheck(v);
    const bytes = await this.sharing.readBundle(input.bundle);
    const verified = await this.sharing.verifyBytes(bytes, input.bundle, { allowUnsigned: input.allowUnsigned === true });
    await progress(30, `verified ${verified.name} ${verified.version}; writing to ${v.name}`);
    await this.store(v).put(verified.name, verified.version, bytes);
    await progress(100, `pushed ${vaultKey(verified.name, verified.version)}`);
    return { vault: v.name, name: verified.name, version: verified.version, key: vaultKey(verified.name, verified.version), sha256: verified.sha256, size: bytes.length, signer: verified.signer };
  }

  /** Checks a pull before it is queued (again in the job); returns the vault. */
  async checkPull(vault: string, name: string, version: string): Promise<Vault> {
    if (!NAME.test(name)) throw new InvalidInputError("name", "must be 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
    if (!VERSION.test(version)) throw new InvalidInputError("version", "must be 1 to 64 letters, digits, '.', '+', '_' or '-', starting with a letter or digit");
    return this.byName(vault);
  }

  /** Reads <name>/<version> from the vault, verifies it as import does, and stores it in the bundles folder. */
  async pull(input: { vault: string; name: string; version: string; allowUnsigned?: boolean | null }, progress: Progress = noProgress): Promise<PullResult> {
    const v = await this.checkPull(input.vault, input.name, input.version);
    await this.recheck(v);
    await progress(10, `reading ${vaultKey(input.name, input.version)} from ${v.name}`);
    const bytes = await this.store(v).get(input.name, input.version);
    if (!bytes) throw new NotFoundError("Bundle", `${v.name}:${vaultKey(input.name, input.version)}`);
    await progress(60, "verifying");
    const file = this.sharing.fileName(input.name, input.version);
    const verified = await this.sharing.verifyBytes(bytes, file, { allowUnsigned: input.allowUnsigned === true });
    if (verified.name !== input.name || verified.version !== input.version) {
      throw new BundleVerificationError("MALFORMED", "manifest.json", `the manifest names ${verified.name} ${verified.version}, not ${input.name} ${input.version}`);
    }
    await writeFileAtomic(join(this.config.bundlesDir, file), bytes);
    await progress(100, `stored ${file}`);
    return { vault: v.name, file, name: verified.name, version: verified.version, sha256: verified.sha256, size: bytes.length, signer: verified.signer, trust: verified.trust };
  }

  /** What is in the vault now (read from it), each bundle verified; `standing` is a preloaded key ring (keys.ring()). */
  async bundles(v: Vault, standing?: Standing): Promise<VaultBundle[]> {
    await this.recheck(v);
    const ring = standing ?? (await this.sharing.keys.ring());
    const out: VaultBundle[] = [];
    for (const e of await this.store(v).list()) {
      const base = { vault: v.name, name: e.name, version: e.version, size: e.size, pushedAt: e.pushedAt };
      if (!e.data) {
        out.push({ ...base, sha256: null, signer: null, trust: null, problem: "MALFORMED", problemMessage: `the bundle is ${e.size} bytes, over SKILLGRAPH_BUNDLE_MAX_BYTES` });
        continue;
      }
      // The verification hashes the bytes; only a bundle that fails it is hashed here.
      try {
        const r = await this.sharing.verifyBytes(e.data, vaultKey(e.name, e.version), { allowUnsigned: true }, ring);
        if (r.name !== e.name || r.version !== e.version) throw new BundleVerificationError("MALFORMED", "manifest.json", `the manifest names ${r.name} ${r.version}, not ${e.name} ${e.version}`);
        out.push({ ...base, sha256: r.sha256, signer: r.signer, trust: r.trust, problem: null, problemMessage: null });
      } catch (err) {
        if (!(err instanceof BundleVerificationError)) throw err;
        out.push({ ...base, sha256: sha256(e.data), signer: null, trust: null, problem: err.problem, problemMessage: err.message });
      }
    }
    return out;
  }
}
