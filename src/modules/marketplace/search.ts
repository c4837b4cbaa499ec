// One search interface over listings, two implementations: SQLite FTS5 (search-sqlite.ts) and
// PostgreSQL full-text search (search-postgres.ts). Both share this SQL builder and differ only in
// the dialect: parameter casts, the text match and the rank. Results are ids in order plus opaque
// keyset cursors (search-cursor.ts), so pages stay stable while listings are added.
//
// Every statement is a `sql` template: values are bound parameters, fragments are composed with
// join/raw, and identifiers or keywords that come from code (never from input) go in with raw.
import type { Sql, SqlExecutor } from "../../db/index.js";
import { empty, join, raw, rowDecoder, sql, type ScalarType } from "../../db/index.js";
import { cursorParam, cursorValue, decodeCursor, encodeCursor, type CursorValueKind } from "./search-cursor.js";

export type ListingOrder = "RELEVANCE" | "DOWNLOADS" | "RATING" | "NEWEST";

export interface ListingFilter {
  /** Listings carrying every one of these tags. */
  tags?: string[] | null;
  license?: string | null;
  publisher?: string | null;
  /** Broker name. */
  broker?: string | null;
  /** true: price 0; false: priced. */
  free?: boolean | null;
}

export interface ListingSearchParams {
  query?: string | null;
  filter?: ListingFilter | null;
  orderBy?: ListingOrder | null;
  first: number;
  /** A cursor from an earlier page of the same search and order. */
  after?: string | null;
}

