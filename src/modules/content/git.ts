// Fetching an artifact from a git repository with the system git: any URL git understands
// (https, ssh, file://, a path), a ref (branch, tag or commit; default HEAD) and a path inside.
// git runs without the host's git configuration, without prompts, with only the transports listed
// below (no ext::, which runs commands), and never with an argument that could be read as an option.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ContentRuleError } from "./errors.js";

const run = promisify(execFile);

const GIT_ENV = {
  PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
  HOME: process.env.HOME ?? tmpdir(),
  GIT_TERMINAL_PROMPT: "0",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_ALLOW_PROTOCOL: "file:git:http:https:ssh",
  GIT_SSH_COMMAND: "ssh -o BatchMode=yes",
};

/** Runs the system git with the settings above (no host config, hooks, prompts or ext::); its trimmed stdout. */
export async function git(args: string[], cwd?: string, signal?: AbortSignal): Promise<string> {
  const { stdout } = await run("git", ["-c", "core.hooksPath=/dev/null", "-c", "protocol.ext.allow=never", ...args], { cwd, env: GIT_ENV, signal, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** The local folder a URL names, when it is local (file:// or a path); null for a remote URL. */
export function localPathOf(url: string): string | null {
  if (/^file:/i.test(url)) return decodeURIComponent(new URL(url).pathname);
  // scheme://… and scp-like [user@]host:path (a colon before any slash) are remote; git reads
  // everything else as a local path.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/]+:/.test(url)) return null;
  return url;
}

export function gitRefProblem(ref: string): string | null {
  if (ref.startsWith("-") || /[\s~^:?*[\\\0]/.test(ref.replace(/\^\{commit\}$/, "")) || ref.includes("..")) return "must be a branch, tag or commit name (no spaces, no leading -, no ..)";
  return null;
}

export interface Checkout {
  dir: string;
  commit: string;
  remove(): Promise<void>;
}

/** Clones `url` into a private temporary folder and checks out `ref`; the caller removes it. */
export async function checkout(url: string, ref: string | null | undefined, signal?: AbortSignal): Promise<Checkout> {
  if (url.startsWith("-")) throw new ContentRuleError(url, "git.url", "a URL must not start with -");
  const wanted = ref ?? "HEAD";
  const problem = gitRefProblem(wanted);
  if (problem) throw new ContentRuleError(wanted, "git.ref", problem);
  const dir = await mkdtemp(join(tmpdir(), "skillgraph-git-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    try {
      await git(["clone", "--quiet", "--no-checkout", "--", url, dir], undefined, signal);
    } catch (err) {
      const text = String((err as { stderr?: string }).stderr ?? err).trim().split("\n").slice(-1)[0] ?? "";
      throw new ContentRuleError(url, "git.clone", `could not be cloned: ${text}`);
    }
    let commit: string | null = null;
    for (const candidate of [wanted, `origin/${wanted}`]) {
      try {
        commit = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${candidate}^{commit}`], dir, signal);
        break;
      } catch {
        // try the next spelling
      }
    }
    if (!commit) throw new ContentRuleError(wanted, "git.ref", "is not a branch, tag or commit of the repository");
    await git(["-c", "advice.detachedHead=false", "checkout", "--quiet", commit], dir, signal);
    return { dir, commit, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

export interface RemoteActivity {
  /** The ref's commit on the remote. */
  latestCommit: string;
  /** Commits touching `path` from `since` (exclusive) to latestCommit; null when `since` is not in its history. */
  commitsBehind: number | null;
  /** Commits touching `path` in the `windowDays` before `now`. */
  commitsInWindow: number;
  /** Committer date of the newest commit touching `path` (null when none does). */
  lastCommitAt: Date | null;
}

/**
 * Fetches `ref` of `url` into a private bare clone (no checkout, no hooks) and reads how far it is
 * from `since` and how active `path` (or the whole repository) has been; the clone is removed.
 */
export async function remoteActivity(
  url: string,
  ref: string | null | undefined,
  since: string | null,
  path: string | null,
  opts: { now: Date; windowDays: number; signal?: AbortSignal },
): Promise<RemoteActivity> {
  if (url.startsWith("-")) throw new ContentRuleError(url, "git.url", "a URL must not start with -");
  const wanted = ref ?? "HEAD";
  const problem = gitRefProblem(wanted);
  if (problem) throw new ContentRuleError(wanted, "git.ref", problem);
  if (since !== null && !/^[0-9a-f]{7,64}$/i.test(since)) throw new ContentRuleError(since, "git.commit", "must be a commit hash");
  const dir = await mkdtemp(join(tmpdir(), "skillgraph-git-"));
  try {
    try {
      await git(["clone", "--quiet", "--bare", "--", url, dir], undefined, opts.signal);
    } catch (err) {
      const text = String((err as { stderr?: string }).stderr ?? err).trim().split("\n").slice(-1)[0] ?? "";
      throw new ContentRuleError(url, "git.clone", `could not be fetched: ${text}`);
    }
    let latest: string | null = null;
    // A bare clone keeps the remote's branches as local branches (no origin/ prefix).
    for (const candidate of [wanted, `refs/heads/${wanted}`, `refs/tags/${wanted}`]) {
      try {
        latest = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${candidate}^{commit}`], dir, opts.signal);
        break;
      } catch {
        // try the next spelling
      }
    }
    if (!latest) throw new ContentRuleError(wanted, "git.ref", "is not a branch, tag or commit of the repository");
    const scope = path && path !== "." ? ["--", path] : [];
    let commitsBehind: number | null = null;
    if (since !== null) {
      try {
        await git(["cat-file", "-e", `${since}^{commit}`], dir, opts.signal);
        commitsBehind = Number(await git(["rev-list", "--count", `${since}..${latest}`, ...scope], dir, opts.signal));
      } catch {
        commitsBehind = null;
      }
    }
    const from = new Date(opts.now.getTime() - opts.windowDays * 86_400_000);
    const commitsInWindow = Number(await git(["rev-list", "--count", `--since=${from.toISOString()}`, latest, ...scope], dir, opts.signal));
    const last = await git(["log", "-1", "--format=%cI", latest, ...scope], dir, opts.signal);
    return { latestCommit: latest, commitsBehind, commitsInWindow, lastCommitAt: last ? new Date(last) : null };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
