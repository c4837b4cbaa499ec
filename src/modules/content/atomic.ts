// Atomic file writes: write aside, fsync, rename, fsync the folder. A reader (or a crash) sees
// the old file or the new one, never a mix.
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

/** Replaces a folder with `files` (relative path → bytes): built aside, then swapped in. */
export async function replaceFolder(path: string, files: readonly { path: string; data: Uint8Array }[]): Promise<void> {
  const parent = dirname(path);
  await mkdir(parent, { recursive: true });
  const aside = join(parent, `.${randomBytes(6).toString("hex")}.tmp`);
  try {
    for (const f of files) {
      const target = join(aside, ...f.path.split("/"));
      await mkdir(dirname(target), { recursive: true });
      const fh = await open(target, "wx", 0o644);
      try {
        await fh.writeFile(f.data);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    const old = join(parent, `.${randomBytes(6).toString("hex")}.old`);
    await rename(path, old).catch(() => undefined);
    await rename(aside, path);
    await rm(old, { recursive: true, force: true });
    await syncDir(parent);
  } catch (err) {
    await rm(aside, { recursive: true, force: true });
    throw err;
  }
}
