// Content on SQLite, in-process: importing a 200-file skill from a local git repository (each run a
// new version: the runs alternate between two commits), the collection folder write-through for a
// collection of 1,000 artifacts (per change: the manifest, and the changed artifact's files), and
// recovery of that 1,000-artifact folder into an empty database. QUICK=1 runs few iterations (a
// smoke run); BENCH_LOG=error shows the app's errors (a failed folder write is only logged).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { createApp, type App } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/lib/logger.js";
import { SYSTEM } from "../src/lib/principal.js";
import { percentile, report, type Stats } from "./lib.js";

const work = mkdtempSync(join(tmpdir(), "skillgraph-bench-content-"));
const roots = join(work, "roots");
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@example.com", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@example.com", GIT_CONFIG_GLOBAL: "/dev/null" };
const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, env: gitEnv, encoding: "utf8" }).trim();

function write(root: string, files: Record<string, string>) {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
}

const skill = (name: string) => `---\nname: ${name}\ndescription: Benchmark skill ${name}.\nlicense: MIT\n---\n\n# ${name}\n`;

async function open(name: string, collections: string): Promise<App> {
  const config = loadConfig({ DATABASE_URL: `file:${join(work, name, "db.sqlite")}`, LOG_LEVEL: "silent", SKILLGRAPH_IMPORT_ROOTS: roots, SKILLGRAPH_COLLECTIONS_DIR: collections, SKILLGRAPH_WORKER_CONCURRENCY: "0", SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "0" });
  return createApp(config, { logger: createLogger((process.env.BENCH_LOG ?? "silent") as "silent") });
}

function stats(name: string, times: number[]): Stats {
  const s = [...times].sort((a, b) => a - b);
  return { name, n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) ?? Number.NaN };
}

const load0 = loadavg();
const rows: Stats[] = [];
const writeTimes: number[] = [];
const wholeTimes: number[] = [];
const collections = join(work, "collections");
const app = await open("a", collections);
try {
  // 1. A 200-file skill in a git repository, two commits.
  const repo = join(roots, "repo");
  mkdirSync(repo, { recursive: true });
  git(repo, "init", "--quiet", "--initial-branch=main");
  const files: Record<string, string> = { "skills/big/SKILL.md": skill("big") };
  for (let i = 0; i < 199; i++) files[`skills/big/lib/file-${String(i).padStart(3, "0")}.txt`] = `line ${i}\n`.repeat(40);
  write(repo, files);
  git(repo, "add", "-A");
  git(repo, "commit", "--quiet", "-m", "one");
  git(repo, "tag", "one");
  write(repo, { "skills/big/lib/file-000.txt": "changed\n" });
  git(repo, "commit", "--quiet", "-am", "two");
  git(repo, "tag", "two");
  const importTimes: number[] = [];
  for (let i = 0; i < (process.env.QUICK ? 2 : 22); i++) {
    const t0 = performance.now();
    const r = await app.services.content.import(SYSTEM, { git: { url: `file://${repo}`, ref: i % 2 ? "two" : "one", path: "skills/big" } });
    if (i >= 2) importTimes.push(performance.now() - t0);
    if (r.files !== 200) throw new Error(`imported ${r.files} files`);
  }
  rows.push(stats("import a 200-file skill from a local git repository (a new version each run)", importTimes));

  // 2. A collection of 1,000 artifacts (each a small skill with content), then write-through per change.
  await app.services.collections.create({ name: "big" });
  for (let i = 0; i < 1000; i++) {
    const name = `s${String(i).padStart(4, "0")}`;
    const dir = join(roots, "many", name);
    write(dir, { "SKILL.md": skill(name), "run.sh": `echo ${i}\n` });
    await app.services.content.import(SYSTEM, { path: dir, collection: "big" });
  }
  await app.services.content.folders.flush();
  const ids = (await app.services.artifacts.inCollection((await app.services.collections.byName("big")).id)).map((a) => a.id);
  // Side by side under the same load: each change's write-through (the changed entry patched),
  // then the whole folder written from the database (what every change cost before the patch).
  for (let i = 0; i < (process.env.QUICK ? 12 : 110); i++) {
    await app.services.artifacts.update(ids[(i * 7) % ids.length] ?? "", { metadata: { title: `title ${i}` } });
    const t0 = performance.now();
    await app.services.content.folders.flush();
    const t1 = performance.now();
    await app.services.content.folders.write(await app.services.collections.byName("big"));
    if (i >= 10) {
      writeTimes.push(t1 - t0);
      wholeTimes.push(performance.now() - t1);
    }
  }
  rows.push(stats("write-through after one change, collection of 1,000 artifacts (the changed entry patched)", writeTimes));
  rows.push(stats("the same folder written whole from the database (the path before the patch), same runs", wholeTimes));
} finally {
  await app.stop();
}

// 3. Recovery of the 1,000-artifact folder into an empty database.
const recoverTimes: number[] = [];
for (let i = 0; i < 3; i++) {
  const fresh = await open(`r${i}`, collections);
  try {
    const t0 = performance.now();
    const r = await fresh.services.content.folders.recover("big");
    recoverTimes.push(performance.now() - t0);
    if (r.created.length !== 1000 || r.skipped.length) throw new Error(`recovered ${r.created.length} created, ${r.updated.length} updated, ${r.unchanged.length} unchanged, skipped ${r.skipped.length}`);
    await fresh.services.content.folders.flush();
  } finally {
    await fresh.stop();
  }
}
rows.push(stats("recover a 1,000-artifact collection folder into an empty database", recoverTimes));
const load1 = loadavg();
report("Content: import, write-through, recovery (SQLite)", rows, [
  `Load average (1 / 5 / 15 min): before ${load0.map((l) => l.toFixed(2)).join(" / ")}, after ${load1.map((l) => l.toFixed(2)).join(" / ")}`,
  "Targets (#12): import < 500 ms; write-through p95 < 50 ms per change; recovery < 5 s.",
  `Write-through p95, patched vs whole: ${(percentile([...wholeTimes].sort((a, b) => a - b), 95) / percentile([...writeTimes].sort((a, b) => a - b), 95)).toFixed(1)}× faster.`,
]);
rmSync(work, { recursive: true, force: true });
