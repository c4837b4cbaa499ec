// Client settings files ({"mcpServers": {…}}, Claude Desktop's shape): confined to a settings
// root, changed one entry at a time, backed up, written atomically (temp file + rename), never
// rewritten when the entry is already right, and never overwritten when it is not valid JSON.
import { randomBytes } from "node:crypto";
import { copyFile, lstat, mkdir, readFile, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { writeFileAtomic } from "../../lib/atomic-file.js";
import { AlreadyExistsError, InvalidInputError } from "../../lib/errors.js";
import { SettingsFileError } from "./errors.js";

export type ChangeKind = "ADDED" | "CHANGED" | "REMOVED";
export interface SettingsChange {
  kind: ChangeKind;
  /** Dotted path in the file, e.g. mcpServers.weather.args */
  path: string;
  before: unknown;
  after: unknown;
}

export interface ApplyResult {
  path: string;
  changed: boolean;
  changes: SettingsChange[];
  backupPath: string | null;
}

const inside = (root: string, p: string) => {
  const rel = relative(root, p);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
};

/**
 * The absolute settings path for a request: relative paths resolve against the root; the result
 * (after resolving symlinks of what exists) must be a .json file inside the root.
 */
export async function resolveSettingsPath(root: string, requested: string | null | undefined, fallback: string, field = "settingsPath"): Promise<string> {
  const raw = requested ?? fallback;
  if (raw.includes("\0")) throw new InvalidInputError(field, "must not contain NUL characters");
  const path = resolve(root, raw);
  if (!path.endsWith(".json")) throw new InvalidInputError(field, "must name a .json file");
  if (!inside(root, path) || path === root) throw new InvalidInputError(field, `must be inside the settings folder ${root}`);
  // Symlinks must not lead out: compare real paths of the deepest part that exists.
  const realRoot = await realpath(root).catch(() => root);
  let probe = path;
  for (;;) {
    try {
      const real = await realpath(probe);
      const rest = relative(probe, path);
      if (!inside(realRoot, rest ? join(real, rest) : real)) throw new InvalidInputError(field, `must be inside the settings folder ${root} (a symlink leads out)`);
      break;
    } catch (err) {
      if (err instanceof InvalidInputError) throw err;
      const parent = dirname(probe);
      if (parent === probe) break;
      probe = parent;
    }
  }
  const st = await lstat(path).catch(() => null);
  if (st && !st.isFile() && !st.isSymbolicLink()) throw new InvalidInputError(field, "must be a regular file");
  return path;
}

type Doc = Record<string, unknown>;
const isObject = (v: unknown): v is Doc => v !== null && typeof v === "object" && !Array.isArray(v);

async function readSettings(path: string): Promise<{ doc: Doc; existed: boolean; mode: number }> {
  let text: string;
  let mode = 0o600;
  try {
    text = await readFile(path, "utf8");
    mode = (await stat(path)).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { doc: {}, existed: false, mode };
    throw new SettingsFileError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (text.trim() === "") return { doc: {}, existed: true, mode };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SettingsFileError(path, `is not valid JSON (${err instanceof Error ? err.message : "parse error"})`);
  }
  if (!isObject(parsed)) throw new SettingsFileError(path, "is not a JSON object");
  if (parsed.mcpServers !== undefined && !isObject(parsed.mcpServers)) throw new SettingsFileError(path, 'has an "mcpServers" that is not an object');
  return { doc: parsed, existed: true, mode };
}

/** The leaf-level differences between two JSON values, as dotted paths. */
export function diff(before: unknown, after: unknown, path: string): SettingsChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (before === undefined) return [{ kind: "ADDED", path, before: null, after }];
  if (after === undefined) return [{ kind: "REMOVED", path, before, after: null }];
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => diff(before[k], after[k], `${path}.${k}`));
  }
  return [{ kind: "CHANGED", path, before, after }];
}

// One write at a time per file in this process: two deploys into one file must not lose either.
const locks = new Map<string, Promise<unknown>>();
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const prev = locks.get(path) ?? Promise.resolve();
  const run = prev.catch(() => {}).then(fn);
  locks.set(path, run);
  try {
    return await run;
  } finally {
    if (locks.get(path) === run) locks.delete(path);
  }
}


/**
 * Sets (entry) or removes (null) mcpServers[name] in the file. Other keys and entries are kept in
 * their order. No change → no write and no backup. dryRun → only the changes. refuseForeign:
 * an existing, different entry under the name is not ours, so AlreadyExistsError.
 */
export function applyEntry(path: string, name: string, entry: Doc | null, dryRun: boolean, refuseForeign = false): Promise<ApplyResult> {
  return withLock(path, async () => {
    const { doc, existed, mode } = await readSettings(path);
    const servers = isObject(doc.mcpServers) ? doc.mcpServers : {};
    const before = servers[name];
    // An entry we did not write is someone else's: never overwrite it silently.
    if (refuseForeign && before !== undefined && JSON.stringify(before) !== JSON.stringify(entry)) {
      throw new AlreadyExistsError("settings entry", "mcpServers", name);
    }
    const changes = diff(before, entry ?? undefined, `mcpServers.${name}`);
    if (changes.length === 0 || dryRun) return { path, changed: changes.length > 0, changes, backupPath: null };
    const nextServers: Doc = { ...servers };
    if (entry) nextServers[name] = entry;
    else delete nextServers[name];
    const next: Doc = { ...doc, mcpServers: nextServers };
    let backupPath: string | null = null;
    if (existed) {
      backupPath = `${path}.${new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}-${randomBytes(2).toString("hex")}.bak`;
      await copyFile(path, backupPath);
    } else {
      await mkdir(dirname(path), { recursive: true });
    }
    // 0600 at most: the file now holds the server's secrets.
    await writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`, mode & 0o600);
    return { path, changed: true, changes, backupPath };
  });
}
