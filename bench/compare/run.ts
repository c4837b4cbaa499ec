// `npm run bench:compare`: throughput of skillgraph (on SQLite and on PostgreSQL) beside
// PostGraphile v5 and a hand-written node:http + SQL server, on the same seeded data, each loaded
// by wrk on its own (the others sit idle), systems interleaved over several rounds so a change in
// the machine's load spreads over all of them. Prints a markdown section and writes the raw runs
// to bench/compare/results/. See bench/compare/README.md.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { countingProxy } from "./pg-count-proxy.js";
import { freshPostgresDatabase, root, runSkillgraph, seed, skillgraphCli, type SeedInfo } from "./seed.js";

const SYSTEM_IDS = ["sg-sqlite", "sg-pg", "pgl", "hand-pg", "hand-sqlite"] as const;
const WORKLOADS = ["W1", "W2"] as const;
type SystemId = (typeof SYSTEM_IDS)[number];
type Workload = (typeof WORKLOADS)[number];

// ---- options: argv first, then env, then defaults

const { values: argv } = parseArgs({
  options: {
    rounds: { type: "string" },
    duration: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string" },
    threads: { type: "string" },
    systems: { type: "string" },
    workloads: { type: "string" },
    "skip-statements": { type: "boolean" },
  },
});
const int = (v: string | undefined, env: string, fallback: number) => Number.parseInt(v ?? process.env[env] ?? "", 10) || fallback;
const list = <T extends string>(v: string | undefined, env: string, all: readonly T[]): T[] => {
  const wanted = (v ?? process.env[env] ?? all.join(",")).split(",").map((s) => s.trim());
  const unknown = wanted.filter((w) => !all.includes(w as T));
  if (unknown.length) throw new Error(`unknown ${env.slice(6).toLowerCase()}: ${unknown.join(", ")} (known: ${all.join(", ")})`);
  return all.filter((a) => wanted.includes(a)); // the fixed interleaving order, whatever order was asked
};
const opts = {
  rounds: int(argv.rounds, "BENCH_ROUNDS", 3),
  duration: int(argv.duration, "BENCH_DURATION", 10),
  warmup: int(argv.warmup, "BENCH_WARMUP", 3),
  connections: int(argv.connections, "BENCH_CONNECTIONS", 10),
  threads: int(argv.threads, "BENCH_THREADS", 1),
  systems: list(argv.systems, "BENCH_SYSTEMS", SYSTEM_IDS),
  workloads: list(argv.workloads, "BENCH_WORKLOADS", WORKLOADS),
  statements: !(argv["skip-statements"] ?? process.env.BENCH_SKIP_STATEMENTS === "1"),
  pgServer: process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432",
  pgDb: process.env.BENCH_PG_DB ?? "skillgraph_bench",
};

// ---- the systems and what each is sent

const SG_W1 = "query W1 { artifacts(first: 100) { edges { node { key name type tags { name } collection { name } } } } }";
const SG_W2 = "query W2($key: String!) { artifact(key: $key) { key name type tags { name } } }";
// PostGraphile's equivalents, aliased to skillgraph's names. Prisma's @unique are unique indexes,
// not constraints, so PostGraphile offers no lookup by (collection, type, name): W2 filters
// allArtifacts on those columns (the unique index serves it). Tags come in tagId order, which the
// seed made the same as name order (PostGraphile cannot order a join table by the tag's name).
const PGL_TAGS = "tags: artifactTagsByArtifactId(orderBy: TAG_ID_ASC) { nodes { tag: tagByTagId { name } } }";
const PGL_W1 = `query W1 { artifacts: allArtifacts(first: 100, orderBy: [NAME_ASC, ROW_ID_ASC]) { edges { node { name type ${PGL_TAGS} collection: collectionByCollectionId { name } } } } }`;
const PGL_W2 = `query W2($collectionId: String!, $type: ArtifactType!, $name: String!) { artifact: allArtifacts(condition: { collectionId: $collectionId, type: $type, name: $name }, first: 1) { nodes { name type ${PGL_TAGS} } } }`;

interface Node {
  key: string;
  name: string;
  type: string;
  tags: { name: string }[];
  collection?: { name: string };
}
interface PglNode {
  name: string;
  type: string;
  tags: { nodes: { tag: { name: string } }[] };
  collection?: { name: string };
}
/** The part of a response the checks look at, in skillgraph's shape. */
type Answer = { artifacts?: { edges: { node: Node }[] }; artifact?: Node | null };

