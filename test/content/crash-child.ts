// A process that commits an import and is then killed before its collection folder write can run
// (test/content/crash.test.ts): after the commit it says so on stdout and blocks its event loop, so
// the write-through scheduled by the commit cannot reach the disk before the parent's SIGKILL.
import { writeSync } from "node:fs";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import { SYSTEM } from "../../src/lib/principal.js";

const [databaseUrl, collections, roots, path] = process.argv.slice(2);
if (!databaseUrl || !collections || !roots || !path) throw new Error("usage: crash-child <database url> <collections dir> <import root> <path>");
const app = await createApp(
  loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", SKILLGRAPH_COLLECTIONS_DIR: collections, SKILLGRAPH_IMPORT_ROOTS: roots, SKILLGRAPH_WORKER_CONCURRENCY: "0", SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "0" }),
  { logger: createLogger("silent") },
);
const r = await app.services.content.import(SYSTEM, { path });
writeSync(1, `committed ${r.key} ${r.version}\n`);
// No await from here on: the event loop never turns again, so no file is written.
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
process.exit(3);
