// The Artifact table's hot reads in SQL: a page of artifacts (filtered, ordered, keyset-paged) and
// one artifact by key, each one statement, with the artifacts' tags and collection folded in as JSON
// when a request asks for them. Measured (bench/compare): through Prisma's model API these reads
// cost several times the statement itself, most of the request. The tags and collections modules
// own the SQL of their tables (tagsJsonOf, collectionJsonOf); this file only composes it.
import type { Provider, Sql, SqlExecutor } from "../../db/index.js";
import { empty, join, modelColumns, raw, rowDecoder, sql } from "../../db/index.js";
import type { Artifact, Collection, Tag } from "../../generated/prisma/client.js";

/** Column names to read, or null for every column of the model. */
export type Columns = readonly string[] | null;

const SPEC = modelColumns("Artifact");
export const ARTIFACT_COLUMNS = Object.keys(SPEC);

/** A decoder per column set (a request reads the columns its fields need: see types.ts). */
const decoders = new Map<string, (row: Record<string, unknown>) => Artifact>();
function decoderOf(columns: readonly string[]): (row: Record<string, unknown>) => Artifact {
  const key = columns.join(",");
  let d = decoders.get(key);
  if (!d) {
    // A row that is missing columns is still typed Artifact: the fields that read them were not asked for.
    d = rowDecoder<Artifact>(Object.fromEntries(columns.map((c) => [c, SPEC[c] ?? "String"])));
    decoders.set(key, d);
  }
  return d;
}

/** The columns actually read: the ones asked for (known ones only, always with id and collectionId), or all. */
function columnList(columns: Columns): readonly string[] {
  if (columns === null) return ARTIFACT_COLUMNS;
  return [...new Set(["id", "collectionId", ...columns])].filter((c) => c in SPEC);
}

/** Which related rows to fold into the statement, and which of their columns. */
export interface Include {
  tags?: Columns;
  collection?: Columns;
}

/** The SQL each related module contributes (see the header). */
export interface RelatedSql {
  tagsJsonOf(artifactId: Sql, columns: Columns): Sql;
  collectionJsonOf(collectionId: Sql, columns: Columns): Sql;
  decodeTags(json: unknown, columns: Columns): Tag[];
  decodeCollection(json: unknown, columns: Columns): Collection | null;
}

export interface ArtifactRow {
  artifact: Artifact;
  tags?: Tag[];
  collection?: Collection | null;
}

const ORDER_COLUMNS = { NAME: "name", TYPE: "type", CREATED_AT: "createdAt", UPDATED_AT: "updatedAt", QUALITY_SCORE: "qualityScore" } as const;
export type OrderField = keyof typeof ORDER_COLUMNS;

export interface PageQuery {
  columns: Columns;
  where: Sql[];
  order: { field: OrderField; direction: "ASC" | "DESC" };
  /** Keyset bounds: ids of the rows the page starts after / ends before, in the order asked. */
  after?: string;
  before?: string;
  limit: number;
  /** Read from the end (a `last` page): the rows come back in reverse order. */
  inverted: boolean;
  include: Include;
}

function selectList(columns: readonly string[], include: Include, related: RelatedSql): Sql {
  const parts = [raw(columns.map((c) => `a."${c}"`).join(", "))];
  if (include.tags !== undefined) parts.push(sql`${related.tagsJsonOf(raw(`a."id"`), include.tags)} AS "__tags"`);
  if (include.collection !== undefined) parts.push(sql`${related.collectionJsonOf(raw(`a."collectionId"`), include.collection)} AS "__collection"`);
  return join(parts, ", ");
}

function decodeRow(row: Record<string, unknown>, decode: (row: Record<string, unknown>) => Artifact, include: Include, related: RelatedSql): ArtifactRow {
  const out: ArtifactRow = { artifact: decode(row) };
  if (include.tags !== undefined) out.tags = related.decodeTags(row.__tags, include.tags);
  if (include.collection !== undefined) out.collection = related.decodeCollection(row.__collection, include.collection);
  return out;
}

/** A page of artifacts in one statement. */
export async function page(db: SqlExecutor, q: PageQuery, related: RelatedSql): Promise<ArtifactRow[]> {
  const column = raw(`"${ORDER_COLUMNS[q.order.field]}"`);
  const key = sql`(a.${column}, a."id")`;
  const cursorKey = (id: string) => sql`(SELECT c.${column}, c."id" FROM "Artifact" c WHERE c."id" = ${id})`;
  const asc = q.order.direction === "ASC";
  const conditions = [...q.where];
  if (q.after !== undefined) conditions.push(sql`${key} ${raw(asc ? ">" : "<")} ${cursorKey(q.after)}`);
  if (q.before !== undefined) conditions.push(sql`${key} ${raw(asc ? "<" : ">")} ${cursorKey(q.before)}`);
  const dir = raw(asc !== q.inverted ? "ASC" : "DESC");
  const where = conditions.length ? sql`WHERE ${join(conditions, " AND ")}` : empty;
  const columns = columnList(q.columns);
  const decode = decoderOf(columns);
  const rows = await db.query(sql`SELECT ${selectList(columns, q.include, related)} FROM "Artifact" a ${where}
    ORDER BY a.${column} ${dir}, a."id" ${dir} LIMIT ${q.limit}`);
  return rows.map((r) => decodeRow(r, decode, q.include, related));
}

/** The artifact of (collection, type, name), in one statement; `collection` is a condition on a."collectionId". */
export async function byKey(db: SqlExecutor, key: { type: string; name: string }, inCollection: Sql, want: Columns, include: Include, related: RelatedSql): Promise<ArtifactRow | null> {
  const columns = columnList(want);
  const [row] = await db.query(sql`SELECT ${selectList(columns, include, related)} FROM "Artifact" a
    WHERE ${enumEquals(db.provider, "type", "ArtifactType", key.type)} AND a."name" = ${key.name} AND ${inCollection}`);
  return row ? decodeRow(row, decoderOf(columns), include, related) : null;
}

/** Count of artifacts matching the conditions. */
export async function count(db: SqlExecutor, where: Sql[]): Promise<number> {
  const [row] = await db.query<{ n: unknown }>(sql`SELECT COUNT(*) AS "n" FROM "Artifact" a ${where.length ? sql`WHERE ${join(where, " AND ")}` : empty}`);
  return Number(row?.n ?? 0);
}

/** Case-insensitive substring of name, title or description; LIKE wildcards in the text match literally. */
export function searchCondition(provider: Provider, text: string): Sql {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // LIKE is case-insensitive for ASCII on SQLite; PostgreSQL needs ILIKE.
  const like = raw(provider === "postgresql" ? "ILIKE" : "LIKE");
  return sql`(a."name" ${like} ${pattern} ESCAPE '\\' OR a."title" ${like} ${pattern} ESCAPE '\\' OR a."description" ${like} ${pattern} ESCAPE '\\')`;
}

/** Enum-typed equality, portable (PostgreSQL compares an enum column to a cast parameter). */
export function enumEquals(provider: Provider, column: string, enumType: string, value: string): Sql {
  return provider === "postgresql" ? sql`a.${raw(`"${column}"`)} = CAST(${value} AS ${raw(`"${enumType}"`)})` : sql`a.${raw(`"${column}"`)} = ${value}`;
}
