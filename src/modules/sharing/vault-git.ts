// A GIT vault: bundles are files <name>/<version>.skillmeat-pack committed to one branch of a
// repository and pushed; read back from a fresh fetch. Uses the content module's git runner (the
// system git without the host's configuration, hooks, prompts or ext::). Each operation works in a
// private temporary folder that is removed afterwards; symlinks in the repository are never followed.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../../lib/atomic-file.js";
import { git } from "../content/index.js";
import { readRegular, VaultError, parseVaultKey, vaultKey, type VaultEntry, type VaultStore } from "./vault-store.js";

const IDENTITY = ["-c", "user.name=skillgraph", "-c", "user.email=skillgraph@localhost", "-c", "commit.gpgsign=false"];
const REMOTE_REF = "refs/remotes/vault/branch";
const PUSH_ATTEMPTS = 3;

const lastLine = (err: unknown) => String((err as { stderr?: string }).stderr || (err as Error).message || err).trim().split("\n").slice(-1)[0] ?? "";

export class GitVaultStore implements VaultStore {
  constructor(
    private readonly vault: string,
    private readonly url: string,
    private readonly branch: string,
    private readonly maxBytes: number,
  ) {}

  private async inTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), "skillgraph-vault-"));
    try {
      await git(["init", "--quiet", dir]);
      return await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Fetches the branch into REMOTE_REF; false when the repository has no such branch yet. */
  private async fetch(dir: string): Promise<boolean> {
    let heads: string;
    try {
      heads = await git(["ls-remote", "--heads", "--", this.url, `refs/heads/${this.branch}`], dir);
    } catch (err) {
      throw new VaultError(this.vault, `the repository cannot be read: ${lastLine(err)}`);
    }
    if (heads === "") return false;
    try {
      await git(["fetch", "--quiet", "--no-tags", "--", this.url, `+refs/heads/${this.branch}:${REMOTE_REF}`], dir);
    } catch (err) {
      throw new VaultError(this.vault, `the branch ${this.branch} cannot be fetched: ${lastLine(err)}`);
    }
    return true;
  }

  /** The blob entries of the fetched branch by path (mode, size). */
  private async tree(dir: string, paths: string[] = []): Promise<Map<string, { mode: string; size: number }>> {
    const out = new Map<string, { mode: string; size: number }>();
    const text = await git(["ls-tree", "-r", "-l", "--full-tree", "-z", REMOTE_REF, ...(paths.length ? ["--", ...paths] : [])], dir);
    for (const line of text.split("\0")) {
      const m = /^(\d+) (\w+) [0-9a-f]+\s+(-|\d+)\t(.*)$/s.exec(line);
      if (m && m[2] === "blob") out.set(m[4] ?? "", { mode: m[1] ?? "", size: Number(m[3]) });
    }
    return out;
  }

  async put(name: string, version: string, bytes: Buffer): Promise<void> {
    const key = vaultKey(name, version);
    for (let attempt = 1; ; attempt++) {
      const pushed = await this.inTemp(async (dir) => {
        if (await this.fetch(dir)) await git(["checkout", "--quiet", "-B", this.branch, REMOTE_REF], dir);
        else await git(["checkout", "--quiet", "--orphan", this.branch], dir);
        await writeFileAtomic(join(dir, key), bytes);
        await git(["add", "--", key], dir);
        // The same bytes again: nothing to commit, nothing to push.
        if ((await git(["status", "--porcelain", "--", key], dir)) === "") return true;
        await git([...IDENTITY, "commit", "--quiet", "-m", `Push ${name} ${version}`], dir);
        try {
          await git(["push", "--quiet", "--", this.url, `HEAD:refs/heads/${this.branch}`], dir);
          return true;
        } catch (err) {
          if (attempt >= PUSH_ATTEMPTS) throw new VaultError(this.vault, `the push to ${this.branch} was refused: ${lastLine(err)}`);
          return false;
        }
      });
      // Refused: most likely someone pushed in between; start again from their commit.
      if (pushed) return;
    }
  }

  async get(name: string, version: string): Promise<Buffer | null> {
    const key = vaultKey(name, version);
    return this.inTemp(async (dir) => {
      if (!(await this.fetch(dir))) return null;
      const entry = (await this.tree(dir, [key])).get(key);
      if (!entry) return null;
      if (entry.mode !== "100644" && entry.mode !== "100755") throw new VaultError(this.vault, `${key} is not a regular file (symlinks are refused)`);
      if (entry.size > this.maxBytes) throw new VaultError(this.vault, `${key} is ${entry.size} bytes, over SKILLGRAPH_BUNDLE_MAX_BYTES`);
      await git(["-c", "core.symlinks=false", "checkout", "--quiet", REMOTE_REF, "--", key], dir);
      return (await readRegular(join(dir, key), this.maxBytes))?.data ?? null;
    });
  }

  async list(): Promise<VaultEntry[]> {
    return this.inTemp(async (dir) => {
      if (!(await this.fetch(dir))) return [];
      const files = [...(await this.tree(dir))].flatMap(([path, e]) => {
        const key = parseVaultKey(path);
        return key && (e.mode === "100644" || e.mode === "100755") ? [{ path, key, size: e.size }] : [];
      });
      if (files.length === 0) return [];
      // When each file last changed: the newest commit that names it (one git log for all).
      const pushedAt = new Map<string, Date>();
      let when: Date | null = null;
      for (const line of (await git(["log", "--format=%x00%cI", "--name-only", REMOTE_REF], dir)).split("\n")) {
        if (line.startsWith("\0")) when = new Date(line.slice(1));
        else if (line !== "" && when && !pushedAt.has(line)) pushedAt.set(line, when);
      }
      const small = files.filter((f) => f.size <= this.maxBytes).map((f) => f.path);
      if (small.length > 0) await git(["-c", "core.symlinks=false", "checkout", "--quiet", REMOTE_REF, "--", ...small], dir);
      const out: VaultEntry[] = [];
      for (const f of files) {
        const data = f.size <= this.maxBytes ? ((await readRegular(join(dir, f.path), this.maxBytes))?.data ?? null) : null;
        out.push({ ...f.key, size: f.size, pushedAt: pushedAt.get(f.path) ?? null, data });
      }
      return out.sort((a, b) => (vaultKey(a.name, a.version) < vaultKey(b.name, b.version) ? -1 : 1));
    });
  }
}
