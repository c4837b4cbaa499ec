// Atomic file writes: write aside, fsync, rename, fsync the folder. A reader (or a crash) sees
// the old file or the new one, never a mix. Many files: stage them all (in parallel), rename each,
// then fsync each folder once (stageFile, commitStaged, syncDirs).
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** A file written aside (fsynced) next to where it goes, not yet in place. */
export interface StagedFile {
  path: string;
  aside: string;
}

/** The first half of an atomic write: `data` written aside in `path`'s folder (created unless `makeDir` is false) and fdatasynced. */
export async function stageFile(path: string, data: Uint8Array | string, mode = 0o644, makeDir = true): Promise<StagedFile> {
  const dir = dirname(path);
  if (makeDir) await mkdir(dir, { recursive: true });
  const aside = join(dir, `.${randomBytes(6).toString("hex")}.tmp`);
  const fh = await open(aside, "wx", mode);
  try {
    await fh.writeFile(data);
    // fdatasync: the data and the size a reader needs, without the timestamps fsync also flushes.
    await fh.datasync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(aside, { force: true });
    throw err;
  }
  await fh.close();
  return { path, aside };
}

/** The second half: renames the staged file into place (its folder is not fsynced: see syncDirs). */
export async function commitStaged(s: StagedFile): Promise<void> {
  try {
    await rename(s.aside, s.path);
  } catch (err) {
    await rm(s.aside, { force: true });
    throw err;
  }
}

/** Removes a staged file that will not be committed. */
export async function discardStaged(s: StagedFile): Promise<void> {
  await rm(s.aside, { force: true });
}

/** fsyncs each folder once, so the renames into them survive a crash. */
export async function syncDirs(dirs: Iterable<string>): Promise<void> {
  await Promise.all([...new Set(dirs)].map(syncDir));
}

/** Writes `data` to `path` atomically (creating its folder), with `mode` for a new file. */
export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o644): Promise<void> {
  const staged = await stageFile(path, data, mode);
  await commitStaged(staged);
  await syncDir(dirname(path));
}
