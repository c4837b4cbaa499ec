// Where a vault keeps bundles: one file per bundle at <name>/<version>.skillmeat-pack, in a folder
// (here), a git branch (vault-git.ts) or an S3 bucket under a prefix (vault-s3.ts). Each store only
// moves bytes; vaults.ts verifies them.
import { constants } from "node:fs";
import { lstat, mkdir, open, readdir, realpath } from "node:fs/promises";
import { join, sep } from "node:path";
import { writeFileAtomic } from "../../lib/atomic-file.js";
import { DomainError, InvalidInputError } from "../../lib/errors.js";
import { BUNDLE_EXTENSION, NAME, VERSION } from "./manifest.js";

/** A vault cannot be reached or refused the operation (the message never holds credentials). */
export class VaultError extends DomainError {
  override name = "VaultError";
  constructor(
    readonly vault: string,
    detail: string,
  ) {
    super(`The vault "${vault}" failed: ${detail}.`);
  }
}

/** One bundle file found in a vault, with its bytes (null when it is over the size limit). */
export interface VaultEntry {
  name: string;
  version: string;
  size: number;
  /** When it was last written: the file's mtime, the last commit touching it, the object's LastModified. */
  pushedAt: Date | null;
  data: Buffer | null;
}

export interface VaultStore {
  /** Writes <name>/<version>.skillmeat-pack (replacing what was there). */
  put(name: string, version: string, bytes: Buffer): Promise<void>;
  /** Its bytes; null when the vault holds no such bundle. */
  get(name: string, version: string): Promise<Buffer | null>;
  /** Every bundle file in the vault (files not named <name>/<version>.skillmeat-pack are ignored). */
  list(): Promise<VaultEntry[]>;
}

/** The path of a bundle inside a vault. */
export const vaultKey = (name: string, version: string) => `${name}/${version}${BUNDLE_EXTENSION}`;

/** A vault path's bundle name and version; null for any other file. */
export function parseVaultKey(key: string): { name: string; version: string } | null {
  const parts = key.split("/");
  if (parts.length !== 2) return null;
  const [name = "", file = ""] = parts;
  if (!file.endsWith(BUNDLE_EXTENSION)) return null;
  const version = file.slice(0, -BUNDLE_EXTENSION.length);
  return NAME.test(name) && VERSION.test(version) ? { name, version } : null;
}

/** A file's bytes, refusing a symlink at the last step (O_NOFOLLOW) and anything over maxBytes (null then). */
export async function readRegular(path: string, maxBytes: number): Promise<{ data: Buffer | null; size: number; mtime: Date } | null> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "ELOOP") throw new Error("is a symlink");
    throw err;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new Error("is not a regular file");
    return { data: st.size > maxBytes ? null : await fh.readFile(), size: st.size, mtime: st.mtime };
  } finally {
    await fh.close();
  }
}

export const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

/** The real folder of a path under one of the operator's roots (symlinks resolved on both sides); `field` names the input. */
export async function underRoots(path: string, roots: readonly string[], field: string): Promise<string> {
  if (roots.length === 0) throw new InvalidInputError(field, "local vaults are off: the operator allows no folder (SKILLGRAPH_VAULT_ROOTS)");
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new InvalidInputError(field, "must be an existing folder inside SKILLGRAPH_VAULT_ROOTS");
  }
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => null);
    if (realRoot !== null && inside(realRoot, real) && real !== realRoot) return real;
  }
  throw new InvalidInputError(field, "must be a folder inside one of the folders SKILLGRAPH_VAULT_ROOTS allows (symlinks are resolved before the check)");
}

/** A FOLDER vault: <folder>/<name>/<version>.skillmeat-pack; nothing is read or written through a symlink. */
export class FolderVaultStore implements VaultStore {
  constructor(
    private readonly vault: string,
    private readonly path: string,
    private readonly roots: readonly string[],
    private readonly maxBytes: number,
  ) {}

  /** The vault's real folder, checked against the roots again on every use (they may have changed). */
  private async base(): Promise<string> {
    try {
      return await underRoots(this.path, this.roots, "config.path");
    } catch (err) {
      if (err instanceof InvalidInputError) throw new VaultError(this.vault, `its folder ${err.message.replace(/^config\.path: /, "")}`);
      throw err;
    }
  }

  /** A bundle's folder under base: a real folder, not a symlink, inside base. */
  private async folder(base: string, name: string, create: boolean): Promise<string | null> {
    const dir = join(base, name);
    if (create) await mkdir(dir, { recursive: true });
    const st = await lstat(dir).catch(() => null);
    if (!st) return null;
    if (!st.isDirectory()) throw new VaultError(this.vault, `${name} is not a plain folder (symlinks are refused)`);
    return dir;
  }

  private async file(path: string, label: string, read = true): Promise<{ data: Buffer | null; size: number; mtime: Date } | null> {
    try {
      return await readRegular(path, read ? this.maxBytes : -1);
    } catch (err) {
      if (err instanceof Error && /symlink|regular/.test(err.message)) throw new VaultError(this.vault, `${label} is not a regular file (symlinks are refused)`);
      throw err;
    }
  }

  async put(name: string, version: string, bytes: Buffer): Promise<void> {
    const base = await this.base();
    const dir = await this.folder(base, name, true);
    if (!dir) throw new VaultError(this.vault, `could not create ${name}/`);
    const target = join(dir, `${version}${BUNDLE_EXTENSION}`);
    await this.file(target, vaultKey(name, version), false);
    // rename replaces a directory entry and never follows it.
    await writeFileAtomic(target, bytes);
  }

  async get(name: string, version: string): Promise<Buffer | null> {
    const base = await this.base();
    const dir = await this.folder(base, name, false);
    if (!dir) return null;
    const target = join(dir, `${version}${BUNDLE_EXTENSION}`);
    const st = await this.file(target, vaultKey(name, version));
    if (!st) return null;
    if (!st.data) throw new VaultError(this.vault, `${vaultKey(name, version)} is ${st.size} bytes, over SKILLGRAPH_BUNDLE_MAX_BYTES`);
    return st.data;
  }

  async list(): Promise<VaultEntry[]> {
    const base = await this.base();
    const out: VaultEntry[] = [];
    const names = (await readdir(base, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    for (const name of names) {
      for (const f of (await readdir(join(base, name), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        // Only regular files: a symlink named like a bundle is not followed.
        if (!f.isFile()) continue;
        const key = parseVaultKey(`${name}/${f.name}`);
        if (!key) continue;
        const st = await this.file(join(base, name, f.name), `${name}/${f.name}`);
        if (st) out.push({ ...key, size: st.size, pushedAt: st.mtime, data: st.data });
      }
    }
    return out;
  }
}
