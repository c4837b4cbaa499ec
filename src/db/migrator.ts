// Applies the SQL migrations in prisma/migrations/<provider>/ and records them in
// `_prisma_migrations` exactly as Prisma Migrate does (id, sha256 checksum, started/finished
// times, applied step count), so `prisma migrate status` elsewhere sees the same history.
// Prisma's own `migrate deploy` cannot run here (see README, "Prisma offline").
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../lib/paths.js";
import { providerOf, type Provider } from "./provider.js";
import { ensureSqliteDir, sqlitePath } from "./sqlite-path.js";

export const migrationsRoot = join(packageRoot(), "prisma/migrations");

export interface MigrationFile {
  name: string;
  checksum: string;
  sql: string;
}

export interface MigrationStatus {
  provider: Provider;
  applied: { name: string; finishedAt: Date | null; checksumMatches: boolean }[];
  pending: string[];
  /** Migrations recorded as started but not finished (a failed run): they need attention. */
  failed: string[];
}

/** Postgres advisory lock key, the one Prisma Migrate uses, so the two never migrate at once. */
const ADVISORY_LOCK = 72707369;

export function migrationFiles(provider: Provider, root = migrationsRoot): MigrationFile[] {
  const dir = join(root, provider);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const CREATE_TABLE: Record<Provider, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "checksum" TEXT NOT NULL,
    "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL,
    "logs" TEXT,
    "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
  )`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`,
};

interface Row {
  migration_name: string;
  checksum: string;
  finished_at: string | Date | null;
  rolled_back_at: string | Date | null;
}

/** A minimal connection over either driver: the migrator runs before Prisma is opened. */
interface Conn {
  rows(sql: string): Promise<Row[]>;
  /** Runs one migration file and its record in one transaction. */
  apply(file: MigrationFile): Promise<void>;
  tableExists(): Promise<boolean>;
  close(): Promise<void>;
}

function count(sql: string): number {
  return sql.split(";").filter((s) => s.replace(/--.*$/gm, "").trim() !== "").length;
}

/** The driver of the URL's provider (only that one is loaded). */
async function connect(url: string): Promise<Conn> {
  if (providerOf(url) === "sqlite") {
    const { default: Sqlite } = await import("better-sqlite3");
    const db = new Sqlite(ensureSqliteDir(url), { timeout: 10_000 });
    db.pragma("journal_mode = WAL");
    // Prisma's SQLite scripts rebuild a table by copy, drop and rename, and turn foreign keys off
    // to do it; that PRAGMA is ignored inside a transaction, and better-sqlite3 turns them on, so
    // dropping a parent would run its ON DELETE actions on the children. Off for this connection,
    // and checked before each migration commits.
    db.pragma("foreign_keys = OFF");
    return {
      async rows(sql) {
        return db.prepare(sql).all() as Row[];
      },
      async tableExists() {
        return db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='_prisma_migrations'").get() !== undefined;
      },
      async apply(file) {
        // IMMEDIATE takes the write lock first, so two processes starting at once serialise here.
        db.transaction(() => {
          db.exec(CREATE_TABLE.sqlite);
          const done = db.prepare(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = ? AND finished_at IS NOT NULL AND rolled_back_at IS NULL`).get(file.name);
          if (done) return;
          const started = new Date().toISOString();
          db.exec(file.sql);
          const broken = db.pragma("foreign_key_check") as { table: string; parent: string }[];
          if (broken.length > 0) throw new Error(`${file.name} leaves ${broken.length} row(s) violating foreign keys, e.g. ${broken[0]?.table} → ${broken[0]?.parent}`);
          db.prepare(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)`,
          ).run(randomUUID(), file.checksum, new Date().toISOString(), file.name, started, count(file.sql));
        }).immediate();
      },
      async close() {
        db.close();
      },
    };
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async rows(sql) {
      return (await client.query<Row>(sql)).rows;
    },
    async tableExists() {
      const r = await client.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
      return r.rows[0]?.present === true;
    },
    async apply(file) {
      await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK]);
      try {
        await client.query(CREATE_TABLE.postgresql);
        const done = await client.query(
          `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          [file.name],
        );
        if (done.rowCount) return;
        await client.query("BEGIN");
        try {
          const started = new Date();
          await client.query(file.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, NULL, NULL, $4, $5)`,
            [randomUUID(), file.checksum, file.name, started, count(file.sql)],
          );
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw err;
        }
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK]);
      }
    },
    async close() {
      await client.end();
    },
  };
}

export async function migrationStatus(url: string, root = migrationsRoot): Promise<MigrationStatus> {
  const provider = providerOf(url);
  const files = migrationFiles(provider, root);
  const conn = await connect(url);
  try {
    const rows = (await conn.tableExists())
      ? await conn.rows(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`)
      : [];
    const live = rows.filter((r) => r.rolled_back_at === null);
    const byName = new Map(files.map((f) => [f.name, f]));
    const finished = new Set(live.filter((r) => r.finished_at !== null).map((r) => r.migration_name));
    return {
      provider,
      applied: live
        .filter((r) => r.finished_at !== null)
        .map((r) => ({
          name: r.migration_name,
          finishedAt: r.finished_at === null ? null : new Date(r.finished_at),
          checksumMatches: byName.get(r.migration_name)?.checksum === r.checksum,
        })),
      pending: files.filter((f) => !finished.has(f.name)).map((f) => f.name),
      failed: live.filter((r) => r.finished_at === null).map((r) => r.migration_name),
    };
  } finally {
    await conn.close();
  }
}

/** Applies every pending migration in order; returns the names applied. Safe to run concurrently. */
export async function migrate(url: string, root = migrationsRoot): Promise<string[]> {
  const provider = providerOf(url);
  const status = await migrationStatus(url, root);
  if (status.pending.length === 0) return [];
  const pending = new Set(status.pending);
  const conn = await connect(url);
  const applied: string[] = [];
  try {
    for (const file of migrationFiles(provider, root)) {
      if (!pending.has(file.name)) continue;
      try {
        await conn.apply(file);
      } catch (err) {
        throw new Error(`Migration ${file.name} failed and was rolled back: ${(err as Error).message}`);
      }
      applied.push(file.name);
    }
  } finally {
    await conn.close();
  }
  return applied;
}

/** Drops every table and re-applies all migrations. Destroys data: the CLI asks for --force. */
export async function resetDatabase(url: string, root = migrationsRoot): Promise<string[]> {
  if (providerOf(url) === "sqlite") {
    const path = sqlitePath(url);
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(path + suffix, { force: true });
  } else {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
    } finally {
      await client.end();
    }
  }
  return migrate(url, root);
}
