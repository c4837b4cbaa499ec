// `npm run generate` (also run on install): Prisma clients for SQLite and PostgreSQL, Pothos'
// Prisma types, and the typed test documents. Works offline (see prisma-lib.mjs).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { prisma, root, sqliteSchema, writePostgresSchema } from "./prisma-lib.mjs";

prisma(["generate", "--schema", sqliteSchema], { stdio: "inherit" });
const pg = writePostgresSchema();
prisma(["generate", "--schema", pg], { stdio: "inherit", env: { PRISMA_SCHEMA: pg } });

// Typed test documents (test/gql). Codegen is a dev dependency: a production install skips it.
const codegen = join(root, "node_modules/.bin/graphql-codegen");
if (existsSync(codegen) && existsSync(join(root, "codegen.ts"))) {
  execFileSync(codegen, ["--config", "codegen.ts", "--silent"], { cwd: root, stdio: "inherit" });
}
