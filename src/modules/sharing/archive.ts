// The bundle archive: a plain POSIX tar (tar-stream) written deterministically (entries in a fixed
// order, mtime 0, mode 0644, uid/gid 0, no user or group names), and read back refusing archive
// attacks: anything but regular files (symlinks, hard links, devices, folders), absolute paths,
// "..", backslashes, duplicate entries, too many entries, entries or a whole over the size limit.
import { Readable } from "node:stream";
import tar from "tar-stream";
import { BundleVerificationError } from "./errors.js";

export interface ArchiveEntry {
  path: string;
  data: Buffer;
}

export interface ArchiveLimits {
  maxBytes: number;
  maxEntries: number;
}

const EPOCH = new Date(0);

/** The archive of the entries in the order given: the same entries give the same bytes. */
export async function packArchive(entries: readonly ArchiveEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on("data", (c: Buffer) => chunks.push(c));
    pack.on("end", () => resolve());
    pack.on("error", reject);
  });
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      pack.entry({ name: e.path, size: e.data.length, mode: 0o644, mtime: EPOCH, uid: 0, gid: 0, uname: "", gname: "", type: "file" }, e.data, (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A path inside a bundle is relative, "/"-separated, with no empty, "." or ".." segment. */
export function pathProblem(path: string): string | null {
  if (path.length === 0 || path.length > 1024) return "must be 1 to 1024 characters";
  if (path.includes("\\") || path.includes("\0")) return "must not hold backslashes or NUL";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "must be relative (no absolute paths)";
  if (path.split("/").some((s) => s === "" || s === "." || s === "..")) return "must not hold empty, . or .. segments (path traversal)";
  return null;
}

const malformed = (path: string | null, detail: string) => new BundleVerificationError("MALFORMED", path, detail);

/** The archive's entries, in archive order; any unsafe entry refuses the whole archive. */
export async function readArchive(bytes: Buffer, limits: ArchiveLimits): Promise<ArchiveEntry[]> {
  if (bytes.length > limits.maxBytes) throw malformed(null, `the bundle is ${bytes.length} bytes, over the ${limits.maxBytes}-byte limit`);
  const extract = tar.extract();
  const out: ArchiveEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  // The first unsafe entry refuses the archive at once: nothing after it is read (an entry may
  // declare gigabytes it does not hold, and waiting for them would never end).
  let refused: BundleVerificationError | null = null;
  const result = new Promise<ArchiveEntry[]>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const fail = (err: BundleVerificationError) => {
        refused ??= err;
        stream.on("error", () => {});
        reject(refused);
        extract.destroy();
      };
      if (refused) return fail(refused);
      const name = header.name;
      if (header.type !== "file") return fail(malformed(name, `entries must be regular files, not ${header.type ?? "unknown"} (symlinks, hard links and folders are refused)`));
      const problem = pathProblem(name);
      if (problem) return fail(malformed(name, `the entry path ${problem}`));
      if (seen.has(name)) return fail(malformed(name, "the entry appears twice"));
      seen.add(name);
      if (seen.size > limits.maxEntries) return fail(malformed(name, `more than ${limits.maxEntries} entries`));
      total += header.size ?? 0;
      if (total > limits.maxBytes) return fail(malformed(name, `the entries add up to more than ${limits.maxBytes} bytes`));
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        out.push({ path: name, data: Buffer.concat(chunks) });
        next();
      });
      stream.on("error", reject);
    });
    extract.on("finish", () => (refused ? reject(refused) : resolve(out)));
    extract.on("error", (err) => reject(err instanceof BundleVerificationError ? err : malformed(null, `not a readable tar archive (${err.message})`)));
  });
  Readable.from([bytes]).pipe(extract);
  return result;
}
