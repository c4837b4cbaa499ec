// Hashes and file kinds: sha256 of bytes, the content hash of a tree, media types, text detection.
import { createHash } from "node:crypto";
import mime from "mime";

export interface TreeEntry {
  /** Relative path, "/"-separated. */
  path: string;
  sha256: string;
}

export function sha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * One hash over a file tree, the same on every machine: sha256 over "path\0sha256\n" for each file,
 * paths sorted by their UTF-8 bytes (not the locale), so neither order of reading nor platform matters.
 */
export function treeHash(entries: readonly TreeEntry[]): string {
  const sorted = [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const h = createHash("sha256");
  for (const e of sorted) h.update(`${e.path}\0${e.sha256}\n`);
  return h.digest("hex");
}

/** The media type by file name; Markdown and unknown text default sensibly. */
export function mediaTypeOf(path: string, data: Uint8Array): string {
  const byName = mime.getType(path);
  if (byName) return byName;
  return isText(data) ? "text/plain" : "application/octet-stream";
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The bytes as text when they are valid UTF-8 without NUL characters; else null (binary). */
export function textOf(data: Uint8Array): string | null {
  if (data.includes(0)) return null;
  try {
    return decoder.decode(data);
  } catch {
    return null;
  }
}

export function isText(data: Uint8Array): boolean {
  return textOf(data) !== null;
}
