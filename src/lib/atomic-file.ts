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

/** Writes `data` to `path` atomically (creating its folder), with `mode` for a new file. */
export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const aside = join(dir, `.${randomBytes(6).toString("hex")}.tmp`);
  const fh = await open(aside, "wx", mode);
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
