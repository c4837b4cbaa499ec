// One Prisma client type for both providers. The PostgreSQL client is generated from the same
// datamodel (only the provider differs), so its query API is the SQLite client's; it is typed as
// such and picked at run time by the scheme of DATABASE_URL.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { PrismaClient as PgPrismaClient } from "../generated/prisma-pg/client.js";
import { providerOf, type Provider } from "../config.js";
import { CapturingSqliteAdapter, sqliteDirect, type SqliteDirect } from "./sqlite-direct.js";
import { ensureSqliteDir } from "./sqlite-path.js";

export type Db = PrismaClient;
export { Prisma } from "../generated/prisma/client.js";

export interface Database {
  prisma: Db;
  provider: Provider;
  url: string;
  /** SQLite: Prisma's own connection, for hot paths (see sqlite-direct.ts); null on PostgreSQL. */
  sqlite: SqliteDirect | null;
  /** Called with each SQL statement Prisma sends (used by the statement-counting tests). */
  onStatement(listener: (sql: string) => void): () => void;
  close(): Promise<void>;
}

export async function openDatabase(url: string): Promise<Database> {
  const provider = providerOf(url);
  const listeners = new Set<(sql: string) => void>();
  const log = [{ emit: "event", level: "query" } as const];
  const emit = (sql: string) => {
    for (const l of listeners) l(sql);
  };
  let prisma: Db;
  let sqlite: SqliteDirect | null = null;
  if (provider === "sqlite") {
    const path = ensureSqliteDir(url);
    // busy timeout: writers wait for the lock instead of failing at once under concurrency.
    const adapter = new CapturingSqliteAdapter({ url: path, timeout: 10_000 }, (connection) => {
      sqlite = connection ? sqliteDirect(connection, emit) : null;
    });
    prisma = new PrismaClient({ adapter, log });
  } else {
    const adapter = new PrismaPg({ connectionString: url });
    prisma = new PgPrismaClient({ adapter, log }) as unknown as Db;
  }
  // The client is typed without its log options, so the query event is reached through a cast.
  (prisma as unknown as { $on(event: "query", cb: (e: { query: string }) => void): void }).$on("query", (e) => emit(e.query));
  await prisma.$connect();
  if (provider === "sqlite") {
    // WAL lets readers run beside the writer; foreign keys enforce the cascades in the datamodel.
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  }
  return {
    prisma,
    provider,
    url,
    get sqlite() {
      return sqlite;
    },
    onStatement(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await prisma.$disconnect();
    },
  };
}
