// Prisma's own SQLite connection, reached directly for the few hot paths where Prisma's cost per
// statement (each query compiled in WebAssembly, an interactive transaction's round trips through
// the event loop) is most of the request. Same connection as Prisma, so there is still one writer
// per process, one view of the data, and the adapter's busy timeout.
import Sqlite from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

/** A statement parameter: what Prisma.Sql values hold for this project's statements. */
export type Param = string | number | bigint | boolean | Date | null;

/** The values of a Prisma.Sql, checked to be parameters SqlRunner takes (so one SQL builder serves both paths). */
export function sqlParams(values: readonly unknown[]): Param[] {
  return values.map((v) => {
    const t = typeof v;
    if (v === null || v instanceof Date || t === "string" || t === "number" || t === "bigint" || t === "boolean") return v as Param;
    throw new Error(`unsupported SQL parameter of type ${typeof v}`);
  });
}

/** better-sqlite3's error for a unique or primary key violation (Prisma's is P2002/P2010). */
export function isSqliteUniqueViolation(err: unknown): boolean {
  return err instanceof Sqlite.SqliteError && (err.code === "SQLITE_CONSTRAINT_UNIQUE" || err.code === "SQLITE_CONSTRAINT_PRIMARYKEY");
}

/** Runs statements inside SqliteDirect.transaction; values are converted as Prisma's adapter stores them. */
export interface SqlRunner {
  get<R>(sql: string, ...params: Param[]): R | undefined;
  all<R>(sql: string, ...params: Param[]): R[];
  /** Returns the number of rows changed. */
  run(sql: string, ...params: Param[]): number;
}

export interface SqliteDirect {
  /**
   * PRAGMA data_version of the connection: changes when another connection (another process,
   * another app instance, the CLI) commits, and never for this connection's own writes.
   */
  dataVersion(): number;
  /**
   * Runs one read outside any transaction of its own; like Prisma's own reads on this connection,
   * it sees what an open Prisma transaction has written.
   */
  read: SqlRunner["all"];
  /**
   * Runs fn synchronously in one BEGIN IMMEDIATE … COMMIT (rolled back when fn throws). When a
   * Prisma transaction is open on the connection it does not run fn and returns { ran: false }:
   * the caller takes its Prisma path, which queues behind that transaction.
   */
  transaction<T>(fn: (sql: SqlRunner) => T): { ran: true; value: T } | { ran: false };
}

/** As Prisma's SQLite adapter writes a DateTime (its default "iso8601" format). */
function toSqlite(value: Param): string | number | bigint | null {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

const STATEMENT_CACHE_SIZE = 1000;

export function sqliteDirect(db: Sqlite.Database, emit: (sql: string) => void): SqliteDirect {
  // Statements come from SQL texts in the code; some vary with a list's length (IN (?, ?, …)),
  // so the cache is bounded, dropping the least recently prepared text first.
  const statements = new Map<string, Sqlite.Statement>();
  const prepare = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) {
      if (statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = statements.keys().next();
        if (!oldest.done) statements.delete(oldest.value);
      }
      stmt = db.prepare(sql);
      // The adapter turns safe integers on for the connection; counts here fit in a double.
      if (stmt.reader) stmt.safeIntegers(false);
      statements.set(sql, stmt);
    }
    emit(sql);
    return stmt;
  };
  const runner: SqlRunner = {
    get: <R>(sql: string, ...params: Param[]) => prepare(sql).get(...params.map(toSqlite)) as R | undefined,
    all: <R>(sql: string, ...params: Param[]) => prepare(sql).all(...params.map(toSqlite)) as R[],
    run: (sql, ...params) => prepare(sql).run(...params.map(toSqlite)).changes,
  };
  return {
    dataVersion: () => Number(prepare("PRAGMA data_version").pluck().get()),
    read: runner.all,
    transaction(fn) {
      if (db.inTransaction) return { ran: false };
      prepare("BEGIN IMMEDIATE").run();
      try {
        const value = fn(runner);
        prepare("COMMIT").run();
        return { ran: true, value };
      } catch (err) {
        if (db.inTransaction) prepare("ROLLBACK").run();
        throw err;
      }
    },
  };
}

/**
 * Prisma's better-sqlite3 adapter factory that also hands over the connection it opens, so
 * sqliteDirect can use that very connection. The adapter keeps it in its `client` property;
 * should a Prisma upgrade move it, onConnect gets null and the hot paths keep using Prisma.
 */
export class CapturingSqliteAdapter extends PrismaBetterSQLite3 {
  constructor(
    config: ConstructorParameters<typeof PrismaBetterSQLite3>[0],
    private readonly onConnect: (db: Sqlite.Database | null) => void,
  ) {
    super(config);
  }

  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client?: unknown }).client;
    this.onConnect(client instanceof Sqlite ? client : null);
    return adapter;
  }
}
