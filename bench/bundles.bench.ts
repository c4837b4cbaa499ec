// Bundles on SQLite, in-process: exporting a 100-artifact collection as a signed bundle (reading
// every artifact's files, the manifest, the Ed25519 signature, the deterministic tar, the atomic
// write) and the import preview of that bundle on a second instance whose collection already holds
// 50 of them (25 identical, 25 changed: conflicts with per-file changes) and lacks the other 50.
// QUICK=1 runs few iterations (a smoke run).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { createApp, type App } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/lib/logger.js";
import { SYSTEM } from "../src/lib/principal.js";
import { percentile, report, type Stats } from "./lib.js";

const work = mkdtempSync(join(tmpdir(), "skillgraph-bench-bundles-"));
const roots = join(work, "roots");
const runs = process.env.QUICK ? 3 : 20;

function write(root: string, files: Record<string, string>) {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
}

const skill = (name: string, extra = "") => `---\nname: ${name}\ndescription: Benchmark skill ${name}.\nlicense: MIT\nallowed-tools: Read, mcp__github__create_issue\n---\n\n# ${name}\n\n${"Some guidance for the agent.\n".repeat(40)}${extra}`;

async function open(name: string): Promise<App> {
  const config = loadConfig({
    DATABASE_URL: `file:${join(work, name, "db.sqlite")}`,
    LOG_LEVEL: "silent",
    SKILLGRAPH_IMPORT_ROOTS: roots,
    SKILLGRAPH_COLLECTIONS_DIR: join(work, name, "collections"),
    SKILLGRAPH_BUNDLES_DIR: join(work, name, "bundles"),
    SKILLGRAPH_SECRET_KEY: "ab".repeat(32),
    SKILLGRAPH_WORKER_CONCURRENCY: "0",
    SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "0",
  });
  return createApp(config, { logger: createLogger("silent") });
}

function stats(name: string, times: number[]): Stats {
  const s = [...times].sort((a, b) => a - b);
  return { name, n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) ?? Number.NaN };
}

async function importSkill(app: App, name: string, extra = "") {
  const dir = join(roots, `${name}-${extra ? "changed" : "same"}`, name);
  write(dir, { "SKILL.md": skill(name, extra), "scripts/run.sh": `#!/bin/sh\necho ${name}\n`, "reference/notes.md": `${name}\n`.repeat(200) });
  await app.services.content.import(SYSTEM, { path: dir });
}

const load0 = loadavg();
const rows: Stats[] = [];
const a = await open("a");
const b = await open("b");
try {
  const names = Array.from({ length: 100 }, (_, i) => `s${String(i).padStart(3, "0")}`);
  for (const n of names) await importSkill(a, n);
  await a.services.content.folders.flush();

  const exportTimes: number[] = [];
  let file = "";
  let size = 0;
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const r = await a.services.sharing.exportBundle({ ...SYSTEM, name: "bench" }, { collection: "default", name: "bench", version: "1.0.0" });
    if (i >= 2) exportTimes.push(performance.now() - t0);
    if (r.artifacts !== 100) throw new Error(`exported ${r.artifacts} artifacts`);
    file = r.file;
    size = r.size;
  }
  rows.push(stats(`export a 100-artifact collection as a signed bundle (300 files, ${(size / 1024).toFixed(0)} KiB)`, exportTimes));

  // B trusts A's key and holds 50 of the artifacts: 25 the same, 25 changed.
  await b.services.sharing.keys.trust((await a.services.sharing.keys.current()).publicKey, "a", SYSTEM);
  for (const [i, n] of names.slice(0, 50).entries()) await importSkill(b, n, i % 2 ? "Changed on b.\n" : "");
  await b.services.content.folders.flush();
  mkdirSync(b.config.sharing.bundlesDir, { recursive: true });
  writeFileSync(join(b.config.sharing.bundlesDir, file), await a.services.sharing.readBundle(file));

  const previewTimes: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const p = await b.services.sharing.previewImport(file, null, { allowUnsigned: false });
    if (i >= 2) previewTimes.push(performance.now() - t0);
    const count = (s: string) => p.items.filter((x) => x.status === s).length;
    if (count("NEW") !== 50 || count("IDENTICAL") !== 25 || count("CONFLICT") !== 25) throw new Error(`preview ${count("NEW")}/${count("IDENTICAL")}/${count("CONFLICT")}`);
  }
  rows.push(stats("import preview of it: verify + 50 NEW, 25 IDENTICAL, 25 CONFLICT (with per-file changes)", previewTimes));
} finally {
  await a.stop();
  await b.stop();
}
const load1 = loadavg();
const p50 = (i: number) => rows[i]?.p50 ?? Number.NaN;
report("Bundles: export and import preview (SQLite)", rows, [
  `Load average (1 / 5 / 15 min): before ${load0.map((l) => l.toFixed(2)).join(" / ")}, after ${load1.map((l) => l.toFixed(2)).join(" / ")}`,
  `Targets (#14): export < 2000 ms (p50 is ${((p50(0) / 2000) * 100).toFixed(0)}% of it); import preview < 1000 ms (p50 is ${((p50(1) / 1000) * 100).toFixed(0)}% of it).`,
]);
rmSync(work, { recursive: true, force: true });
