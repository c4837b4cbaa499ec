// Opening the database: the provider is decided once, from the URL, by the caller (config), and
// everything that reaches the database afterwards goes through what this returns:
// - `sql`: the executor of hand-written statements (sql.ts);
// - `prisma`: Prisma's model API, for ordinary CRUD and for the Pothos Prisma plugin;
// - `transaction`: both of them in one transaction;
// - `changes`: signals that another process changed something (changes.ts).
// With the model API (the default), statements that only read run on a connection of the driver's
// own (driver.ts: prepared statements cached, no query engine in between; on SQLite a read-only
// connection, which WAL lets read beside the writer), and everything that writes runs on Prisma's
// connection, where its model API and transactions run too, so there is still one writer per
// process. Without the model API (`models: false`, for CLI commands that must start fast) the
// driver runs everything and Prisma is never loaded. Statement listeners see every statement
// either way, so tests count statements and tracing times them whichever connection ran them.
import type { PrismaClient, Prisma } from "../generated/prisma/client.js";
import { createLogger, type Logger } from "../lib/logger.js";
import { changeSignals, type ChangeSignals } from "./changes.js";
import { openDriver, type DriverConnection } from "./driver.js";
import type { Provider } from "./provider.js";
import { prismaExecutor, sql, type Sql, type SqlExecutor } from "./sql.js";
import { ensureSqliteDir } from "./sqlite-path.js";

/**
 * Prisma's client, typed once for both providers: the PostgreSQL client is generated from the same
 * datamodel (only the provider differs), so its query API is the SQLite client's.
 */
export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;

/** One transaction: the model API and hand-written SQL on the same connection. */
export interface Transaction {
  prisma: Tx;
  sql: SqlExecutor;
}

export interface TransactionOptions {
  /** How long to wait for a connection (SQLite: for the single writer). Default 10 s. */
  maxWaitMs?: number;
  /** How long the transaction may run. Default 20 s. */
  timeoutMs?: number;
}

/** A statement as it ran: its text and how long the database took, in ms. */
export interface StatementEvent {
  sql: string;
  durationMs: number;
}

export interface Database {
  readonly provider: Provider;
  readonly url: string;
  /** Prisma's model API; throws when the database was opened with `models: false`. */
  readonly prisma: Db;
  readonly sql: SqlExecutor;
  readonly changes: ChangeSignals;
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Runs statements in one transaction without round trips between them; each one's changed-row count. */
  batch(statements: Sql[]): Promise<number[]>;
  /** Called with every statement sent (tests count them; tracing times them). */
  onStatement(listener: (event: StatementEvent) => void): () => void;
  /** One trivial statement: throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  url: string;
  provider: Provider;
  logger?: Logger;
  /** PostgreSQL connections in the pool (default 10). */
  poolSize?: number;
  /** Load Prisma's model API (default true). Without it, only `sql` and `transaction(({ sql }) …)` work. */
  models?: boolean;
}

const DEFAULT_TX: Required<TransactionOptions> = { maxWaitMs: 10_000, timeoutMs: 20_000 };

/**
 * SQLite: the first statement of every transaction, a write that changes nothing. Prisma's adapter
 * begins transactions DEFERRED; one that reads first and writes later would fail at once
 * (SQLITE_BUSY) if another process wrote in between, whatever the busy timeout. Writing first
 * takes the write lock up front (as BEGIN IMMEDIATE does), so concurrent writers in other
 * processes (the CLI, a worker) wait their turn instead. The table always exists (the migrator's).
 */
export const SQLITE_WRITE_LOCK = `UPDATE "_prisma_migrations" SET "id" = "id" WHERE 0`;

type Emit = (e: StatementEvent) => void;