interface System {
  label: string;
  db: "sqlite" | "pg";
  argv: string[];
  skillgraph: boolean;
  body(w: Workload, seed: SeedInfo): string;
  /** The response's data in skillgraph's shape, so every system's answer can be compared. */
  answer(data: unknown): Answer;
}

const tsServer = (file: string) => [process.execPath, "--import", "tsx", `bench/compare/servers/${file}`];
const sgBody = (w: Workload, seed: SeedInfo) =>
  JSON.stringify(w === "W1" ? { operationName: "W1", query: SG_W1 } : { operationName: "W2", query: SG_W2, variables: { key: seed.w2.key } });
const fromPgl = (n: PglNode): Node => ({
  key: `${n.type.toLowerCase()}:${n.name}`,
  name: n.name,
  type: n.type,
  tags: n.tags.nodes.map((t) => ({ name: t.tag.name })),
  ...(n.collection ? { collection: n.collection } : {}),
});
const sg = (db: "sqlite" | "pg"): System => ({
  label: `skillgraph (${db === "pg" ? "PostgreSQL" : "SQLite"})`,
  db,
  argv: [...skillgraphCli(), "serve"],
  skillgraph: true,
  body: sgBody,
  answer: (data) => data as Answer,
});
const hand = (db: "sqlite" | "pg"): System => ({ ...sg(db), label: `hand-written (${db === "pg" ? "PostgreSQL" : "SQLite"})`, argv: tsServer("handwritten.ts"), skillgraph: false });
const pglVersion = (JSON.parse(readFileSync(join(root, "node_modules/postgraphile/package.json"), "utf8")) as { version: string }).version;
const SYSTEMS: Record<SystemId, System> = {
  "sg-sqlite": sg("sqlite"),
  "sg-pg": sg("pg"),
  pgl: {
    label: `PostGraphile ${pglVersion} (PostgreSQL)`,
    db: "pg",
    argv: tsServer("postgraphile.ts"),
    skillgraph: false,
    body: (w, seed) =>
      JSON.stringify(
        w === "W1"
          ? { operationName: "W1", query: PGL_W1 }
          : { operationName: "W2", query: PGL_W2, variables: { collectionId: seed.w2.collectionId, type: seed.w2.type, name: seed.w2.name } },
      ),
    answer: (data) => {
      const d = data as { artifacts?: { edges: { node: PglNode }[] }; artifact?: { nodes: PglNode[] } };
      if (d.artifacts) return { artifacts: { edges: d.artifacts.edges.map((e) => ({ node: fromPgl(e.node) })) } };
      const [first] = d.artifact?.nodes ?? [];
      return { artifact: first ? fromPgl(first) : null };
    },
  },
  "hand-pg": hand("pg"),
  "hand-sqlite": hand("sqlite"),
};

// ---- processes: every server is started in its own process group, and every group is stopped
// on the way out, also after an error or Ctrl-C

interface Server {
  id: SystemId;
  proc: ChildProcess;
  port: number;
  auth: string;
  output: string[];
}
const servers = new Set<Server>();
let wrkChild: ChildProcess | undefined;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
const dir = mkdtempSync(join(tmpdir(), "skillgraph-compare-"));
function cleanupNow(): void {
  for (const s of servers) killGroup(s.proc.pid, "SIGKILL");
  if (wrkChild?.exitCode === null) wrkChild.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
process.on("exit", cleanupNow);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping every server started`);
    process.exit(130);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const address = srv.address();
  await new Promise((r) => srv.close(r));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

async function isReady(id: SystemId, port: number): Promise<boolean> {
  try {
    // PostGraphile listens only once its schema is built; the others have /readyz.
    const res =
      id === "pgl"
        ? await fetch(`http://127.0.0.1:${port}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query":"{__typename}"}' })
        : await fetch(`http://127.0.0.1:${port}/readyz`);
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Each database's collection folders, in the run's temporary folder (primed after seeding). */
const collectionsDir = (db: "sqlite" | "pg") => join(dir, `collections-${db}`);

/** Writes the collection folders of a seeded database once (bench/compare/prime-folders.ts). */
function primeFolders(db: "sqlite" | "pg", databaseUrl: string): void {
  const started = performance.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "bench/compare/prime-folders.ts")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, SKILLGRAPH_COLLECTIONS_DIR: collectionsDir(db) },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error(`priming the ${db} collection folders failed (exit ${r.status})`);
  console.error(`${db}: collection folders written in ${fmt(performance.now() - started)} ms (the servers start with them in step)`);
}

