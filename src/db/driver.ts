// The executor on the database driver itself, for processes that need no model API: CLI commands
// that agents' hooks run at every session start (token checks, medallion loads) would otherwise
// spend most of their time loading Prisma's query compiler. It runs the same Sql statements as the
// Prisma executor, with parameters stored as Prisma's adapters store them, so rows written either
// way read back the same (decode.ts decodes both).
import { createHash } from "node:crypto";
import type { Database as SqliteDatabase, Statement } from "better-sqlite3";
import type { Pool, PoolClient } from "pg";
import type { Provider } from "./provider.js";
import type { Row, Sql, SqlExecutor } from "./sql.js";
import { sqlitePath } from "./sqlite-path.js";

export interface DriverConnection {
  executor: SqlExecutor;
  /** True when the statement only reads (SQLite asks the prepared statement; PostgreSQL, its text). */
  readsOnly(statement: Sql): boolean;
  /** Runs fn in one transaction (SQLite: BEGIN IMMEDIATE, the write lock first), one at a time. */
  transaction<T>(fn: (executor: SqlExecutor) => Promise<T>): Promise<T>;
  /** The pool's connections (PostgreSQL; pg.Pool's documented counts), null for SQLite's single connection. */
  poolStats(): PoolStats | null;
  close(): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

type Emit = (sql: string, durationMs: number) => void;

/** As Prisma's SQLite adapter stores a DateTime (ISO 8601 with +00:00), a Boolean (0/1) and JSON (text). */
function sqliteParam(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace("Z", "+00:00");
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v !== null && typeof v === "object" && !Buffer.isBuffer(v)) return JSON.stringify(v);
  return v;
}

/**
 * A parameter for PostgreSQL: a Date as UTC ISO 8601 (pg would send local time with its offset,
 * which a timestamp-without-time-zone column keeps as local wall time).
 */
function pgParam(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}

const STATEMENT_CACHE = 500;

async function openSqlite(url: string, readonly: boolean, emit: Emit): Promise<DriverConnection> {
  const { default: Sqlite } = await import("better-sqlite3");
  const db: SqliteDatabase = new Sqlite(sqlitePath(url), { timeout: 10_000, readonly });
  if (!readonly) {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
  }
  const statements = new Map<string, Statement>();
  const prepare = (text: string): Statement => {
    let stmt = statements.get(text);
    if (!stmt) {
      if (statements.size >= STATEMENT_CACHE) statements.clear();
      stmt = db.prepare(text);
      statements.set(text, stmt);
    }
    return stmt;
  };
  const run = <T>(s: Sql, fn: (stmt: Statement, params: unknown[]) => T): T => {
    const started = performance.now();
    try {
      return fn(prepare(s.sql), s.values.map(sqliteParam));
    } finally {
      emit(s.sql, performance.now() - started);
    }
  };
  const executor: SqlExecutor = {
    provider: "sqlite",
    query: async <R>(s: Sql) => run(s, (stmt, params) => (stmt.reader ? (stmt.all(...params) as R[]) : (stmt.run(...params), []))),
    execute: async (s) => run(s, (stmt, params) => (stmt.reader ? (stmt.all(...params), 0) : stmt.run(...params).changes)),
    pick: (variants) => variants.sqlite,
  };
  /** A transaction's BEGIN, COMMIT or ROLLBACK, seen by the statement listeners like any statement. */
  const control = (text: string) => {
    const started = performance.now();
    try {
      db.exec(text);
    } finally {
      emit(text, performance.now() - started);
    }
  };
  let queue: Promise<unknown> = Promise.resolve();
  return {
    executor,
    readsOnly: (s) => prepare(s.sql).readonly,
    transaction<T>(fn: (e: SqlExecutor) => Promise<T>): Promise<T> {
      const next = queue.then(async () => {
        control("BEGIN IMMEDIATE");
        try {
          const value = await fn(executor);
          control("COMMIT");
          return value;
        } catch (err) {
          if (db.inTransaction) control("ROLLBACK");
          throw err;
        }
      });
      queue = next.catch(() => {});
      return next;
    },
    poolStats: () => null,
    async close() {
      db.close();
    },
  };
}

/** A statement that can only read: a SELECT, or a WITH whose parts are all SELECTs. */
const READ_ONLY = /^\s*(SELECT|WITH)\b/i;
const WRITES = /\b(INSERT|UPDATE|DELETE|MERGE|FOR\s+UPDATE|FOR\s+SHARE|pg_advisory|pg_notify|nextval|setval)\b/i;

async function openPostgres(url: string, poolSize: number, emit: Emit): Promise<DriverConnection> {
  const { default: pg } = await import("pg");
  // Prisma's DateTime columns are timestamp(3) without time zone, holding UTC: read them as UTC
  // (pg would read them as local time).
  const types = {
    getTypeParser: ((oid: number, format?: "text" | "binary") =>
      oid === 1114 ? (v: string) => new Date(`${v.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  const pool: Pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle connection the server closes (a restart, a terminated backend) is dropped from the pool
  // and the next statement opens a new one; a statement in flight gets its own error. Without a
  // listener, pg would raise the idle connection's error as an uncaught exception.
  pool.on("error", () => {});
  // Named statements: each connection parses and plans a statement once, then only binds and runs
  // it (the server's CPU is shared with this process on a small machine). The name is the text's
  // hash, so one name never stands for two texts.
  const names = new Map<string, string>();
  const named = (text: string, values: unknown[]) => {
    let name = names.get(text);
    if (!name) {
      if (names.size >= 5000) names.clear();
      name = `sg_${createHash("sha1").update(text).digest("base64url")}`;
      names.set(text, name);
    }
    return { name, text, values: values.map(pgParam) };
  };
  const on = (client: Pool | PoolClient): SqlExecutor => ({
    provider: "postgresql",
    async query<R>(s: Sql) {
      const started = performance.now();
      const text = s.text;
      try {
        return (await client.query(named(text, s.values))).rows as R[];
      } finally {
        emit(text, performance.now() - started);
      }
    },
    async execute(s) {
      const started = performance.now();
      const text = s.text;
      try {
        return (await client.query(named(text, s.values))).rowCount ?? 0;
      } finally {
        emit(text, performance.now() - started);
      }
    },
    pick: (variants) => variants.postgresql,
  });
  return {
    executor: on(pool),
    readsOnly: (s) => READ_ONLY.test(s.text) && !WRITES.test(s.text),
    async transaction<T>(fn: (e: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const control = async (text: string) => {
        const started = performance.now();
        try {
          await client.query(text);
        } finally {
          emit(text, performance.now() - started);
        }
      };
      try {
        await control("BEGIN");
        const value = await fn(on(client));
        await control("COMMIT");
        return value;
      } catch (err) {
        await control("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

/** `readonly`: SQLite opens the file read-only (a reader beside Prisma's writer connection). */
export function openDriver(url: string, provider: Provider, poolSize: number, emit: Emit, readonly = false): Promise<DriverConnection> {
  return provider === "sqlite" ? openSqlite(url, readonly, emit) : openPostgres(url, poolSize, emit);
}

export type { Row };
