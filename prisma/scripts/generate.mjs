// `npm run generate` (also run on install): Prisma clients for SQLite and PostgreSQL, Pothos'
// Prisma types, and the typed test documents. Works offline with Prisma's JS engine.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { prisma, root, sqliteSchema, writePostgresSchema } from "./prisma-lib.mjs";

prisma(["generate", "--schema", sqliteSchema], { stdio: "inherit" });
// The URL only has to validate for the provider (an invalid one makes the CLI try to download a
// native engine); nothing connects to it.
const pg = writePostgresSchema();
prisma(["generate", "--schema", pg], {
  stdio: "inherit",
  env: { DATABASE_URL: "postgresql://localhost:5432/skillgraph", PRISMA_CLI_PROVIDER: "postgresql", PRISMA_SCHEMA: pg },
});

// Typed test documents (test/gql). Codegen is a dev dependency: a production install skips it.
const codegen = join(root, "node_modules/.bin/graphql-codegen");
if (existsSync(codegen) && existsSync(join(root, "codegen.ts"))) {
  execFileSync(codegen, ["--config", "codegen.ts", "--silent"], { cwd: root, stdio: "inherit" });
}
