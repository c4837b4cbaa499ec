// Opening the database: the provider is decided once, from the URL, by the caller (config), and
// everything that reaches the database afterwards goes through what this returns:
// - `prisma`: Prisma's model API, for ordinary CRUD and for the Pothos Prisma plugin;
// - `sql`: hand-written statements (sql.ts), on the same client and connection pool;
// - `transaction`: both of them in one transaction;
// - `changes`: signals that another process changed something (changes.ts).
// Statement listeners see every statement either way (Prisma's query events), so tests count
// statements and tracing times them without knowing which API sent them.
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PgPrismaClient } from "../generated/prisma-pg/client.js";
import { PrismaClient, type Prisma } from "../generated/prisma/client.js";
import { createLogger, type Logger } from "../lib/logger.js";
import { changeSignals, type ChangeSignals } from "./changes.js";
import type { Provider } from "./provider.js";
import { sqlExecutor, type Sql, type SqlExecutor } from "./sql.js";
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

/** A statement as Prisma ran it: its text and how long the database took, in ms. */
export interface StatementEvent {
  sql: string;
  durationMs: number;
}

export interface Database {
  readonly provider: Provider;
  readonly url: string;
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
const QUERY_EVENTS = [{ emit: "event", level: "query" }] as const;

function client(options: OpenOptions, emit: (e: StatementEvent) => void): Db {
  const onQuery = (e: Prisma.QueryEvent) => emit({ sql: e.query, durationMs: e.duration });
  if (options.provider === "sqlite") {
    // busy timeout: a writer waits for another process's lock instead of failing at once.
    const c = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: ensureSqliteDir(options.url), timeout: 10_000 }), log: [...QUERY_EVENTS] });
    c.$on("query", onQuery);
    return c;
  }
  const c = new PgPrismaClient({ adapter: new PrismaPg({ connectionString: options.url, max: options.poolSize ?? 10 }), log: [...QUERY_EVENTS] });
  c.$on("query", onQuery);
  // The same datamodel: see Db.
  return c as unknown as Db;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const logger = options.logger ?? createLogger("silent");
  const listeners = new Set<(e: StatementEvent) => void>();
  const prisma = client(options, (e) => {
    for (const l of listeners) l(e);
  });
  await prisma.$connect();
  const executor = sqlExecutor(prisma, options.provider);
  if (options.provider === "sqlite") {
    // WAL lets readers run beside the writer; foreign keys enforce the cascades in the datamodel.
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  }
  const changes = changeSignals(options.provider, options.url, executor, logger);
  return {
    provider: options.provider,
    url: options.url,
    prisma,
    sql: executor,
    changes,
    transaction(fn, opts = {}) {
      const { maxWaitMs, timeoutMs } = { ...DEFAULT_TX, ...opts };
      return prisma.$transaction(
        async (tx) => {
          if (options.provider === "sqlite") await tx.$executeRawUnsafe(SQLITE_WRITE_LOCK);
          return fn({ prisma: tx, sql: sqlExecutor(tx, options.provider) });
        },
        { maxWait: maxWaitMs, timeout: timeoutMs },
      );
    },
    batch(statements) {
      return prisma.$transaction(statements.map((s) => prisma.$executeRaw(s)));
    },
    onStatement(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async ping() {
      await prisma.$queryRawUnsafe("SELECT 1");
    },
    async close() {
      await changes.close();
      await prisma.$disconnect();
    },
  };
}