export interface ListingSearchPage {
  edges: { id: string; cursor: string }[];
  hasNextPage: boolean;
  /** What count() would answer, when the search found it on the way (then no count is needed). */
  total?: number;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface ListingFacets {
  tags: FacetCount[];
  licenses: FacetCount[];
  publishers: FacetCount[];
  /** How many listings the search finds (what count() answers). */
  total: number;
}

export interface ListingSearch {
  search(params: ListingSearchParams): Promise<ListingSearchPage>;
  count(query: string | null | undefined, filter: ListingFilter | null | undefined): Promise<number>;
  facets(query: string | null | undefined, filter: ListingFilter | null | undefined, limit?: number): Promise<ListingFacets>;
}

/** The words of a query, lower-cased: letters and digits only, so they are safe in any match syntax. */
export function queryTokens(query: string | null | undefined): string[] {
  if (!query) return [];
  return (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
}

/** The type PostgreSQL is told a parameter has, where it cannot infer it from the statement. */
export type Cast = "text" | "int" | "bigint" | "timestamp";

/**
 * What a source is for: ranking (RELEVANCE with words), a column order, counting, facets, or
 * scoring (the match and its rank alone; rows are looked up afterwards).
 */
export type SourceUse = "rank" | "order" | "count" | "facets" | "score";

/** The listings a search finds: FROM and WHERE, and how to reach the columns ordering needs. */
export interface MatchSource {
  from: Sql;
  where: Sql;
  /** Relevance, lower is better ("0" without words). */
  score: Sql;
  id: Sql;
  downloads: Sql;
  /** 0 when the listing's lower-cased name is the phrase (a parameter), else 1. */
  exact(phrase: Sql): Sql;
}

export interface SearchDialect {
  /** A bound parameter, cast where the dialect needs to be told its type. */
  param(value: unknown, cast: Cast): Sql;
  /**
   * A float score as a whole number (×10¹²). Keyset pages compare sort keys for equality, and a
   * float does not survive the round trip through raw query results exactly; an integer does.
   */
  quantize(expr: Sql): Sql;
  /**
   * false: rank a first page with a plain subquery (SQLite flattens it, and its top-n sorter keeps
   * only the page). Otherwise, and for later pages, whose keyset test repeats the score: a
   * materialised CTE, so the score is computed once per match.
   */
  materializeRanked?: boolean;
  /** Joins and conditions that restrict to listings matching the tokens, and the row's relevance score (lower is better). */
  match(tokens: string[]): { join: Sql; where: Sql; score: Sql };
}

interface SortKey {
  expr: Sql;
  dir: "ASC" | "DESC";
  cast: Cast;
  kind: CursorValueKind;
}

const KEY_TYPE: Record<CursorValueKind, ScalarType> = { number: "Int", date: "DateTime" };

/** A decoder for rows of (id, k0, k1, …): the sort keys as numbers, or dates for date keys. */
function pageRowDecoder(keys: readonly { kind: CursorValueKind }[]) {
  return rowDecoder<{ id: string } & Record<string, unknown>>({ id: "String", ...Object.fromEntries(keys.map((k, i) => [`k${i}`, KEY_TYPE[k.kind]])) });
}

export const decodeCountRow = rowDecoder<{ n: number }>({ n: "Int" });
export const decodeFacetRow = rowDecoder<FacetRow>({ kind: "String", value: "String", n: "Int" });

/** A facet count row: kind t (tag), l (licence), p (publisher) or * (the total). */
export interface FacetRow {
  kind: string;
  value: string;
  n: number;
}

export class SqlListingSearch implements ListingSearch {
  constructor(
    protected readonly sql: SqlExecutor,
    protected readonly dialect: SearchDialect,
  ) {}

  /**
   * Where the listings a search finds come from: the listing table with the dialect's text match
   * and the filters as conditions. A dialect with a better structure for some searches (SQLite's
   * full-text table with its facet tokens) overrides it.
   */
  protected source(tokens: string[], filter: ListingFilter | null | undefined, _use: SourceUse): MatchSource {
    const p = (v: unknown) => this.dialect.param(v, "text");
    const where: Sql[] = [sql`l."status" = 'ACTIVE'`];
    let joins = empty;
    let score = sql`0`;
    if (tokens.length) {
      const m = this.dialect.match(tokens);
      joins = m.join;
      score = m.score;
      where.push(m.where);
    }
    if (filter?.license) where.push(sql`l."license" = ${p(filter.license)}`);
    if (filter?.publisher) where.push(sql`l."publisher" = ${p(filter.publisher)}`);
    if (filter?.broker) where.push(sql`l."brokerId" IN (SELECT b."id" FROM "Broker" b WHERE b."name" = ${p(filter.broker)})`);
    if (filter?.free === true) where.push(sql`l."priceCents" = 0`);
    if (filter?.free === false) where.push(sql`l."priceCents" > 0`);
    for (const tag of new Set(filter?.tags ?? [])) {
      where.push(sql`EXISTS (SELECT 1 FROM "ListingTag" t WHERE t."listingId" = l."id" AND t."tag" = ${p(tag)})`);
    }
    return {
      from: sql`"MarketplaceListing" l ${joins}`,
      where: join(where, " AND "),
      score,
      id: sql`l."id"`,
      downloads: sql`l."downloads"`,
      exact: (phrase) => sql`CASE WHEN lower(l."name") = ${phrase} THEN 0 ELSE 1 END`,
    };
  }

  private sortKeys(order: ListingOrder, tokens: string[], src: MatchSource): SortKey[] {
    if (order === "RELEVANCE" && tokens.length) {
      const phrase = tokens.join(" ");
      return [
        { expr: src.exact(this.dialect.param(phrase, "text")), dir: "ASC", cast: "int", kind: "number" },
        { expr: this.dialect.quantize(src.score), dir: "ASC", cast: "bigint", kind: "number" },
        { expr: src.downloads, dir: "DESC", cast: "int", kind: "number" },
      ];
    }
    if (order === "RATING") {
      return [
        { expr: this.dialect.quantize(sql`l."rating"`), dir: "DESC", cast: "bigint", kind: "number" },
        { expr: sql`l."downloads"`, dir: "DESC", cast: "int", kind: "number" },
      ];
    }
    if (order === "NEWEST") return [{ expr: sql`l."createdAt"`, dir: "DESC", cast: "timestamp", kind: "date" }];
    // DOWNLOADS, and RELEVANCE without a query (nothing to be relevant to: most used first).
    return [{ expr: sql`l."downloads"`, dir: "DESC", cast: "int", kind: "number" }];
  }

  async search(params: ListingSearchParams): Promise<ListingSearchPage> {
    const order = params.orderBy ?? "RELEVANCE";
    const tokens = queryTokens(params.query);
    // Ranked searches score every match once, in a materialised CTE, and page over its columns
    // (the rank functions need the match context); column orders page over the table itself, so
    // ORDER BY … LIMIT can use its indexes.
    const ranked = order === "RELEVANCE" && tokens.length > 0;
    const src = this.source(tokens, params.filter, ranked ? "rank" : "order");
    const { from, where } = src;
    const keys = this.sortKeys(order, tokens, src);
    const ref = (i: number): Sql => (ranked ? raw(`r.k${i}`) : (keys[i]?.expr ?? empty));
    const idRef = ranked ? raw("r.id") : src.id;
    const conditions: Sql[] = ranked ? [] : [where];
    if (params.after) {
      const c = decodeCursor(
        params.after,
        order,
        keys.map((k) => k.kind),
      );
      const value = (i: number, k: SortKey) => this.dialect.param(cursorParam(c.v[i], k.kind), k.cast);
      // Keyset: rows strictly after the cursor in (keys…, id) order.
      const ors: Sql[] = [];
      for (let i = 0; i <= keys.length; i++) {
        const eq = keys.slice(0, i).map((k, j) => sql`${ref(j)} = ${value(j, k)}`);
        const k = keys[i];
        const cmp = k ? sql`${ref(i)} ${raw(k.dir === "ASC" ? ">" : "<")} ${value(i, k)}` : sql`${idRef} > ${this.dialect.param(c.id, "text")}`;
        ors.push(sql`(${join([...eq, cmp], " AND ")})`);
      }
      conditions.push(sql`(${join(ors, " OR ")})`);
    }
    const select = join(
      keys.map((k, i) => sql`${k.expr} AS ${raw(`k${i}`)}`),
      ", ",
    );
    const orderBy = join([...keys.map((k, i) => sql`${ref(i)} ${raw(k.dir)}`), sql`${idRef} ASC`], ", ");
    const limit = this.dialect.param(params.first + 1, "int");
    const filterSql = conditions.length ? sql`WHERE ${join(conditions, " AND ")}` : empty;
    const statement = ranked
      ? this.dialect.materializeRanked === false && !params.after
        ? sql`SELECT r.* FROM (SELECT ${src.id} AS id, ${select} FROM ${from} WHERE ${where}) r ${filterSql} ORDER BY ${orderBy} LIMIT ${limit}`
        : sql`WITH r AS MATERIALIZED (SELECT ${src.id} AS id, ${select} FROM ${from} WHERE ${where}) SELECT r.* FROM r ${filterSql} ORDER BY ${orderBy} LIMIT ${limit}`
      : sql`SELECT ${src.id} AS id, ${select} FROM ${from} ${filterSql} ORDER BY ${orderBy} LIMIT ${limit}`;
    const rows = (await this.sql.query(statement)).map(pageRowDecoder(keys));
    return {
      hasNextPage: rows.length > params.first,
      edges: rows.slice(0, params.first).map((r) => ({
        id: r.id,
        cursor: encodeCursor({ o: order, v: keys.map((k, i) => cursorValue(r[`k${i}`], k.kind)), id: r.id }),
      })),
    };
  }

  async count(query: string | null | undefined, filter: ListingFilter | null | undefined): Promise<number> {
    const { from, where } = this.source(queryTokens(query), filter, "count");
    const [row] = (await this.sql.query(sql`SELECT COUNT(*) AS n FROM ${from} WHERE ${where}`)).map(decodeCountRow);
    return row?.n ?? 0;
  }

  /** One statement: the matches are found once, then grouped by tag, licence and publisher. */
  async facets(query: string | null | undefined, filter: ListingFilter | null | undefined, limit = 20): Promise<ListingFacets> {
    const { from, where, id } = this.source(queryTokens(query), filter, "facets");
    const n = this.dialect.param(limit, "int");
    const top = (kind: string, grouped: Sql) =>
      sql`SELECT * FROM (SELECT ${raw(`'${kind}'`)} AS kind, value, n FROM (${grouped}) g ORDER BY n DESC, value ASC LIMIT ${n}) ${raw(kind)}`;
    const statement = sql`WITH m AS MATERIALIZED (SELECT ${id} AS id, l."license" AS license, l."publisher" AS publisher FROM ${from} WHERE ${where})
      ${top("t", sql`SELECT t."tag" AS value, COUNT(*) AS n FROM m JOIN "ListingTag" t ON t."listingId" = m.id GROUP BY t."tag"`)}
      UNION ALL ${top("l", sql`SELECT license AS value, COUNT(*) AS n FROM m GROUP BY license`)}
      UNION ALL ${top("p", sql`SELECT publisher AS value, COUNT(*) AS n FROM m GROUP BY publisher`)}
      UNION ALL SELECT '*' AS kind, '' AS value, COUNT(*) AS n FROM m`;
    return facetsFromRows((await this.sql.query(statement)).map(decodeFacetRow));
  }
}

/** Rows of (kind, value, n), kind t/l/p/* and already in order, as facets. */
export function facetsFromRows(rows: readonly FacetRow[]): ListingFacets {
  const out: ListingFacets = { tags: [], licenses: [], publishers: [], total: 0 };
  for (const r of rows) {
    if (r.kind === "*") out.total = r.n;
    else facetList(out, r.kind)?.push({ value: r.value, count: r.n });
  }
  return out;
}

/** The list of facets a kind (t, l, p) goes to. */
export function facetList(f: ListingFacets, kind: string): FacetCount[] | undefined {
  return kind === "t" ? f.tags : kind === "l" ? f.licenses : kind === "p" ? f.publishers : undefined;
}

