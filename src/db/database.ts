// Opening the database: the provider is decided once, from the URL, by the caller (config), and
// everything that reaches the database afterwards goes through what this returns:
// - `sql`: the executor of hand-written statements (sql.ts);
// - `prisma`: Prisma's model API, for ordinary CRUD and for the Pothos Prisma plugin;
// - `transaction`: both of them in one transaction;
// - `sqlTransaction`: hand-written statements only, in one transaction on the driver (the hot writes);
// - `changes`: signals that another process changed something (changes.ts).
// With the model API (the default), hand-written statements run on connections of the driver's own
// (driver.ts: prepared statements cached, no query engine in between): reads on a reader (on SQLite
// a read-only connection, which WAL lets read beside the writer), writes on PostgreSQL's pool or
// SQLite's driver writer. Prisma's model API and its transactions run on Prisma's connection. On
// SQLite the two writing connections take turns through a write gate (write-gate.ts), so there is
// still one writer per process and neither waits on the file lock for the other. Without the model
// API (`models: false`, for CLI commands that must start fast) the driver runs everything and Prisma
// is never loaded. Statement listeners see every statement whichever connection ran it, so tests
// count statements and tracing times them.
import type { PrismaClient, Prisma } from "../generated/prisma/client.js";
import { createLogger, type Logger } from "../lib/logger.js";
import { metrics, statementKind } from "../lib/metrics.js";
import { pastSpan, tracingOn } from "../lib/telemetry.js";
import { changeSignals, type ChangeSignals } from "./changes.js";
import { openDriver, type DriverConnection, type PoolStats } from "./driver.js";
import type { Provider } from "./provider.js";
import { prismaExecutor, sql, type Sql, type SqlExecutor } from "./sql.js";
import { ensureSqliteDir } from "./sqlite-path.js";
import { WriteGate } from "./write-gate.js";

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
  /**
   * A transaction of hand-written statements only, on the driver's own connection (no query engine
   * in between: the hot writes use it). On SQLite it begins IMMEDIATE (the write lock first); one
   * opened inside another joins it. It cannot be opened inside `transaction` (that holds the writer).
   */
  sqlTransaction<T>(fn: (sql: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Runs statements in one transaction without round trips between them; each one's changed-row count. */
  batch(statements: Sql[]): Promise<number[]>;
  /** Called with every statement sent (tests count them; tracing times them). */
  onStatement(listener: (event: StatementEvent) => void): () => void;
  /** The driver's read pool (PostgreSQL), for the pool-use gauge; null on SQLite. */
  poolStats(): PoolStats | null;
  /** Starts loading Prisma's engine now rather than on the first write (the server calls it once it listens). */
  warm(): void;
  /** One trivial statement: throws when the database cannot be reached (or Prisma's engine failed to load). */
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

/** Prisma's model operations that write. (Its raw statements run only inside transactions, already gated.) */
const PRISMA_WRITES = new Set([
  "create",
  "createMany",
  "createManyAndReturn",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "upsert",
  "delete",
  "deleteMany",
]);

/**
 * SQLite: every model write Prisma makes outside a transaction holds the write gate while it runs
 * (write-gate.ts), through a query extension (Prisma's documented hook on every model operation).
 * Its raw statements run only at connect and inside transactions (which hold the gate already).
 */
function gated(client: PrismaClient, gate: WriteGate): Db {
  const extended = client.$extends({
    query: {
      $allModels: {
        $allOperations({ operation, args, query }) {
          if (!PRISMA_WRITES.has(operation)) return query(args);
          const holder = gate.holder();
          if (holder === "prisma") return query(args);
          if (holder === "driver") {
            throw new Error(`A Prisma ${operation} inside a SQL transaction (sqlTransaction) would wait for that transaction's own write lock: use its executor.`);
          }
          return gate.run("prisma", () => query(args));
        },
      },
    },
  });
  // The extension changes no method's signature.
  return extended as unknown as Db;
}

/** Prisma's client for the provider; only that provider's client and adapter are loaded. */
async function prismaClient(options: OpenOptions, emit: Emit, gate: WriteGate | null): Promise<Db> {
  const onQuery = (e: Prisma.QueryEvent) => emit({ sql: e.query, durationMs: e.duration });
  const log = [{ emit: "event" as const, level: "query" as const }];
  if (options.provider === "sqlite") {
    const [{ PrismaClient }, { PrismaBetterSqlite3 }] = await Promise.all([import("../generated/prisma/client.js"), import("@prisma/adapter-better-sqlite3")]);
    // busy timeout: a writer waits for another process's lock instead of failing at once.
    const c = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: ensureSqliteDir(options.url), timeout: 10_000 }), log });
    c.$on("query", onQuery);
    return gate ? gated(c, gate) : c;
  }
  const [{ PrismaClient }, { PrismaPg }] = await Promise.all([import("../generated/prisma-pg/client.js"), import("@prisma/adapter-pg")]);
  const c = new PrismaClient({ adapter: new PrismaPg({ connectionString: options.url, max: options.poolSize ?? 10 }), log });
  c.$on("query", onQuery);
  // The same datamodel: see Db.
  return c as unknown as Db;
}