async function startServer(id: SystemId, databaseUrl: string, auth: string): Promise<Server> {
  const system = SYSTEMS[id];
  const port = await freePort();
  const [cmd = "node", ...args] = system.argv;
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    SKILLGRAPH_WORKER_CONCURRENCY: "0",
    SKILLGRAPH_RATE_LIMIT_ANONYMOUS: "0",
    SKILLGRAPH_RATE_LIMIT_AUTHENTICATED: "0",
    SKILLGRAPH_COLLECTIONS_DIR: collectionsDir(system.db),
  };
  const proc = spawn(cmd, args, { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const server: Server = { id, proc, port, auth, output: [] };
  servers.add(server);
  // Keep the last lines, for the report when it fails; the pipes must be read in any case.
  const keep = (chunk: Buffer) => {
    server.output.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    server.output.splice(0, server.output.length - 40);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  const deadline = Date.now() + 90_000;
  while (!(await isReady(id, port))) {
    if (proc.exitCode !== null || proc.signalCode !== null || Date.now() > deadline) {
      await stopServer(server);
      const why = proc.exitCode !== null ? `exited with ${proc.exitCode}` : proc.signalCode ? `killed by ${proc.signalCode}` : "not ready after 90 s";
      const cause = server.output.find((l) => /Error\b/.test(l)) ?? server.output.at(-1) ?? "";
      throw new Error(`${system.argv.join(" ")} ${why}${cause ? `: ${cause.trim()}` : ""}`);
    }
    await sleep(250);
  }
  return server;
}

async function stopServer(server: Server): Promise<void> {
  servers.delete(server);
  const { proc } = server;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once("exit", r));
  killGroup(proc.pid, "SIGTERM");
  if ((await Promise.race([exited, sleep(5000).then(() => "timeout")])) === "timeout") killGroup(proc.pid, "SIGKILL");
  await exited;
}

/** Resident memory of the server's process tree (the start command may be a wrapper), KiB. */
function rssKiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  let total = 0;
  const pending = [pid];
  for (let p = pending.pop(); p !== undefined; p = pending.pop()) {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
      for (const task of readFileSync(`/proc/${p}/task/${p}/children`, "utf8").split(" ").filter(Boolean)) pending.push(Number(task));
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

// ---- load and checks

interface WrkResult {
  requests: number;
  durationUs: number;
  bytes: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  meanUs: number;
}

async function wrk(server: Server, w: Workload, seconds: number, seed: SeedInfo): Promise<WrkResult> {
  const lua = join(root, "bench/compare/wrk/post.lua");
  const args = [`-t${opts.threads}`, `-c${opts.connections}`, `-d${seconds}s`, "-s", lua, `http://127.0.0.1:${server.port}/graphql`];
  const child = spawn("wrk", args, { env: { ...process.env, WRK_BODY: SYSTEMS[server.id].body(w, seed), WRK_AUTH: server.auth }, stdio: ["ignore", "pipe", "pipe"] });
  wrkChild = child;
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
  const code = await new Promise<number | null>((r) => child.once("close", r));
  const line = out.split("\n").find((l) => l.startsWith("WRK_RESULT "));
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}): ${out.trim().slice(0, 300)}`);
  return JSON.parse(line.slice("WRK_RESULT ".length)) as WrkResult;
}

async function request(server: Server, body: string): Promise<{ status: number; json: { data?: unknown; errors?: unknown[] } | undefined }> {
  const headers: Record<string, string> = { "content-type": "application/json", ...(server.auth ? { authorization: server.auth } : {}) };
  const res = await fetch(`http://127.0.0.1:${server.port}/graphql`, { method: "POST", headers, body });
  const text = await res.text();
  try {
    return { status: res.status, json: JSON.parse(text) as { data?: unknown; errors?: unknown[] } };
  } catch {
    return { status: res.status, json: undefined };
  }
}

/** The first verified answer per workload; every other system must give the same one. */
const reference = new Map<Workload, { id: SystemId; answer: string }>();

