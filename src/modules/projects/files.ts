// Reading and writing inside a project folder: every path is checked component by component
// (lstat, no symlink anywhere from the project folder down), writes go through the atomic write
// (aside, fsync, rename, fsync the folder), and a set of changes is all-or-nothing: when one
// fails, the ones already made are put back and the folders made for them removed. A checker
// (pathChecker, or a FolderCache for hashing) lstats each folder once per operation, so 1,000 files
// in 100 folders cost about 1,100 lstats rather than 5,000; a set of writes is staged in parallel
// and each folder fsynced once.
import type { Stats } from "node:fs";
import { lstatSync, readFileSync } from "node:fs";
import { lstat, mkdir, readFile, rm, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { commitStaged, discardStaged, stageFile, syncDirs, writeFileAtomic, type StagedFile } from "../../lib/atomic-file.js";
import { safeRelative, sha256 } from "../content/index.js";
import { ProjectPathError } from "./errors.js";

/** Files staged or read at once (each holds a descriptor while it works). */
const PARALLEL = 32;

async function lstatOrNull(abs: string): Promise<Stats | null> {
  try {
    return await lstat(abs);
  } catch {
    return null;
  }
}

/** A path under the project folder, checked, with its own lstat (null: absent). */
export interface CheckedPath {
  abs: string;
  stat: Stats | null;
}

/**
 * Checks paths under `root` (a real path): inside it, no symlink on the way or at the end. Each
 * folder on the way is lstat-ed once per checker (make one per operation: a folder that appears
 * later is seen by the next operation's checker).
 */
export function pathChecker(root: string): (rel: string) => Promise<CheckedPath> {
  const folders = new Map<string, Promise<Stats | null>>();
  return async (rel) => {
    if (!safeRelative(rel)) throw new ProjectPathError(rel, "path.inside-root", "escapes the project folder");
    const parts = rel.split("/");
    let at = "";
    for (const p of parts.slice(0, -1)) {
      at = at ? `${at}/${p}` : p;
      let st = folders.get(at);
      if (!st) {
        st = lstatOrNull(join(root, at));
        folders.set(at, st);
      }
      const s = await st;
      if (s?.isSymbolicLink()) throw new ProjectPathError(rel, "path.no-symlinks", "has a symlink on its way; symlinks are refused");
      if (!s) return { abs: join(root, ...parts), stat: null }; // the rest does not exist yet
    }
    const abs = join(root, ...parts);
    const stat = await lstatOrNull(abs);
    if (stat?.isSymbolicLink()) throw new ProjectPathError(rel, "path.no-symlinks", "has a symlink on its way; symlinks are refused");
    return { abs, stat };
  };
}

/** `rel` under the project folder `root` (a real path), refusing symlinks on the way. */
export async function checkedPath(root: string, rel: string): Promise<string> {
  return (await pathChecker(root)(rel)).abs;
}

async function readChecked(c: CheckedPath): Promise<Buffer | null> {
  if (!c.stat?.isFile()) return null;
  try {
    return await readFile(c.abs);
  } catch {
    return null;
  }
}

/** The file's bytes, or null when it is absent (or not a regular file). */
export async function readIfFile(root: string, rel: string, check = pathChecker(root)): Promise<Buffer | null> {
  return readChecked(await check(rel));
}

/** Runs fn over items, at most `limit` at a time; results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Folders seen by a scan (relative path → lstat, null when absent): share one per scan. */
export type FolderCache = Map<string, Stats | null>;

function lstatSyncOrNull(abs: string): Stats | null {
  try {
    return lstatSync(abs);
  } catch {
    return null;
  }
}

/** `rel` checked like pathChecker, synchronously, with a shared folder cache: its absolute path and lstat (null: absent). */
function inspectSync(root: string, rel: string, folders: FolderCache): CheckedPath {
  if (!safeRelative(rel)) throw new ProjectPathError(rel, "path.inside-root", "escapes the project folder");
  const parts = rel.split("/");
  const abs = join(root, ...parts);
  let at = "";
  for (const p of parts.slice(0, -1)) {
    at = at ? `${at}/${p}` : p;
    let st = folders.get(at);
    if (st === undefined) {
      st = lstatSyncOrNull(join(root, at));
      folders.set(at, st);
    }
    if (st?.isSymbolicLink()) throw new ProjectPathError(rel, "path.no-symlinks", "has a symlink on its way; symlinks are refused");
    if (!st) return { abs, stat: null };
  }
  const stat = lstatSyncOrNull(abs);
  if (stat?.isSymbolicLink()) throw new ProjectPathError(rel, "path.no-symlinks", "has a symlink on its way; symlinks are refused");
  return { abs, stat };
}

function readSync(c: CheckedPath): Buffer | null {
  if (!c.stat?.isFile()) return null;
  try {
    return readFileSync(c.abs);
  } catch {
    return null;
  }
}

/** One file's sha256; null when absent, refused or not a regular file. */
function hashChecked(root: string, rel: string, folders: FolderCache): string | null {
  try {
    const data = readSync(inspectSync(root, rel, folders));
    return data ? sha256(data) : null;
  } catch {
    return null;
  }
}

/** Runs fn over items synchronously in batches of HASH_BATCH, yielding to the event loop between batches. */
async function inBatches<T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += HASH_BATCH) {
    if (i > 0) await new Promise<void>((r) => setImmediate(r));
    for (const item of items.slice(i, i + HASH_BATCH)) out.push(fn(item));
  }
  return out;
}

