// Writes every collection's folder (collection.toml and files) once, as a running server keeps it
// in step, so the measured skillgraph servers start in that steady state. The raw-SQL seed leaves
// the folders missing, and a server finding a folder behind its database rewrites it on start (a
// 10,000-artifact manifest, in the background): a one-time repair, not serving, which the
// throughput and resident-memory figures should not include.
// Run by bench/compare/run.ts with DATABASE_URL and SKILLGRAPH_COLLECTIONS_DIR set.
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";

const config = loadConfig({ ...process.env, PORT: "0", LOG_LEVEL: "warn", SKILLGRAPH_MIGRATE_ON_START: "false", SKILLGRAPH_WORKER_CONCURRENCY: "0", SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "0" });
const app = await createApp(config, { logger: createLogger("warn"), startBackground: false });
try {
  await app.services.content.repairFolders();
  await app.services.content.folders.flush();
} finally {
  await app.stop();
}
