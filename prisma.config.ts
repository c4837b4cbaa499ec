// Prisma CLI configuration. The JS (WebAssembly) schema engine is used because the native
// engines cannot be downloaded on these machines (see README, "Prisma offline").
// The CLI is used for `generate` and `migrate diff` only (scripts/); migrations are applied by
// the application's own migrator (src/db/migrator.ts). The adapter must match the schema's
// provider, or the CLI falls back to downloading a native engine.
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

const postgres = process.env.PRISMA_CLI_PROVIDER === "postgresql";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: process.env.PRISMA_SCHEMA ?? "prisma/schema.prisma",
  async adapter() {
    return postgres
      ? new PrismaPg({ connectionString: process.env.DATABASE_URL ?? "postgresql://localhost:5432/skillgraph" })
      : new PrismaBetterSQLite3({ url: process.env.PRISMA_CLI_DATABASE_URL ?? ":memory:" });
  },
});
