// Shared by the generate and migration scripts: derives the PostgreSQL datamodel from the one
// SQLite datamodel and runs the Prisma CLI with the offline (JS engine) configuration.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const sqliteSchema = join(root, "prisma/schema.prisma");
export const postgresSchema = join(root, "src/generated/postgresql.prisma");
export const providers = ["sqlite", "postgresql"];

/** The datamodel text for a provider: the SQLite one with only the provider (and outputs) changed. */
export function datamodelFor(provider, text = readFileSync(sqliteSchema, "utf8")) {
  if (provider === "sqlite") return text;
  const swapped = text.replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"');
  if (swapped === text) throw new Error('prisma/schema.prisma: datasource provider "sqlite" not found');
  // The derived file lives in src/generated/: its client goes to src/generated/prisma-pg and it
  // needs no Pothos types of its own (the datamodel is the same).
  return swapped
    .replace(/output\s*=\s*"\.\.\/src\/generated\/prisma"/, 'output       = "./prisma-pg"')
    .replace(/generator pothos \{[^}]*\}/s, "");
}

export function writePostgresSchema() {
  mkdirSync(dirname(postgresSchema), { recursive: true });
  writeFileSync(postgresSchema, datamodelFor("postgresql"));
  return postgresSchema;
}

/** Runs the Prisma CLI offline. DATABASE_URL only has to be present for schema validation. */
export function prisma(args, options = {}) {
  return execFileSync(join(root, "node_modules/.bin/prisma"), args, {
    cwd: root,
    encoding: "utf8",
    stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      // Generators such as prisma-pothos-types are found on PATH, as under `npm run`.
      PATH: `${join(root, "node_modules/.bin")}${delimiter}${process.env.PATH ?? ""}`,
      DATABASE_URL: process.env.DATABASE_URL ?? "file:./data/prisma-cli.db",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
      ...options.env,
    },
  });
}