/** Prisma's client for the provider; only that provider's client and adapter are loaded. */
async function prismaClient(options: OpenOptions, emit: Emit): Promise<Db> {
  const onQuery = (e: Prisma.QueryEvent) => emit({ sql: e.query, durationMs: e.duration });
  const log = [{ emit: "event" as const, level: "query" as const }];
  if (options.provider === "sqlite") {
    const [{ PrismaClient }, { PrismaBetterSqlite3 }] = await Promise.all([import("../generated/prisma/client.js"), import("@prisma/adapter-better-sqlite3")]);
    // busy timeout: a writer waits for another process's lock instead of failing at once.
    const c = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: ensureSqliteDir(options.url), timeout: 10_000 }), log });
    c.$on("query", onQuery);
    return c;
  }
  const [{ PrismaClient }, { PrismaPg }] = await Promise.all([import("../generated/prisma-pg/client.js"), import("@prisma/adapter-pg")]);
  const c = new PrismaClient({ adapter: new PrismaPg({ connectionString: options.url, max: options.poolSize ?? 10 }), log });
  c.$on("query", onQuery);
  // The same datamodel: see Db.
  return c as unknown as Db;
}

interface Engine {
  prisma: Db | null;
  sql: SqlExecutor;
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options: Required<TransactionOptions>): Promise<T>;
  batch(statements: Sql[]): Promise<number[]>;
  close(): Promise<void>;
}

/** Reads that only read on the driver's connection; everything else on Prisma's. */
function routed(reader: DriverConnection, writer: SqlExecutor): SqlExecutor {
  return {
    provider: writer.provider,
    query: (s) => (reader.readsOnly(s) ? reader.executor.query(s) : writer.query(s)),
    execute: (s) => writer.execute(s),
    pick: writer.pick,
  };
}

async function prismaEngine(options: OpenOptions, emit: Emit): Promise<Engine> {
  const prisma = await prismaClient(options, emit);
  await prisma.$connect();
  if (options.provider === "sqlite") {
    // WAL lets readers run beside the writer; foreign keys enforce the cascades in the datamodel.
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  }
  const reader = await openDriver(options.url, options.provider, options.poolSize ?? 10, (text, durationMs) => emit({ sql: text, durationMs }), true);
  return {
    prisma,
    sql: routed(reader, prismaExecutor(prisma, options.provider)),
    transaction: (fn, { maxWaitMs, timeoutMs }) =>
      prisma.$transaction(
        async (tx) => {
          if (options.provider === "sqlite") await tx.$executeRawUnsafe(SQLITE_WRITE_LOCK);
          return fn({ prisma: tx, sql: prismaExecutor(tx, options.provider) });
        },
        { maxWait: maxWaitMs, timeout: timeoutMs },
      ),
    batch: (statements) => prisma.$transaction(statements.map((s) => prisma.$executeRaw(s))),
    async close() {
      await reader.close();
      await prisma.$disconnect();
    },
  };
}

const noModels = (): never => {
  throw new Error("This database was opened without Prisma's model API (openDatabase({ models: false })): use its sql executor.");
};

async function driverEngine(options: OpenOptions, emit: Emit): Promise<Engine> {
  if (options.provider === "sqlite") ensureSqliteDir(options.url);
  const driver = await openDriver(options.url, options.provider, options.poolSize ?? 10, (text, durationMs) => emit({ sql: text, durationMs }));
  const tx = (executor: SqlExecutor): Transaction => ({
    get prisma(): Tx {
      return noModels();
    },
    sql: executor,
  });
  return {
    prisma: null,
    sql: driver.executor,
    transaction: (fn) => driver.transaction((executor) => fn(tx(executor))),
    batch: (statements) =>
      driver.transaction(async (executor) => {
        const counts: number[] = [];
        for (const s of statements) counts.push(await executor.execute(s));
        return counts;
      }),
    close: () => driver.close(),
  };
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const logger = options.logger ?? createLogger("silent");
  const listeners = new Set<(e: StatementEvent) => void>();
  const emit: Emit = (e) => {
    for (const l of listeners) l(e);
  };
  const engine = options.models === false ? await driverEngine(options, emit) : await prismaEngine(options, emit);
  const changes = changeSignals(options.provider, options.url, engine.sql, logger);
  return {
    provider: options.provider,
    url: options.url,
    get prisma(): Db {
      return engine.prisma ?? noModels();
    },
    sql: engine.sql,
    changes,
    transaction: (fn, opts = {}) => engine.transaction(fn, { ...DEFAULT_TX, ...opts }),
    batch: (statements) => engine.batch(statements),
    onStatement(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async ping() {
      await engine.sql.query(sql`SELECT 1`);
    },
    async close() {
      await changes.close();
      await engine.close();
    },
  };
}
