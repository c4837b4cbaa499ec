// Hand-written SQL, written one way: Prisma.Sql statements (tagged templates with bound
// parameters), run through Prisma's raw API on the database's one connection pool, with the
// per-provider text of a statement side by side in a Dialect and picked by the provider the
// database was opened with.
import { Prisma } from "../generated/prisma/client.js";
import type { Provider } from "./provider.js";

export type Sql = Prisma.Sql;
export const sql = Prisma.sql;
export const join = Prisma.join;
export const raw = Prisma.raw;
export const empty = Prisma.empty;

/** One statement (or any value) per provider, kept together so they cannot drift apart. */
export interface Dialect<T> {
  sqlite: T;
  postgresql: T;
}

/** A raw result row: values as the driver returns them (see decode.ts). */
export type Row = Record<string, unknown>;

/** Runs hand-written statements; the one way SQL text reaches the database. */
export interface SqlExecutor {
  readonly provider: Provider;
  /** The rows of a statement, undecoded (decode.ts turns them into model values). */
  query<R = Row>(statement: Sql): Promise<R[]>;
  /** Runs a statement; resolves with the number of rows it changed. */
  execute(statement: Sql): Promise<number>;
  /** The variant for this database. */
  pick<T>(variants: Dialect<T>): T;
}

/** What both Prisma's client and an interactive transaction offer for raw SQL. */
export interface RawClient {
  $queryRaw<T = unknown>(query: Sql): Prisma.PrismaPromise<T>;
  $executeRaw(query: Sql): Prisma.PrismaPromise<number>;
}

export function sqlExecutor(client: RawClient, provider: Provider): SqlExecutor {
  return {
    provider,
    query: <R>(statement: Sql) => client.$queryRaw<R[]>(statement),
    execute: (statement) => client.$executeRaw(statement),
    pick: (variants) => variants[provider],
  };
}

/** Column list `"a", "b"` for a SELECT or INSERT (names come from code, never from input). */
export function columns(names: readonly string[]): Sql {
  return raw(names.map((n) => `"${n}"`).join(", "));
}

/** Splits a list into chunks of `size`: multi-row statements stay well under both providers' parameter limits. */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
