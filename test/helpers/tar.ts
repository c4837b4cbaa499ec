// Tar archives in tests (bundles are tar files): read one's entries, or pack entries into one, as
// an attacker or another instance might (fixed mtime, any entry type).
import { Readable } from "node:stream";
import tar from "tar-stream";

export interface TarEntry {
  name: string;
  data?: Buffer;
  type?: "file" | "symlink" | "link" | "directory";
  linkname?: string;
}

/** Every entry of an archive, in order, with its bytes. */
export async function tarEntries(bytes: Buffer): Promise<{ name: string; data: Buffer }[]> {
  const extract = tar.extract();
  const out: { name: string; data: Buffer }[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (h, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        out.push({ name: h.name, data: Buffer.concat(chunks) });
        next();
      });
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  Readable.from([bytes]).pipe(extract);
  await done;
  return out;
}

/** An archive of these entries, in this order (files by default; links and folders carry no data). */
export async function tarPack(entries: readonly TarEntry[]): Promise<Buffer> {
  const p = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve) => {
    p.on("data", (c: Buffer) => chunks.push(c));
    p.on("end", resolve);
  });
  for (const e of entries) {
    const type = e.type ?? "file";
    p.entry({ name: e.name, type, linkname: e.linkname, mtime: new Date(0) }, type === "file" ? (e.data ?? Buffer.alloc(0)) : undefined);
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}
