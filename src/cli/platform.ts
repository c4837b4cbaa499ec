// The platform's own commands: serve, db (create, migrate, inspect, reset) and schema.
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { migrate, migrationStatus, resetDatabase } from "../db/migrator.js";
import { config, stopOnSignals } from "./context.js";
import { printJson } from "./output.js";
import { localOnly } from "./remote.js";

export function registerPlatformCommands(program: Command): void {
  program
    .command("serve")
    .description("Start the API server (migrates the database first unless SKILLGRAPH_MIGRATE_ON_START=false)")
    .option("-p, --port <port>", "port to listen on (default: PORT or 4000)")
    .option("-H, --host <host>", "address to bind (default: HOST or 127.0.0.1)")
    .option("--no-worker", "do not run job workers in this process (run `skillgraph worker` elsewhere)")
    .action(async (opts: { port?: string; host?: string; worker: boolean }, command: Command) => {
      localOnly(command);
      const { createApp } = await import("../app.js");
      const app = await createApp(config({ PORT: opts.port, HOST: opts.host, SKILLGRAPH_WORKER_CONCURRENCY: opts.worker ? undefined : "0" }));
      const url = await app.start();
      app.logger.info("skillgraph listening", { graphql: `${url}/graphql`, database: app.database.provider });
      stopOnSignals(app);
    });

  const db = program.command("db").description("Database: create, migrate, inspect, reset");
  db.command("init")
    .description("Create the database (SQLite file or PostgreSQL schema) and apply all migrations")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, command: Command) => {
      localOnly(command);
      const applied = await migrate(config().databaseUrl);
      if (opts.json) return printJson({ applied });
      console.log(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join("\n  ")}` : "Database is up to date.");
    });
  db.command("migrate")
    .description("Apply pending migrations")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, command: Command) => {
      localOnly(command);
      const applied = await migrate(config().databaseUrl);
      if (opts.json) return printJson({ applied });
      console.log(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join("\n  ")}` : "No pending migrations.");
    });
  db.command("status")
    .description("List applied and pending migrations")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, command: Command) => {
      localOnly(command);
      const s = await migrationStatus(config().databaseUrl);
      if (opts.json) return console.log(JSON.stringify(s, null, 2));
      console.log(`Provider: ${s.provider}`);
      console.log(`Applied (${s.applied.length}):`);
      for (const m of s.applied) console.log(`  ${m.name}${m.checksumMatches ? "" : "  (file changed since it was applied!)"}`);
      console.log(`Pending (${s.pending.length}):`);
      for (const m of s.pending) console.log(`  ${m}`);
      if (s.failed.length) console.log(`Failed (${s.failed.length}):\n  ${s.failed.join("\n  ")}`);
      if (s.pending.length || s.failed.length) process.exitCode = 1;
    });
  db.command("reset")
    .description("Drop all data and re-apply migrations (needs --force)")
    .option("--force", "really destroy all data")
    .option("--json", "print JSON")
    .action(async (opts: { force?: boolean; json?: boolean }, command: Command) => {
      localOnly(command);
      if (!opts.force) {
        console.error("db reset destroys all data. Run again with --force to do it.");
        process.exitCode = 2;
        return;
      }
      const applied = await resetDatabase(config().databaseUrl);
      if (opts.json) return printJson({ reset: true, applied });
      console.log(`Database reset; applied ${applied.length} migration(s).`);
    });

  const schema = program.command("schema").description("The GraphQL schema");
  schema
    .command("print")
    .description("Print the SDL (sorted), or write it to a file, or check a file against it")
    .option("-o, --output <file>", "write to this file")
    .option("--check <file>", "exit 1 if this file differs from the schema the code builds")
    .action(async (opts: { output?: string; check?: string }, command: Command) => {
      localOnly(command);
      const { printSdl } = await import("../schema.js");
      const sdl = printSdl();
      if (opts.check) {
        let current = "";
        try {
          current = readFileSync(opts.check, "utf8");
        } catch {
          // a missing file is drift too
        }
        if (current !== sdl) {
          console.error(`${opts.check} does not match the schema built from the code. Run: npm run schema:print`);
          process.exitCode = 1;
        } else console.log(`${opts.check} matches the code.`);
        return;
      }
      if (opts.output) {
        writeFileSync(opts.output, sdl);
        console.log(`Wrote ${opts.output}`);
      } else process.stdout.write(sdl);
    });
}
