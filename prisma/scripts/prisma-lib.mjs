// Shared by the generate and migration scripts: derives each provider's datamodel from the one
// SQLite datamodel and runs the Prisma CLIs offline.
//
// Two CLIs, because of what works without Prisma's binary downloads (../shared/notes and README,
// "Prisma offline"):
// - Prisma 7 (the `prisma` package, matching @prisma/client) generates the clients. Its CLI first
//   looks for the native schema engine and would download it; `generate` never runs that engine,
//   so PRISMA_SCHEMA_ENGINE_BINARY names an existing file to satisfy the lookup.
// - Prisma 6.19.3 (the `prisma6` alias, a dev dependency) runs `migrate diff` with its
//   WebAssembly schema engine, which Prisma 7 no longer ships. Its schema format wants the URL in
//   the datasource block and `engineType = "client"`, so those are added to the text it is given.
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
  // needs no Pothos types of its own (the datamodel is the same). On PostgreSQL a query with
  // relations is one statement (LATERAL joins, JSON aggregation) with relationJoins.
  return swapped
    .replace(/output\s*=\s*"\.\.\/src\/generated\/prisma"/, 'output       = "./prisma-pg"\n  previewFeatures = ["relationJoins"]')
    .replace(/generator pothos \{[^}]*\}/s, "");
}

/** A datamodel (current, or a snapshot of an earlier migration) in the form Prisma 6.19's `migrate diff` reads. */
export function legacyDatamodelFor(provider, text) {
  const plain = text
    .replace(/^\s*url\s*=\s*env\("DATABASE_URL"\)\s*$/m, "")
    .replace(/^\s*engineType\s*=\s*"client"\s*$/m, "")
    .replace(/^\s*previewFeatures\s*=.*$/m, "");
  return datamodelFor(provider, plain)
    .replace(/(datasource db \{[^}]*?provider\s*=\s*"(?:sqlite|postgresql)")/s, '$1\n  url      = env("DATABASE_URL")')
    .replace(/(generator client \{)/, '$1\n  engineType = "client"');
}

export function writePostgresSchema() {
  mkdirSync(dirname(postgresSchema), { recursive: true });
  writeFileSync(postgresSchema, datamodelFor("postgresql"));
  return postgresSchema;
}

function run(command, args, options) {
  return execFileSync(command, args, {
    cwd: root,
    encoding: "utf8",
    stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      // Generators such as prisma-pothos-types are found on PATH, as under `npm run`.
      PATH: `${join(root, "node_modules/.bin")}${delimiter}${process.env.PATH ?? ""}`,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
      ...options.env,
    },
  });
}

/** Runs the Prisma 7 CLI (generate) offline. */
export function prisma(args, options = {}) {
  return run(join(root, "node_modules/.bin/prisma"), args, {
    ...options,
    env: { PRISMA_SCHEMA_ENGINE_BINARY: fileURLToPath(import.meta.url), ...options.env },
  });
}

/** Runs the Prisma 6.19.3 CLI (`migrate diff`) with its WebAssembly schema engine. */
export function prismaLegacy(args, options = {}) {
  return run(process.execPath, [join(root, "node_modules/prisma6/build/index.js"), ...args, "--config", join(root, "prisma/scripts/prisma6.config.ts")], options);
}
