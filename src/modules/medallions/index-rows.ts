// The node and tag index rows of a medallion, kept by SQL that copies the medallion row's own
// status and updatedAt, inside the transaction that writes the row (so the copies cannot
// disagree with it). Raw SQL: one statement per table and no ORM round trip, about a fifth of a
// Prisma operation's cost, which is most of a write's budget. Portable to SQLite and PostgreSQL.
import { join, raw, sql, type Sql } from "../../db/index.js";

const TABLES = {
  node: { table: raw(`"MedallionGraphNode"`), column: raw(`"node"`) },
  tag: { table: raw(`"MedallionTag"`), column: raw(`"tag"`) },
} as const;
export type IndexKind = keyof typeof TABLES;

/** Adds rows for `values` (none: no statement), with the medallion's status and updatedAt. */
export function insertIndexRows(kind: IndexKind, medallionId: string, values: readonly string[]): Sql | null {
  if (values.length === 0) return null;
  const { table, column } = TABLES[kind];
  const rows = join(values.map((v) => sql`(${v})`));
  return sql`INSERT INTO ${table} ("medallionId", ${column}, "status", "updatedAt")
    SELECT m."id", v."column1", m."status", m."updatedAt" FROM "Medallion" m, (VALUES ${rows}) v WHERE m."id" = ${medallionId}`;
}

export function deleteIndexRows(kind: IndexKind, medallionId: string): Sql {
  return sql`DELETE FROM ${TABLES[kind].table} WHERE "medallionId" = ${medallionId}`;
}

/** Copies the medallion's current status and updatedAt onto its rows. */
export function syncIndexRows(kind: IndexKind, medallionId: string): Sql {
  return sql`UPDATE ${TABLES[kind].table} SET
    "status" = (SELECT m."status" FROM "Medallion" m WHERE m."id" = ${medallionId}),
    "updatedAt" = (SELECT m."updatedAt" FROM "Medallion" m WHERE m."id" = ${medallionId})
    WHERE "medallionId" = ${medallionId}`;
}
