// Hand-written SQL, written one way: Prisma's Sql statements (tagged templates with bound
// parameters, from @prisma/client-runtime-utils, which the generated client re-exports), run by
// the database's executor, with the per-provider text of a statement side by side in a Dialect
// and picked by the provider the database was opened with.
import { empty, join, raw, sql, type Sql } from "@prisma/client-runtime-utils";
import type { Prisma } from "../generated/prisma/client.js";
import type { Provider } from "./provider.js";

export { empty, join, raw, sql, type Sql };

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

/** The executor on Prisma's raw API: the same connection (and transaction) as its model API. */
export function prismaExecutor(client: RawClient, provider: Provider): SqlExecutor {
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

/** A JSON object of the named columns of the row aliased `alias` ("t"): one column, one key. */
export function jsonObject(provider: Provider, names: readonly string[], alias: string): Sql {
  const pairs = names.map((n) => `'${n}', ${alias}."${n}"`).join(", ");
  return raw(provider === "sqlite" ? `json_object(${pairs})` : `json_build_object(${pairs})`);
}

/** The JSON array of `value` over a group's rows, ordered by `orderBy`; an empty array (not NULL) when there is none. */
export function jsonArray(provider: Provider, value: Sql, orderBy: Sql): Sql {
  return provider === "sqlite" ? sql`json_group_array(${value} ORDER BY ${orderBy})` : sql`coalesce(json_agg(${value} ORDER BY ${orderBy}), '[]'::json)`;
}
