// The ApiToken table in SQL (never the hash in what it returns, except to compare).
import { randomUUID } from "node:crypto";
import type { SqlExecutor } from "../../db/index.js";
import { join, rowDecoder, sql } from "../../db/index.js";

export interface PublicToken {
  id: string;
  name: string;
  scopes: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const PUBLIC = sql`"id", "name", "scopes", "createdAt", "lastUsedAt", "revokedAt"`;
const decode = rowDecoder<PublicToken>({ id: "String", name: "String", scopes: "String", createdAt: "DateTime", lastUsedAt: "DateTime", revokedAt: "DateTime" });

export async function insert(db: SqlExecutor, t: { name: string; tokenHash: string; scopes: string }): Promise<PublicToken> {
  const row: PublicToken = { id: randomUUID(), name: t.name, scopes: t.scopes, createdAt: new Date(), lastUsedAt: null, revokedAt: null };
  await db.execute(sql`INSERT INTO "ApiToken" ("id", "name", "tokenHash", "scopes", "createdAt") VALUES (${row.id}, ${row.name}, ${t.tokenHash}, ${row.scopes}, ${row.createdAt})`);
  return row;
}

export async function all(db: SqlExecutor): Promise<PublicToken[]> {
  return (await db.query(sql`SELECT ${PUBLIC} FROM "ApiToken" ORDER BY "createdAt" ASC, "id" ASC`)).map(decode);
}

/** The token with this name, or else with this id. */
export async function byNameOrId(db: SqlExecutor, nameOrId: string): Promise<PublicToken | null> {
  const rows = (await db.query(sql`SELECT ${PUBLIC} FROM "ApiToken" WHERE "name" = ${nameOrId} OR "id" = ${nameOrId}`)).map(decode);
  return rows.find((r) => r.name === nameOrId) ?? rows[0] ?? null;
}

export async function byHash(db: SqlExecutor, tokenHash: string): Promise<PublicToken | null> {
  const [row] = await db.query(sql`SELECT ${PUBLIC} FROM "ApiToken" WHERE "tokenHash" = ${tokenHash}`);
  return row ? decode(row) : null;
}

export async function revoke(db: SqlExecutor, id: string, at: Date): Promise<void> {
  await db.execute(sql`UPDATE "ApiToken" SET "revokedAt" = ${at} WHERE "id" = ${id} AND "revokedAt" IS NULL`);
}

export async function touch(db: SqlExecutor, id: string, at: Date): Promise<void> {
  await db.execute(sql`UPDATE "ApiToken" SET "lastUsedAt" = ${at} WHERE "id" = ${id}`);
}

/** The ids among `ids` of tokens that exist and are not revoked. */
export async function liveAmong(db: SqlExecutor, ids: readonly string[]): Promise<string[]> {
  const rows = await db.query<{ id: string }>(sql`SELECT "id" FROM "ApiToken" WHERE "id" IN (${join([...ids])}) AND "revokedAt" IS NULL`);
  return rows.map((r) => r.id);
}