interface Engine {
  prisma: Db | null;
  /** Starts loading what is otherwise loaded on first need. */
  warm?(): void;
  sql: SqlExecutor;
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options: Required<TransactionOptions>): Promise<T>;
  sqlTransaction<T>(fn: (sql: SqlExecutor) => Promise<T>, options: Required<TransactionOptions>): Promise<T>;
  batch(statements: Sql[]): Promise<number[]>;
  poolStats(): PoolStats | null;
  close(): Promise<void>;
}

/**
 * How hand-written statements are routed beside Prisma. Statements that only read run on the
 * driver's reader. Writes run on the driver too, where nothing stands between them and the
 * database: on PostgreSQL on its pool; on SQLite on the driver's writer, holding the write gate
 * (write-gate.ts), except inside a Prisma transaction, whose own connection runs them as before.
 */
function routed(provider: Provider, reader: DriverConnection, writer: DriverConnection | null, gate: WriteGate | null, prismaWriter: () => Promise<SqlExecutor>): SqlExecutor {
  const write = async <T>(run: (e: SqlExecutor) => Promise<T>): Promise<T> => {
    if (!writer || !gate) return run(reader.executor);
    const holder = gate.holder();
    if (holder === "driver") return run(writer.executor);
    if (holder === "prisma") return run(await prismaWriter());
    return gate.run("driver", () => run(writer.executor));
  };
  return {
    provider,
    query: (s) => (reader.readsOnly(s) ? reader.executor.query(s) : write((e) => e.query(s))),
    execute: (s) => write((e) => e.execute(s)),
    pick: (variants) => variants[provider],
  };
}

/**
 * A transaction on the driver: on SQLite its writer, holding the write gate (one opened inside
 * another joins it); on PostgreSQL a connection of its pool.
 */
function driverTransaction(connection: DriverConnection, gate: WriteGate | null) {
  return <T>(fn: (sql: SqlExecutor) => Promise<T>, { maxWaitMs }: Required<TransactionOptions>): Promise<T> => {
    if (!gate) return connection.transaction(fn);
    const holder = gate.holder();
    if (holder === "driver") return fn(connection.executor);
    if (holder === "prisma") {
      return Promise.reject(new Error("sqlTransaction inside a Prisma transaction would wait for that transaction's own write lock: use its executor."));
    }
    return gate.run("driver", () => connection.transaction(fn), maxWaitMs);
  };
}

/**
 * Before Prisma's engine has loaded, a client whose every call waits for it: `db.prisma.job.findMany(…)`
 * resolves once the engine is there. Only calls are deferred (what services do); the real client
 * replaces this as soon as it exists (Database.prisma), so steady-state calls never pass through it.
 */
function deferredClient(load: () => Promise<Db>): Db {
  type Callable = Record<string, (...args: unknown[]) => unknown>;
  const call = (model: string | null, method: string) => (...args: unknown[]) =>
    load().then((client) => {
      // A model delegate is a public member of the client, named by the model (db.prisma.job).
      const target: unknown = model === null ? client : Reflect.get(client, model);
      return (target as Callable)[method]?.(...args);
    });
  // `then` stays undefined: the client is not itself a promise.
  const delegate = (model: string) => new Proxy({}, { get: (_t, method) => (typeof method === "string" && method !== "then" ? call(model, method) : undefined) });
  return new Proxy({}, {
    get: (_t, prop) => (typeof prop !== "string" || prop === "then" ? undefined : prop.startsWith("$") ? call(null, prop) : delegate(prop)),
    // `model in client` (how Pothos' Prisma plugin finds a delegate) holds as it will for the real client.
    has: (_t, prop) => typeof prop === "string" && prop !== "then",
  }) as Db;
}

/**
 * Prisma's engine is loaded on first need, or when warm() is called (the server calls it once it
 * listens): its query compiler is most of a cold start. Reads that only read run on the driver's
 * connection at once; what needs Prisma (writes, transactions, the model API) waits for it. A
 * failure to load is logged, rethrown by every call that needs it, and by ping(), so readiness
 * reports it.
 */