/** Files hashed between two yields to the event loop. */
const HASH_BATCH = 64;

/**
 * Each file's sha256 on disk (null when absent, refused or not a regular file). Read and hashed
 * synchronously in batches of HASH_BATCH, yielding to the event loop between batches: a scan of
 * 1,000 small files is bound by per-call overhead (a promise, a thread-pool hop and a callback per
 * lstat, open, fstat, read and close), not by the disk.
 */
export async function hashesOnDisk(root: string, rels: readonly string[], folders: FolderCache = new Map()): Promise<Map<string, string | null>> {
  const hashes = await inBatches(rels, (rel) => hashChecked(root, rel, folders));
  return new Map(rels.map((rel, i) => [rel, hashes[i] ?? null]));
}

export interface Change {
  rel: string;
  /** The new bytes, or null to delete the file. */
  data: Uint8Array | null;
}

/** Makes the folders on the way to `rel` that are missing; returns the ones made, outermost first. `known`: folders seen to exist. */
async function makeParents(root: string, rel: string, known: Set<string>): Promise<string[]> {
  const parts = rel.split("/").slice(0, -1);
  const made: string[] = [];
  let at = "";
  for (const p of parts) {
    at = at ? `${at}/${p}` : p;
    if (known.has(at)) continue;
    if (!(await lstatOrNull(join(root, at)))) {
      await mkdir(join(root, at));
      made.push(at);
    }
    known.add(at);
  }
  return made;
}

/** Removes the folders (relative) that are empty, deepest first; others stay. */
export async function removeEmptyDirs(root: string, dirs: readonly string[]): Promise<void> {
  const sorted = [...new Set(dirs)].sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? 1 : -1));
  for (const d of sorted) await rmdir(join(root, d)).catch(() => undefined);
}

/** An error naming the change it happened at. */
class ChangeFailed extends Error {
  constructor(
    readonly rel: string,
    readonly reason: unknown,
  ) {
    super(rel);
  }
}

/**
 * Applies every change or none: the new files are staged aside (fsynced, in parallel), then each
 * is renamed into place (deletions in order with them) and each folder written to is fsynced once.
 * On a failure the files changed so far get their old bytes back (or are removed), staged files
 * are discarded and the folders made are removed. Returns the folders made.
 */
export async function applyChanges(root: string, changes: readonly Change[]): Promise<string[]> {
  const folders: FolderCache = new Map();
  const checked = await inBatches(changes, (c) => {
    const at = inspectSync(root, c.rel, folders);
    return { ...c, abs: at.abs, old: readSync(at) };
  });
  const done: typeof checked = [];
  const madeDirs: string[] = [];
  const staged = new Map<string, StagedFile>();
  try {
    const known = new Set<string>();
    for (const c of checked) {
      if (c.data === null) continue;
      try {
        madeDirs.push(...(await makeParents(root, c.rel, known)));
      } catch (err) {
        throw new ChangeFailed(c.rel, err);
      }
    }
    const writes = checked.filter((c) => c.data !== null);
    // Every write is tried (so every staged file is known and can be discarded); the first failure in order is reported.
    const failures = await mapLimit(writes, PARALLEL, async (c) => {
      try {
        staged.set(c.rel, await stageFile(c.abs, c.data ?? new Uint8Array(), 0o644, false));
        return null;
      } catch (err) {
        return new ChangeFailed(c.rel, err);
      }
    });
    const failed = failures.find((f) => f !== null);
    if (failed) throw failed;
    // Renames and deletions in parallel; the ones that succeeded are known for the undo.
    const commitFailures = await mapLimit(checked, PARALLEL, async (c) => {
      try {
        if (c.data === null) {
          if (c.old !== null) await rm(c.abs, { force: true });
        } else {
          const s = staged.get(c.rel);
          staged.delete(c.rel);
          if (s) await commitStaged(s);
        }
        done.push(c);
        return null;
      } catch (err) {
        return new ChangeFailed(c.rel, err);
      }
    });
    const commitFailed = commitFailures.find((f) => f !== null);
    if (commitFailed) throw commitFailed;
    await syncDirs(writes.map((c) => dirname(c.abs)));
  } catch (err) {
    await Promise.all([...staged.values()].map((s) => discardStaged(s).catch(() => undefined)));
    for (const c of done.reverse()) {
      if (c.old === null) await rm(c.abs, { force: true }).catch(() => undefined);
      else await writeFileAtomic(c.abs, c.old).catch(() => undefined);
    }
    await removeEmptyDirs(root, madeDirs);
    const at = err instanceof ChangeFailed ? err.rel : ".";
    const cause = err instanceof ChangeFailed ? err.reason : err;
    if (cause instanceof ProjectPathError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code ?? "error";
    throw new ProjectPathError(at, "write.failed", `could not be written (${code}); every change was undone`);
  }
  return madeDirs;
}