/** Sends one request and checks its answer; returns the problems (none when it is right). */
async function verify(server: Server, w: Workload, seed: SeedInfo): Promise<string[]> {
  const { status, json } = await request(server, SYSTEMS[server.id].body(w, seed));
  if (status !== 200 || !json?.data || json.errors?.length) return [`${w} answered ${status}: ${JSON.stringify(json?.errors ?? json ?? "not JSON").slice(0, 200)}`];
  const answer = SYSTEMS[server.id].answer(json.data);
  const problems: string[] = [];
  if (w === "W1" && answer.artifacts?.edges.length !== 100) problems.push(`W1 gave ${answer.artifacts?.edges.length ?? 0} edges, not 100`);
  if (w === "W2" && answer.artifact?.key !== seed.w2.key) problems.push(`W2 gave key ${answer.artifact?.key ?? "null"}, not ${seed.w2.key}`);
  const text = JSON.stringify(answer);
  const ref = reference.get(w);
  if (problems.length === 0 && !ref) reference.set(w, { id: server.id, answer: text });
  else if (ref && ref.answer !== text) problems.push(`${w} answer differs from ${ref.id}'s`);
  return problems;
}

/** SQL statements per request, counted on the wire through a proxy (PostgreSQL systems only). */
async function statementsPerRequest(id: SystemId, pgUrl: string, auth: string, seed: SeedInfo): Promise<Partial<Record<Workload, number>>> {
  const target = new URL(pgUrl);
  const proxy = await countingProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(pgUrl);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(proxy.port);
  const server = await startServer(id, viaProxy.href, auth).catch(async (err: Error) => {
    await proxy.close();
    throw err;
  });
  const counts: Partial<Record<Workload, number>> = {};
  try {
    for (const w of opts.workloads) {
      const body = SYSTEMS[id].body(w, seed);
      for (let i = 0; i < 5; i++) await request(server, body); // caches, prepared statements, token
      await sleep(200);
      const before = proxy.statements();
      const n = 20;
      for (let i = 0; i < n; i++) await request(server, body);
      await sleep(300); // anything a request leaves running (e.g. a lastUsedAt write) lands here
      counts[w] = (proxy.statements() - before) / n;
    }
  } finally {
    await stopServer(server);
    await proxy.close();
  }
  return counts;
}

// ---- the run

interface Run extends WrkResult {
  round: number;
  system: SystemId;
  workload: Workload;
  rps: number;
  errors: number;
  rssKiB?: number;
  flags: string[];
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "–");
const mib = (kib: number) => fmt(kib / 1024, 0);

