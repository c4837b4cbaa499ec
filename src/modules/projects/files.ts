// Reading and writing inside a project folder: every path is checked component by component
// (lstat, no symlink anywhere from the project folder down), writes go through the content
// module's atomic write (aside, fsync, rename), and a set of changes is all-or-nothing: when one
// fails, the ones already made are put back and the folders made for them removed.
import { lstat, mkdir, readFile, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../lib/atomic-file.js";
import { safeRelative, sha256 } from "../content/index.js";
import { ProjectPathError } from "./errors.js";

/** `rel` under the project folder `root` (a real path), refusing symlinks on the way. */
export async function checkedPath(root: string, rel: string): Promise<string> {
  if (!safeRelative(rel)) throw new ProjectPathError(rel, "path.inside-root", "escapes the project folder");
  const parts = rel.split("/");
  let at = root;
  for (const p of parts) {
    at = join(at, p);
    try {
      const st = await lstat(at);
      if (st.isSymbolicLink()) throw new ProjectPathError(rel, "path.no-symlinks", "has a symlink on its way; symlinks are refused");
    } catch (err) {
      if (err instanceof ProjectPathError) throw err;
      break; // the rest does not exist yet
    }
  }
  return join(root, ...parts);
}

/** The file's bytes, or null when it is absent (or not a regular file). */
export async function readIfFile(root: string, rel: string): Promise<Buffer | null> {
  const abs = await checkedPath(root, rel);
  try {
    const st = await lstat(abs);
    if (!st.isFile()) return null;
    return await readFile(abs);
  } catch {
    return null;
  }
}

/** Each file's sha256 on disk (null when absent). */
export async function hashesOnDisk(root: string, rels: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  await Promise.all(
    rels.map(async (rel) => {
      const data = await readIfFile(root, rel).catch(() => null);
      out.set(rel, data ? sha256(data) : null);
    }),
  );
  return out;
}

export interface Change {
  rel: string;
  /** The new bytes, or null to delete the file. */
  data: Uint8Array | null;
}

/** Makes the folders on the way to `rel` that are missing; returns the ones made, outermost first. */
async function makeParents(root: string, rel: string): Promise<string[]> {
  const parts = rel.split("/").slice(0, -1);
  const made: string[] = [];
  let at = "";
  for (const p of parts) {
    at = at ? `${at}/${p}` : p;
    try {
      await lstat(join(root, at));
    } catch {
      await mkdir(join(root, at));
      made.push(at);
    }
  }
  return made;
}

/** Removes the folders (relative) that are empty, deepest first; others stay. */
export async function removeEmptyDirs(root: string, dirs: readonly string[]): Promise<void> {
  const sorted = [...new Set(dirs)].sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? 1 : -1));
  for (const d of sorted) await rmdir(join(root, d)).catch(() => undefined);
}

/**
 * Applies every change or none: each file is written atomically; on a failure the files changed so
 * far get their old bytes back (or are removed) and the folders made are removed. Returns the folders made.
 */
export async function applyChanges(root: string, changes: readonly Change[]): Promise<string[]> {
  const checked = await Promise.all(changes.map(async (c) => ({ ...c, abs: await checkedPath(root, c.rel), old: await readIfFile(root, c.rel) })));
  const done: typeof checked = [];
  const madeDirs: string[] = [];
  let at = ".";
  try {
    for (const c of checked) {
      at = c.rel;
      if (c.data === null) {
        if (c.old !== null) await rm(c.abs, { force: true });
      } else {
        madeDirs.push(...(await makeParents(root, c.rel)));
        await writeFileAtomic(c.abs, c.data);
      }
      done.push(c);
    }
  } catch (err) {
    for (const c of done.reverse()) {
      if (c.old === null) await rm(c.abs, { force: true }).catch(() => undefined);
      else await writeFileAtomic(c.abs, c.old).catch(() => undefined);
    }
    await removeEmptyDirs(root, madeDirs);
    if (err instanceof ProjectPathError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new ProjectPathError(at, "write.failed", `could not be written (${code}); every change was undone`);
  }
  return madeDirs;
}
