// `npm run generate` (also run on install): Prisma clients for SQLite and PostgreSQL, and
// Pothos' Prisma types. Works offline with Prisma's JS engine.
import { prisma, sqliteSchema, writePostgresSchema } from "./prisma-lib.mjs";

prisma(["generate", "--schema", sqliteSchema], { stdio: "inherit" });
// The URL only has to validate for the provider (an invalid one makes the CLI try to download a
// native engine); nothing connects to it.
const pg = writePostgresSchema();
prisma(["generate", "--schema", pg], {
  stdio: "inherit",
  env: { DATABASE_URL: "postgresql://localhost:5432/skillgraph", PRISMA_CLI_PROVIDER: "postgresql", PRISMA_SCHEMA: pg },
});