async function main(): Promise<void> {
  const started = new Date();
  const loadBefore = loadavg();
  const selected = opts.systems;
  const needs = (db: "sqlite" | "pg") => selected.some((id) => SYSTEMS[id].db === db);
  const failures = new Map<SystemId, string>();
  const notes: string[] = [];
  const urls: Record<"sqlite" | "pg", string> = { sqlite: `file:${join(dir, "bench.db")}`, pg: "" };
  let seedInfo: SeedInfo | undefined;
  let pgVersion = "";
  try {
    if (needs("sqlite")) {
      const s = await seed(urls.sqlite);
      seedInfo = s;
      console.error(`seeded SQLite in ${fmt(s.ms)} ms (schema by ${s.migratedBy})`);
      if (s.migratedBy !== "skillgraph db migrate") notes.push(`SQLite schema created by ${s.migratedBy}.`);
      if (selected.includes("sg-sqlite")) primeFolders("sqlite", urls.sqlite);
    }
    if (needs("pg")) {
      urls.pg = await freshPostgresDatabase(opts.pgServer, opts.pgDb);
      const s = await seed(urls.pg);
      seedInfo = s;
      console.error(`seeded PostgreSQL ${opts.pgDb} in ${fmt(s.ms)} ms (schema by ${s.migratedBy})`);
      if (s.migratedBy !== "skillgraph db migrate") notes.push(`PostgreSQL schema created by ${s.migratedBy}.`);
      if (selected.includes("sg-pg")) primeFolders("pg", urls.pg);
      const c = new pg.Client({ connectionString: urls.pg });
      await c.connect();
      pgVersion = (await c.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version ?? "";
      await c.end();
    }
    if (!seedInfo) throw new Error("no system selected");
    const seedData = seedInfo;

    // Tokens (skillgraph only): one read token per database.
    const auth = new Map<SystemId, string>();
    for (const id of selected) {
      if (!SYSTEMS[id].skillgraph) continue;
      try {
        const out = runSkillgraph(["token", "create", "--name", "bench", "--scopes", "read", "--json"], urls[SYSTEMS[id].db]);
        auth.set(id, `Bearer ${(JSON.parse(out) as { token: string }).token}`);
      } catch (err) {
        failures.set(id, (err as Error).message);
      }
    }
    const live = () => selected.filter((id) => !failures.has(id));

    // Statements per request, each PostgreSQL system alone behind the counting proxy.
    const statements: Partial<Record<SystemId, Partial<Record<Workload, number>>>> = {};
    if (opts.statements) {
      for (const id of live().filter((i) => SYSTEMS[i].db === "pg")) {
        try {
          statements[id] = await statementsPerRequest(id, urls.pg, auth.get(id) ?? "", seedData);
          console.error(`${id}: SQL statements per request ${JSON.stringify(statements[id])}`);
        } catch (err) {
          // Not a verdict on the system: the main run below starts it again without the proxy.
          notes.push(`${SYSTEMS[id].label}: statements not counted: ${(err as Error).message}`);
        }
      }
    }

    // Start every server, check its answers, warm it up.
    const running = new Map<SystemId, Server>();
    const checks = new Map<SystemId, string[]>();
    const rssStart = new Map<SystemId, number>();
    for (const id of live()) {
      try {
        const server = await startServer(id, urls[SYSTEMS[id].db], auth.get(id) ?? "");
        running.set(id, server);
        rssStart.set(id, rssKiB(server.proc.pid));
        const problems: string[] = [];
        for (const w of opts.workloads) problems.push(...(await verify(server, w, seedData)));
        checks.set(id, problems);
        for (const w of opts.workloads) await wrk(server, w, opts.warmup, seedData);
        console.error(`${id}: up on port ${server.port}, warmed up${problems.length ? `; WRONG ANSWER: ${problems.join("; ")}` : ", answers verified"}`);
      } catch (err) {
        failures.set(id, (err as Error).message);
        console.error(`${id}: FAILED: ${(err as Error).message}`);
      }
    }

    // The measured rounds: one server under load at a time.
    const runs: Run[] = [];
    for (let round = 1; round <= opts.rounds; round++) {
      for (const w of opts.workloads) {
        for (const id of live()) {
          const server = running.get(id);
          if (!server) continue;
          try {
            const r = await wrk(server, w, opts.duration, seedData);
            const errors = r.connect + r.read + r.write + r.status + r.timeout;
            const flags = [...(checks.get(id) ?? []).filter((p) => p.startsWith(w)), ...(errors ? [`${errors} errors/non-2xx`] : [])];
            const run: Run = { round, system: id, workload: w, ...r, rps: r.requests / (r.durationUs / 1e6), errors, flags };
            if (w === "W1") run.rssKiB = rssKiB(server.proc.pid);
            runs.push(run);
            console.error(`round ${round} ${w} ${id}: ${fmt(run.rps)} req/s, p50 ${fmt(r.p50Us / 1000, 2)} ms, p99 ${fmt(r.p99Us / 1000, 2)} ms${flags.length ? ` ⚠ ${flags.join("; ")}` : ""}`);
          } catch (err) {
            failures.set(id, `during round ${round} ${w}: ${(err as Error).message}; ${server.output.slice(-3).join(" | ")}`);
            await stopServer(server);
            running.delete(id);
          }
          await sleep(500);
        }
      }
    }
    for (const server of running.values()) await stopServer(server);
    const loadAfter = loadavg();

    // ---- report
    const row = (id: SystemId, w: Workload) => {
      const rs = runs.filter((r) => r.system === id && r.workload === w);
      return {
        rps: median(rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50Us / 1000)),
        p99: median(rs.map((r) => r.p99Us / 1000)),
        errors: rs.reduce((a, r) => a + r.errors, 0),
        flags: [...new Set(rs.flatMap((r) => r.flags.filter((f) => !f.endsWith("errors/non-2xx"))))],
        n: rs.length,
      };
    };
    const cpu = cpus();
    const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(" / ");
    const lines = [
      `### Comparison: skillgraph, PostGraphile, hand-written (${started.toISOString().slice(0, 16).replace("T", " ")} UTC)`,
      "",
      `- Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}`,
      `- Load: \`wrk -t${opts.threads} -c${opts.connections} -d${opts.duration}s\` per run, one server loaded at a time, ${opts.rounds} round(s) with the systems interleaved; medians over rounds; ${opts.warmup} s warm-up per server and workload first`,
      `- Load average (1 / 5 / 15 min): before ${la(loadBefore)}, after ${la(loadAfter)}`,
      `- Data: ${fmt(seedData.artifacts)} artifacts (10,000 in "default", 50 in each of two other collections), ${seedData.tags} tags, 3 per artifact; W2 key \`${seedData.w2.key}\``,
      `- Versions: PostGraphile ${pglVersion} (amber preset, grafserv on node:http${Number(process.versions.node.split(".")[0]) < 22 ? "; Promise.withResolvers added for Node < 22" : ""})${pgVersion ? `, PostgreSQL ${pgVersion}` : ""}`,
      "",
      "| system | workload | req/s | p50 ms | p99 ms | errors | SQL statements / request | runs |",
      "|---|---|---:|---:|---:|---:|---:|---:|",
    ];
    for (const w of opts.workloads) {
      for (const id of selected) {
        const r = row(id, w);
        if (r.n === 0) continue;
        const st = statements[id]?.[w];
        const flag = r.flags.length || r.errors ? ` ⚠ ${[...r.flags, ...(r.errors ? [`${r.errors} errors`] : [])].join("; ")}` : "";
        lines.push(`| ${SYSTEMS[id].label} | ${w} | ${fmt(r.rps)}${flag} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.errors} | ${st === undefined ? "–" : fmt(st, 2)} | ${r.n} |`);
      }
    }
    const ratios: [string, SystemId, SystemId][] = [
      ["skillgraph SQLite / PostGraphile", "sg-sqlite", "pgl"],
      ["skillgraph PG / PostGraphile", "sg-pg", "pgl"],
      ["skillgraph SQLite / hand-written SQLite", "sg-sqlite", "hand-sqlite"],
      ["skillgraph PG / hand-written PG", "sg-pg", "hand-pg"],
      ["PostGraphile / hand-written PG", "pgl", "hand-pg"],
    ];
    const shown = ratios.filter(([, a, b]) => opts.workloads.some((w) => row(a, w).n && row(b, w).n));
    if (shown.length) {
      lines.push("", "Throughput ratios (median req/s):", "", `| ratio | ${opts.workloads.join(" | ")} |`, `|---|${opts.workloads.map(() => "---:").join("|")}|`);
      for (const [label, a, b] of shown) lines.push(`| ${label} | ${opts.workloads.map((w) => fmt(row(a, w).rps / row(b, w).rps, 2)).join(" | ")} |`);
    }
    if (running.size || rssStart.size) {
      lines.push("", "Resident memory (process tree, MiB):", "", "| system | after start | after its W1 runs (median) |", "|---|---:|---:|");
      for (const id of selected) {
        if (!rssStart.has(id)) continue;
        const w1 = median(runs.filter((r) => r.system === id && r.rssKiB !== undefined).map((r) => r.rssKiB ?? Number.NaN));
        lines.push(`| ${SYSTEMS[id].label} | ${mib(rssStart.get(id) ?? Number.NaN)} | ${mib(w1)} |`);
      }
    }
    const failed = selected.filter((id) => failures.has(id));
    if (failed.length || notes.length) lines.push("");
    for (const id of failed) lines.push(`- **${SYSTEMS[id].label} failed**: ${failures.get(id)}`);
    for (const n of notes) lines.push(`- ${n}`);
    lines.push("");
    const markdown = lines.join("\n");
    console.log(markdown);

    const results = join(root, "bench/compare/results");
    mkdirSync(results, { recursive: true });
    const file = join(results, `compare-${started.toISOString().replace(/[:.]/g, "-")}.json`);
    const machine = { cpu: cpu[0]?.model.trim(), cpus: cpu.length, ramGiB: totalmem() / 2 ** 30, node: process.version, platform: process.platform };
    const raw = {
      started: started.toISOString(),
      finished: new Date().toISOString(),
      machine,
      loadBefore,
      loadAfter,
      options: opts,
      versions: { postgraphile: pglVersion, postgresql: pgVersion },
      seed: seedData,
      statements,
      rssStartKiB: Object.fromEntries(rssStart),
      checks: Object.fromEntries(checks),
      failures: Object.fromEntries(failures),
      runs,
      markdown,
    };
    writeFileSync(file, `${JSON.stringify(raw, null, 2)}\n`);
    console.error(`raw results: ${file}`);
    if (failed.length === selected.length) process.exitCode = 1;
  } finally {
    for (const s of [...servers]) await stopServer(s);
  }
}

await main();
