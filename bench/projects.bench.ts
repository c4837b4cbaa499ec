// Projects on SQLite, in-process: (1) the status scan of a project with 100 deployed skills of 10
// files each (1,000 files hashed), through `project(name) { status }` over yoga.fetch and through
// the service; (2) deploying a 200-file skill into a project (a first deploy each run: the
// deployment is undeployed between runs, untimed). Targets (#13): scan < 200 ms, deploy < 300 ms.
// QUICK=1 runs few iterations (a smoke run).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/lib/logger.js";
import { SYSTEM } from "../src/lib/principal.js";
import { measure, report, type Stats } from "./lib.js";

const QUICK = Boolean(process.env.QUICK);
const work = mkdtempSync(join(tmpdir(), "skillgraph-bench-projects-"));
const imports = join(work, "imports");
const projects = join(work, "projects");

function write(root: string, files: Record<string, string>) {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
}

/** A skill folder: SKILL.md and `extra` more files of about 1 KiB each. */
function skill(name: string, extra: number): string {
  const dir = join(imports, name);
  const files: Record<string, string> = { "SKILL.md": `---\nname: ${name}\ndescription: Benchmark skill ${name}.\nallowed-tools: Read, Bash\n---\n\n# ${name}\n` };
  for (let i = 0; i < extra; i++) files[`lib/file-${String(i).padStart(3, "0")}.md`] = `${name} line ${i}\n`.repeat(40);
  write(dir, files);
  return dir;
}

const load0 = loadavg();
const config = loadConfig({
  DATABASE_URL: `file:${join(work, "db.sqlite")}`,
  LOG_LEVEL: "silent",
  PORT: "0",
  SKILLGRAPH_ALLOWED_HOSTS: "bench",
  SKILLGRAPH_RATE_LIMIT_ANONYMOUS: "0",
  SKILLGRAPH_RATE_LIMIT_AUTHENTICATED: "0",
  SKILLGRAPH_IMPORT_ROOTS: imports,
  SKILLGRAPH_PROJECT_ROOTS: projects,
  SKILLGRAPH_COLLECTIONS_DIR: join(work, "collections"),
  SKILLGRAPH_WORKER_CONCURRENCY: "0",
  SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "0",
  SKILLGRAPH_PROJECT_SCAN_INTERVAL_S: "0",
  SKILLGRAPH_UPSTREAM_CHECK_INTERVAL_S: "0",
});
const app = await createApp(config, { logger: createLogger("silent"), startBackground: false });
const rows: Stats[] = [];
const notes: string[] = [];
try {
  const read = (await app.services.tokens.create("bench-read", ["read"])).secret;
  const post = async (query: string, variables: Record<string, unknown>) => {
    const res = await app.yoga.fetch("http://bench/graphql", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${read}` }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: { project: { status: { status: string; synced: number } } }; errors?: unknown[] };
    if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  // 1. 100 skills × 10 files deployed into one project.
  mkdirSync(join(projects, "scan"), { recursive: true });
  const scanProject = await app.services.projects.register(join(projects, "scan"));
  const s0 = performance.now();
  for (let i = 0; i < 100; i++) {
    const r = await app.services.content.import(SYSTEM, { path: skill(`s${String(i).padStart(3, "0")}`, 9) });
    await app.services.projects.deploy(SYSTEM, r.artifactId, scanProject.id);
  }
  await app.services.content.folders.flush();
  const files = (await app.services.projects.deploymentsOf(scanProject.id)).reduce((n, d) => n + (Array.isArray(d.files) ? d.files.length : 0), 0);
  console.error(`seeded 100 deployments, ${files} files, in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
  if (files !== 1000) throw new Error(`expected 1,000 deployed files, found ${files}`);
  const statusQuery = `query($name: String!) { project(name: $name) { status { status synced modified outdated conflicted missing scannedAt } } }`;
  rows.push(
    await measure("`project(name) { status }`: scan of 100 deployments, 1,000 files (yoga.fetch, read token)", QUICK ? 5 : 50, async () => {
      const d = await post(statusQuery, { name: scanProject.name });
      if (d.project.status.synced !== 100) throw new Error(`scan found ${JSON.stringify(d.project.status)}`);
    }, QUICK ? 1 : 5),
  );
  rows.push(await measure("`projects.scan` (service), same project", QUICK ? 5 : 50, () => app.services.projects.scan(scanProject.id), QUICK ? 1 : 5));

  // 2. A 200-file skill deployed into a fresh folder each run.
  mkdirSync(join(projects, "deploy"), { recursive: true });
  const deployProject = await app.services.projects.register(join(projects, "deploy"));
  const big = await app.services.content.import(SYSTEM, { path: skill("big", 199) });
  if (big.files !== 200) throw new Error(`imported ${big.files} files`);
  const times: number[] = [];
  for (let i = 0; i < (QUICK ? 3 : 35); i++) {
    const t0 = performance.now();
    const d = await app.services.projects.deploy(SYSTEM, big.artifactId, deployProject.id);
    const ms = performance.now() - t0;
    if (i >= (QUICK ? 1 : 5)) times.push(ms);
    await app.services.projects.undeploy(d.id, SYSTEM);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? Number.NaN;
  rows.push({ name: "`projects.deploy` of a 200-file skill (first deploy: files written, Deployment recorded, usage and compatibility recorded)", n: times.length, p50: pct(50), p95: pct(95), p99: pct(99), max: times.at(-1) ?? Number.NaN });
} finally {
  await app.stop();
}
const load1 = loadavg();
notes.push("SQLite database (WAL) and project folders in a temporary folder on the local disk; in-process, after a warm-up.");
notes.push(`Load average (1 / 5 / 15 min): before ${load0.map((l) => l.toFixed(2)).join(" / ")}, after ${load1.map((l) => l.toFixed(2)).join(" / ")}`);
report("Projects: status scan and deploy (#13)", rows, notes);
