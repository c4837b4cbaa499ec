// Real folders and real git repositories for the content tests (git init in a temp folder).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export function tempDir(prefix = "skillgraph-content-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files (relative path → text or bytes) under `root`. */
export function writeTree(root: string, files: Record<string, string | Uint8Array>): string {
  for (const [path, data] of Object.entries(files)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  return root;
}

export function skillMd(name: string, description = `The ${name} skill.`, extra = ""): string {
  return `---\nname: ${name}\ndescription: ${description}\nlicense: MIT\nallowed-tools: Read, Bash\n${extra}---\n\n# ${name}\n\nUse it well.\n`;
}

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com", GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };

export function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, env: GIT_ENV, encoding: "utf8" }).trim();
}

/** A git repository at `dir` with the files committed; returns the commit. */
export function gitRepo(dir: string, files: Record<string, string | Uint8Array>): string {
  mkdirSync(dir, { recursive: true });
  git(dir, "init", "--quiet", "--initial-branch=main");
  return gitCommit(dir, files, "first");
}

export function gitCommit(dir: string, files: Record<string, string | Uint8Array>, message: string): string {
  writeTree(dir, files);
  git(dir, "add", "-A");
  git(dir, "commit", "--quiet", "-m", message);
  return git(dir, "rev-parse", "HEAD");
}
