// Reading an artifact's files from disk: a folder (every file under it) or one file, refusing
// symlinks, paths that leave the root and trees over the limits. Nothing is followed: every entry
// is lstat'ed and only plain files and folders are read.
import { lstat, readdir, readFile, realpath } from "node:fs/promises";
import { basename, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ContentRuleError } from "./errors.js";
import type { ContentLimits } from "./limits.js";

export interface TreeFile {
  /** Relative to the artifact's root, "/"-separated. */
  path: string;
  data: Buffer;
}

export interface ReadTree {
  /** "folder" when a folder was read (paths relative to it), "file" for a single file. */
  kind: "folder" | "file";
  /** The file's or folder's own name. */
  name: string;
  files: TreeFile[];
}

/** Folders never taken into an artifact: version-control metadata. */
const SKIPPED = new Set([".git"]);

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * `target` resolved and checked against `root` (both real paths: a symlink anywhere on the way
 * that leads out is caught). The target itself must not be a symlink. Returns its real path.
 */
export async function resolveUnder(root: string, target: string, label = "."): Promise<string> {
  const realRoot = await realpath(root);
  const wanted = isAbsolute(target) ? target : resolve(realRoot, target);
  const lexical = resolve(wanted);
  let st;
  try {
    st = await lstat(lexical);
  } catch {
    throw new ContentRuleError(label, "path.exists", "does not exist");
  }
  if (st.isSymbolicLink()) throw new ContentRuleError(label, "path.no-symlinks", "is a symlink; symlinks are refused");
  const real = await realpath(lexical);
  if (!inside(realRoot, real)) throw new ContentRuleError(label, "path.inside-root", "escapes its root");
  return real;
}

/** Reads a folder or one file (already resolved by resolveUnder) within the limits. */
export async function readTree(realTarget: string, limits: ContentLimits): Promise<ReadTree> {
  const st = await lstat(realTarget);
  const files: TreeFile[] = [];
  let total = 0;
  const take = async (abs: string, rel: string, size: number) => {
    if (size > limits.maxFileBytes) throw new ContentRuleError(rel, "limits.file-size", `is ${size} bytes, over the limit of ${limits.maxFileBytes} (SKILLGRAPH_CONTENT_MAX_FILE_BYTES)`);
    if (files.length + 1 > limits.maxFiles) throw new ContentRuleError(rel, "limits.file-count", `is past the limit of ${limits.maxFiles} files (SKILLGRAPH_CONTENT_MAX_FILES)`);
    total += size;
    if (total > limits.maxTreeBytes) throw new ContentRuleError(rel, "limits.tree-size", `brings the tree over ${limits.maxTreeBytes} bytes (SKILLGRAPH_CONTENT_MAX_TREE_BYTES)`);
    files.push({ path: rel, data: await readFile(abs) });
  };
  if (st.isFile()) {
    const name = basename(realTarget);
    await take(realTarget, name, st.size);
    return { kind: "file", name, files };
  }
  if (!st.isDirectory()) throw new ContentRuleError(".", "path.kind", "is neither a file nor a folder");
  const walk = async (dir: string) => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = join(dir, e.name);
      const rel = relative(realTarget, abs).split(sep).join("/");
      if (e.isDirectory() && SKIPPED.has(e.name)) continue;
      if (e.isSymbolicLink()) throw new ContentRuleError(rel, "path.no-symlinks", "is a symlink; symlinks are refused");
      if (e.isDirectory()) await walk(abs);
      else if (e.isFile()) await take(abs, rel, (await lstat(abs)).size);
      else throw new ContentRuleError(rel, "path.kind", "is not a regular file");
    }
  };
  await walk(realTarget);
  return { kind: "folder", name: basename(realTarget), files };
}

/** A relative path from a manifest or input, checked: no absolute paths, no "..", no empty parts. */
export function safeRelative(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\\") || path.includes("\0")) return false;
  return path.split("/").every((p) => p !== "" && p !== "." && p !== "..");
}
