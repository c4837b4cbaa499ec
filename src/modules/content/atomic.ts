// A collection folder's files replaced in place, each written atomically (src/lib/atomic-file.ts).
import { mkdir, readdir, rm } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { writeFileAtomic } from "../../lib/atomic-file.js";

export { writeFileAtomic };

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
