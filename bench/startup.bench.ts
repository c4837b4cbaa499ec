// Start-up: the server from spawn to its first 200 on /readyz, and the CLI commands agent hooks run
// at every session start (`token list`, `medallion load`), each through the installed bin
// (src/bin/skillgraph.mjs, which loads the compiled bundle in dist/). Runs are interleaved with
// `node -e 0` (Node's own start-up on this machine) so a busy machine shows up in both columns and
// the ratio stays meaningful. CPU time is the children's user + system time from /proc/self/stat
// (cutime + cstime of the waited-for child), which a busy machine inflates far less than wall time.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { machine, percentile } from "./lib.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const bin = resolve(import.meta.dirname, "../src/bin/skillgraph.mjs");
const dir = mkdtempSync(join(tmpdir(), "skillgraph-startup-"));
const env = { ...process.env, DATABASE_URL: `file:${join(dir, "sg.db")}`, NODE_ENV: "production", LOG_LEVEL: "warn", SKILLGRAPH_WORKER_CONCURRENCY: "0" };
const TICK_S = 0.01; // USER_HZ is 100 on Linux

/** CPU seconds of this process's waited-for children so far. */
function statFields(pid: number | "self"): string[] {
  // After "pid (comm) " the fields start at state (field 3 of proc(5)).
  return (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
}

/** CPU seconds of this process's waited-for children so far (cutime + cstime, fields 16 and 17). */
function childrenCpu(): number {
  const f = statFields("self");
  return (Number(f[13]) + Number(f[14])) * TICK_S;
}

interface Sample {
  wall: number;
  cpu: number;
}

function runCommand(args: string[]): Sample {
  const c0 = childrenCpu();
  const t0 = performance.now();
  const [cmd = process.execPath, ...rest] = args;
  const r = spawnSync(cmd, rest, { env, stdio: ["ignore", "ignore", "pipe"] });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr.toString()}`);
  return { wall, cpu: (childrenCpu() - c0) * 1000 };
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
    s.on("error", fail);
  });
}

async function serverToReady(): Promise<Sample> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, "serve"], { env: { ...env, PORT: String(port), HOST: "127.0.0.1" }, stdio: "ignore" });
  let wall = Number.NaN;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, { headers: { host: `127.0.0.1:${port}` } });
      if (res.status === 200) {
        wall = performance.now() - t0;
        break;
      }
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 30_000) throw new Error("server not ready within 30 s");
    await new Promise((r) => setTimeout(r, 5));
  }
  // The CPU it took to get ready, read before it is stopped (the exit would add shutdown work).
  // utime + stime: fields 14 and 15.
  const stat = statFields(child.pid ?? 0);
  const cpu = (Number(stat[11]) + Number(stat[12])) * TICK_S * 1000;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
  return { wall, cpu };
}

function row(name: string, xs: Sample[], base: Sample[]): string {
  const med = (v: number[]) => percentile([...v].sort((a, b) => a - b), 50);
  const ratios = xs.map((x, i) => x.cpu / Math.max(base[i]?.cpu ?? 1, 1));
  const fmt = (v: number) => v.toFixed(0);
  return `| ${name} | ${xs.length} | ${fmt(med(xs.map((x) => x.wall)))} | ${fmt(Math.min(...xs.map((x) => x.wall)))} | ${fmt(med(xs.map((x) => x.cpu)))} | ${med(ratios).toFixed(2)} |`;
}

runCommand([process.execPath, bin, "db", "migrate"]);
runCommand([process.execPath, bin, "token", "create", "--name", "bench", "--scopes", "read"]);
const before = loadavg();
const node0: Sample[] = [];
const server: Sample[] = [];
const tokenList: Sample[] = [];
const medallionLoad: Sample[] = [];
const nodeCmd = [process.execPath, "-e", "0"];
// One unmeasured round first (file cache).
runCommand(nodeCmd);
await serverToReady();
runCommand([process.execPath, bin, "token", "list"]);
for (let i = 0; i < RUNS; i++) {
  node0.push(runCommand(nodeCmd));
  server.push(await serverToReady());
  tokenList.push(runCommand([process.execPath, bin, "token", "list"]));
  medallionLoad.push(runCommand([process.execPath, bin, "medallion", "load", "--tag", "bench"]));
}
const after = loadavg();
rmSync(dir, { recursive: true, force: true });

console.log(
  [
    "### Start-up: server to /readyz, and the CLI through the installed bin",
    "",
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC · ${machine()}`,
    `Load average (1 / 5 / 15 min): before ${before.map((l) => l.toFixed(2)).join(" / ")}, after ${after.map((l) => l.toFixed(2)).join(" / ")}`,
    "",
    "| command | runs | wall p50 ms | wall min ms | CPU p50 ms | CPU ÷ `node -e 0` (paired, p50) |",
    "|---|---:|---:|---:|---:|---:|",
    row("`node -e 0` (Node's own start-up)", node0, node0),
    row("`skillgraph serve` → first 200 on `/readyz`", server, node0),
    row("`skillgraph token list`", tokenList, node0),
    row("`skillgraph medallion load --tag bench`", medallionLoad, node0),
    "",
    "- SQLite database (WAL) in a temporary folder, `NODE_ENV=production`, migrations applied before the runs; each run a new process.",
    "",
  ].join("\n"),
);
