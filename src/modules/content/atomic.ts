// Atomic file writes: write aside, fsync, rename, fsync the folder. A reader (or a crash) sees
// the old file or the new one, never a mix.
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const aside = join(dir, `.${randomBytes(6).toString("hex")}.tmp`);
  const fh = await open(aside, "wx", 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(aside, path);
  } catch (err) {
    await rm(aside, { force: true });
    throw err;
  }
  await syncDir(dir);
}

/**
 * Makes a folder hold exactly `files` (relative path → bytes): each file written atomically in
 * place (a reader always finds the old or the new file, never none), then files no longer listed
 * are removed.
 */
export async function replaceFolder(path: string, files: readonly { path: string; data: Uint8Array }[]): Promise<void> {
  await mkdir(path, { recursive: true });
  const keep = new Set(files.map((f) => f.path));
  for (const f of files) await writeFileAtomic(join(path, ...f.path.split("/")), f.data);
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    const abs = join(e.parentPath, e.name);
    const rel = relative(path, abs).split(sep).join("/");
    if (!e.isDirectory() && !keep.has(rel)) await rm(abs, { force: true });
  }
}
