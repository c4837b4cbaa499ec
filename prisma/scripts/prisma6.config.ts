// Configuration of the Prisma 6.19.3 CLI (the `prisma6` dev dependency), used only by
// migration-create.mjs for `migrate diff`: the JS (WebAssembly) schema engine with a driver adapter
// for the provider of the datamodel being diffed. Prisma 7's CLI reads ../../prisma.config.ts.
import { defineConfig } from "prisma6/config";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

const postgres = process.env.PRISMA_CLI_PROVIDER === "postgresql";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: process.env.PRISMA_SCHEMA ?? "prisma/schema.prisma",
  async adapter() {
    return postgres
      ? new PrismaPg({ connectionString: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" })
      : new PrismaBetterSqlite3({ url: ":memory:" });
  },
});
