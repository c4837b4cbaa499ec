// The collections module's SQL: a collection as one JSON value (composed into the artifacts
// module's statements), "in the named collection", and collections by id.
import type { Provider, Sql, SqlExecutor } from "../../db/index.js";
import { join, jsonObject, modelColumns, raw, rowDecoder, sql } from "../../db/index.js";
import type { Collection } from "../../generated/prisma/client.js";

const SPEC = modelColumns("Collection");
const COLUMNS = Object.keys(SPEC);
const SELECT = raw(COLUMNS.map((c) => `c."${c}"`).join(", "));
export const decodeCollection = rowDecoder<Collection>(SPEC);

/** The columns read: the ones asked for (known ones, always with id), or all. */
export function collectionColumns(columns: readonly string[] | null): readonly string[] {
  return columns === null ? COLUMNS : [...new Set(["id", ...columns])].filter((c) => c in SPEC);
}

const decoders = new Map<string, (row: Record<string, unknown>) => Collection>();
/** A decoder of these columns (a partial row is still typed Collection: the fields that read the rest were not asked for). */
export function collectionDecoder(columns: readonly string[]): (row: Record<string, unknown>) => Collection {
  const key = columns.join(",");
  let d = decoders.get(key);
  if (!d) {
    d = rowDecoder<Collection>(Object.fromEntries(columns.map((c) => [c, SPEC[c] ?? "String"])));
    decoders.set(key, d);
  }
  return d;
}

/** The collection (these columns, as JSON) whose id is `collectionId` (a column). */
export function collectionJsonOf(provider: Provider, collectionId: Sql, columns: readonly string[]): Sql {
  return sql`(SELECT ${jsonObject(provider, columns, "c")} FROM "Collection" c WHERE c."id" = ${collectionId})`;
}

/** `collectionId` (a column) is the id of the collection with this name. */
export function isNamed(collectionId: Sql, name: string): Sql {
  return sql`${collectionId} IN (SELECT c."id" FROM "Collection" c WHERE c."name" = ${name})`;
}

export async function byIds(db: SqlExecutor, ids: readonly string[]): Promise<Collection[]> {
  if (ids.length === 0) return [];
  return (await db.query(sql`SELECT ${SELECT} FROM "Collection" c WHERE c."id" IN (${join(ids)})`)).map(decodeCollection);
}