function prismaEngine(options: OpenOptions, emit: Emit, reader: DriverConnection, writer: DriverConnection | null, failed: (err: unknown) => void): Engine {
  // SQLite: Prisma's connection and the driver's writer take turns through the gate.
  const gate = writer ? new WriteGate() : null;
  let loading: Promise<Db> | null = null;
  const load = () =>
    (loading ??= loadClient().catch((err: unknown) => {
      failed(err);
      throw err;
    }));
  const loadClient = async () => {
    const client = await prismaClient(options, emit, gate);
    await client.$connect();
    if (options.provider === "sqlite") {
      // WAL lets readers run beside the writer; foreign keys enforce the cascades in the datamodel.
      await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
      await client.$executeRawUnsafe("PRAGMA foreign_keys = ON");
    }
    prisma = client;
    return client;
  };
  let prisma: Db | null = null;
  const deferred = deferredClient(load);
  const prismaWriter = async (): Promise<SqlExecutor> => prismaExecutor(prisma ?? (await load()), options.provider);
  const onDriver = driverTransaction(writer ?? reader, gate);
  return {
    warm: () => void load().catch(() => {}),
    get prisma() {
      return prisma ?? deferred;
    },
    sql: routed(options.provider, reader, writer, gate, prismaWriter),
    transaction: async (fn, { maxWaitMs, timeoutMs }) => {
      const client = prisma ?? (await load());
      const run = () =>
        client.$transaction(
          async (tx) => {
            if (options.provider === "sqlite") await tx.$executeRawUnsafe(SQLITE_WRITE_LOCK);
            return fn({ prisma: tx, sql: prismaExecutor(tx, options.provider) });
          },
          { maxWait: maxWaitMs, timeout: timeoutMs },
        );
      if (!gate) return run();
      if (gate.holder() === "driver") {
        throw new Error("A Prisma transaction inside a SQL transaction (sqlTransaction) would wait for that transaction's own write lock.");
      }
      return gate.run("prisma", run, maxWaitMs);
    },
    sqlTransaction: onDriver,
    batch: (statements) =>
      onDriver(async (executor) => {
        const counts: number[] = [];
        for (const s of statements) counts.push(await executor.execute(s));
        return counts;
      }, DEFAULT_TX),
    poolStats: () => reader.poolStats(),
    async close() {
      await reader.close();
      await writer?.close();
      const client = loading ? await loading.catch(() => null) : null;
      await client?.$disconnect();
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
    sqlTransaction: (fn) => driver.transaction(fn),
    batch: (statements) =>
      driver.transaction(async (executor) => {
        const counts: number[] = [];
        for (const s of statements) counts.push(await executor.execute(s));
        return counts;
      }),
    poolStats: () => driver.poolStats(),
    close: () => driver.close(),
  };
}

/**
 * Every statement, whichever connection ran it: its duration in the statement histogram and, with
 * tracing on, a client span in the current trace (the text has placeholders, never values).
 */
function observe(provider: Provider, e: StatementEvent): void {
  const m = metrics();
  if (!m && !tracingOn()) return;
  const kind = statementKind(e.sql);
  m?.dbStatements.observe({ provider, statement: kind }, e.durationMs / 1000);
  pastSpan(`db ${kind}`, { "db.system.name": provider, "db.operation.name": kind, "db.query.text": e.sql }, e.durationMs);
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const logger = options.logger ?? createLogger("silent");
  const listeners = new Set<(e: StatementEvent) => void>();
  const emit: Emit = (e) => {
    observe(options.provider, e);
    for (const l of listeners) l(e);
  };
  let engine: Engine;
  // Set when Prisma's engine failed to load: ping() (readiness) reports it.
  let modelsFailed: unknown = null;
  if (options.models === false) engine = await driverEngine(options, emit);
  else {
    const emitText = (text: string, durationMs: number) => emit({ sql: text, durationMs });
    const reader = await openDriver(options.url, options.provider, options.poolSize ?? 10, emitText, true);
    // SQLite: the driver's own writer, for hand-written writes (PostgreSQL's pool writes too).
    const writer = options.provider === "sqlite" ? await openDriver(options.url, options.provider, 1, emitText, false) : null;
    engine = prismaEngine(options, emit, reader, writer, (err) => {
      modelsFailed = err;
      logger.error("Prisma's engine failed to load", { error: String(err) });
    });
  }
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
    sqlTransaction: (fn, opts = {}) => engine.sqlTransaction(fn, { ...DEFAULT_TX, ...opts }),
    batch: (statements) => engine.batch(statements),
    onStatement(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    poolStats: () => engine.poolStats(),
    warm: () => engine.warm?.(),
    async ping() {
      if (modelsFailed !== null) throw modelsFailed;
      await engine.sql.query(sql`SELECT 1`);
    },
    async close() {
      await changes.close();
      await engine.close();
    },
  };
}
