// One search interface over listings, two implementations: SQLite FTS5 (search-sqlite.ts) and
// PostgreSQL full-text search (search-postgres.ts). Both share this SQL builder and differ only in
// the dialect: placeholders, the text match and the rank. Results are ids in order plus opaque
// keyset cursors, so pages stay stable while listings are added.
import type { Db } from "../../db/client.js";
import { InvalidInputError } from "../../lib/errors.js";

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

/** Collects parameters and hands out the dialect's numbered placeholders. */
export class Params {
  readonly values: unknown[] = [];
  constructor(private readonly placeholder: (n: number, cast?: string) => string) {}
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return this.placeholder(this.values.length, cast);
  }
}

export type Cast = "text" | "int" | "bigint" | "timestamp";

/**
 * What a source is for: ranking (RELEVANCE with words), a column order, counting, facets, or
 * scoring (the match and its rank alone; rows are looked up afterwards).
 */
export type SourceUse = "rank" | "order" | "count" | "facets" | "score";

/** The listings a search finds: FROM and WHERE, and how to reach the columns ordering needs. */
export interface MatchSource {
  from: string;
  where: string;
  /** Relevance, lower is better ("0" without words). */
  score: string;
  id: string;
  downloads: string;
  /** 0 when the listing's lower-cased name is the phrase (a placeholder), else 1. */
  exact(phrase: string): string;
}

export interface Dialect {
  placeholder(n: number, cast?: Cast): string;
  /**
   * A float score as a whole number (×10¹²). Keyset pages compare sort keys for equality, and a
   * float does not survive the round trip through raw query results exactly; an integer does.
   */
  quantize(expr: string): string;
  /** The statement and its arguments as the driver takes them. */
  finalize(sql: string, values: unknown[]): [string, unknown[]];
  /**
   * false: rank a first page with a plain subquery (SQLite flattens it, and its top-n sorter keeps
   * only the page). Otherwise, and for later pages, whose keyset test repeats the score: a
   * materialised CTE, so the score is computed once per match.
   */
  materializeRanked?: boolean;
  /** Joins and conditions that restrict to listings matching the tokens, and the row's relevance score (lower is better). */
  match(tokens: string[], p: Params): { join: string; where: string; score: string };
}

interface SortKey {
  expr: string;
  dir: "ASC" | "DESC";
  cast: Cast;
  /** How a selected value is put into a cursor and taken back out. */
  kind: "number" | "date";
}

export interface CursorData {
  o: ListingOrder;
  v: (number | string)[];
  id: string;
}

export function encodeCursor(c: CursorData): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(cursor: string, order: ListingOrder, keys: SortKey[]): CursorData {
  const bad = () => new InvalidInputError("after", "is not a cursor from this search and order (start again without `after`)");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  const c = parsed as Partial<CursorData>;
  if (c.o !== order || typeof c.id !== "string" || !Array.isArray(c.v) || c.v.length !== keys.length) throw bad();
  for (const [i, k] of keys.entries()) {
    const v = c.v[i];
    const ok = k.kind === "number" ? Number.isSafeInteger(v) : typeof v === "string" && !Number.isNaN(Date.parse(v));
    if (!ok) throw bad();
  }
  return c as CursorData;
}

function cursorValue(v: unknown, kind: SortKey["kind"]): number | string {
  if (kind === "date") return (v instanceof Date ? v : new Date(String(v))).toISOString();
  return Number(v);
}

export class SqlListingSearch implements ListingSearch {
  constructor(
    protected readonly db: Db,
    protected readonly dialect: Dialect,
  ) {}

  /**
   * Where the listings a search finds come from: the listing table with the dialect's text match
   * and the filters as conditions. A dialect with a better structure for some searches (SQLite's
   * full-text table with its facet tokens) overrides it.
   */
  protected source(tokens: string[], filter: ListingFilter | null | undefined, p: Params, _use: SourceUse): MatchSource {
    const where = [`l."status" = 'ACTIVE'`];
    let join = "";
    let score = "0";
    if (tokens.length) {
      const m = this.dialect.match(tokens, p);
      join = m.join;
      score = m.score;
      where.push(m.where);
    }
    if (filter?.license) where.push(`l."license" = ${p.add(filter.license, "text")}`);
    if (filter?.publisher) where.push(`l."publisher" = ${p.add(filter.publisher, "text")}`);
    if (filter?.broker) where.push(`l."brokerId" IN (SELECT b."id" FROM "Broker" b WHERE b."name" = ${p.add(filter.broker, "text")})`);
    if (filter?.free === true) where.push(`l."priceCents" = 0`);
    if (filter?.free === false) where.push(`l."priceCents" > 0`);
    for (const tag of new Set(filter?.tags ?? [])) {
      where.push(`EXISTS (SELECT 1 FROM "ListingTag" t WHERE t."listingId" = l."id" AND t."tag" = ${p.add(tag, "text")})`);
    }
    return {
      from: `"MarketplaceListing" l ${join}`,
      where: where.join(" AND "),
      score,
      id: `l."id"`,
      downloads: `l."downloads"`,
      exact: (phrase) => `CASE WHEN lower(l."name") = ${phrase} THEN 0 ELSE 1 END`,
    };
  }

  protected params(): Params {
    return new Params((n, cast) => this.dialect.placeholder(n, cast as Cast | undefined));
  }

  private sortKeys(order: ListingOrder, tokens: string[], src: MatchSource, p: Params): SortKey[] {
    if (order === "RELEVANCE" && tokens.length) {
      const phrase = tokens.join(" ");
      return [
        { expr: src.exact(p.add(phrase, "text")), dir: "ASC", cast: "int", kind: "number" },
        { expr: this.dialect.quantize(src.score), dir: "ASC", cast: "bigint", kind: "number" },
        { expr: src.downloads, dir: "DESC", cast: "int", kind: "number" },
      ];
    }
    if (order === "RATING") {
      return [
        { expr: this.dialect.quantize(`l."rating"`), dir: "DESC", cast: "bigint", kind: "number" },
        { expr: `l."downloads"`, dir: "DESC", cast: "int", kind: "number" },
      ];
    }
    if (order === "NEWEST") return [{ expr: `l."createdAt"`, dir: "DESC", cast: "timestamp", kind: "date" }];
    // DOWNLOADS, and RELEVANCE without a query (nothing to be relevant to: most used first).
    return [{ expr: `l."downloads"`, dir: "DESC", cast: "int", kind: "number" }];
  }

  async search(params: ListingSearchParams): Promise<ListingSearchPage> {
    const order = params.orderBy ?? "RELEVANCE";
    const p = this.params();
    const tokens = queryTokens(params.query);
    // Ranked searches score every match once, in a materialised CTE, and page over its columns
    // (the rank functions need the match context); column orders page over the table itself, so
    // ORDER BY … LIMIT can use its indexes.
    const ranked = order === "RELEVANCE" && tokens.length > 0;
    const src = this.source(tokens, params.filter, p, ranked ? "rank" : "order");
    const { from, where } = src;
    const keys = this.sortKeys(order, tokens, src, p);
    const ref = (i: number) => (ranked ? `r.k${i}` : (keys[i]?.expr ?? ""));
    const idRef = ranked ? "r.id" : src.id;
    const conditions = ranked ? [] : [where];
    if (params.after) {
      const c = decodeCursor(params.after, order, keys);
      // Keyset: rows strictly after the cursor in (keys…, id) order.
      const ors: string[] = [];
      for (let i = 0; i <= keys.length; i++) {
        const eq = keys.slice(0, i).map((k, j) => `${ref(j)} = ${p.add(this.param(c.v[j], k), k.cast)}`);
        const k = keys[i];
        const cmp = k ? `${ref(i)} ${k.dir === "ASC" ? ">" : "<"} ${p.add(this.param(c.v[i], k), k.cast)}` : `${idRef} > ${p.add(c.id, "text")}`;
        ors.push(`(${[...eq, cmp].join(" AND ")})`);
      }
      conditions.push(`(${ors.join(" OR ")})`);
    }
    const select = keys.map((k, i) => `${k.expr} AS k${i}`).join(", ");
    const orderBy = [...keys.map((k, i) => `${ref(i)} ${k.dir}`), `${idRef} ASC`].join(", ");
    const limit = p.add(params.first + 1, "int");
    const filterSql = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
    const sql = ranked
      ? this.dialect.materializeRanked === false && !params.after
        ? `SELECT r.* FROM (SELECT ${src.id} AS id, ${select} FROM ${from} WHERE ${where}) r ${filterSql} ORDER BY ${orderBy} LIMIT ${limit}`
        : `WITH r AS MATERIALIZED (SELECT ${src.id} AS id, ${select} FROM ${from} WHERE ${where}) SELECT r.* FROM r ${filterSql} ORDER BY ${orderBy} LIMIT ${limit}`
      : `SELECT ${src.id} AS id, ${select} FROM ${from} ${filterSql} ORDER BY ${orderBy} LIMIT ${limit}`;
    const rows = await this.run<Record<string, unknown>>(sql, p);
    const page = rows.slice(0, params.first);
    return {
      hasNextPage: rows.length > params.first,
      edges: page.map((r) => {
        const id = String(r.id);
        return { id, cursor: encodeCursor({ o: order, v: keys.map((k, i) => cursorValue(r[`k${i}`], k.kind)), id }) };
      }),
    };
  }

  protected run<T>(sql: string, p: Params): Promise<T[]> {
    const [text, args] = this.dialect.finalize(sql, p.values);
    return this.db.$queryRawUnsafe<T[]>(text, ...args);
  }

  private param(v: number | string | undefined, k: SortKey): unknown {
    if (v === undefined) return null;
    return k.kind === "date" ? new Date(v) : v;
  }

  async count(query: string | null | undefined, filter: ListingFilter | null | undefined): Promise<number> {
    const p = this.params();
    const { from, where } = this.source(queryTokens(query), filter, p, "count");
    const rows = await this.run<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${from} WHERE ${where}`, p);
    return Number(rows[0]?.n ?? 0);
  }

  /** One statement: the matches are found once, then grouped by tag, licence and publisher. */
  async facets(query: string | null | undefined, filter: ListingFilter | null | undefined, limit = 20): Promise<ListingFacets> {
    const p = this.params();
    const { from, where, id } = this.source(queryTokens(query), filter, p, "facets");
    const n = p.add(limit, "int");
    const top = (kind: string, sql: string) => `SELECT * FROM (SELECT '${kind}' AS kind, value, n FROM (${sql}) g ORDER BY n DESC, value ASC LIMIT ${n}) ${kind}`;
    const sql = `WITH m AS MATERIALIZED (SELECT ${id} AS id, l."license" AS license, l."publisher" AS publisher FROM ${from} WHERE ${where})
      ${top("t", `SELECT t."tag" AS value, COUNT(*) AS n FROM m JOIN "ListingTag" t ON t."listingId" = m.id GROUP BY t."tag"`)}
      UNION ALL ${top("l", `SELECT license AS value, COUNT(*) AS n FROM m GROUP BY license`)}
      UNION ALL ${top("p", `SELECT publisher AS value, COUNT(*) AS n FROM m GROUP BY publisher`)}
      UNION ALL SELECT '*' AS kind, '' AS value, COUNT(*) AS n FROM m`;
    return facetsFromRows(await this.run<{ kind: unknown; value: unknown; n: unknown }>(sql, p));
  }
}

/** Rows of (kind, value, n), kind t/l/p/* and already in order, as facets. */
export function facetsFromRows(rows: { kind: unknown; value: unknown; n: unknown }[]): ListingFacets {
  const out: ListingFacets = { tags: [], licenses: [], publishers: [], total: 0 };
  for (const r of rows) {
    const count = Number(r.n);
    if (r.kind === "*") out.total = count;
    else facetList(out, String(r.kind))?.push({ value: String(r.value), count });
  }
  return out;
}

/** The list of facets a kind (t, l, p) goes to. */
export function facetList(f: ListingFacets, kind: string): FacetCount[] | undefined {
  return kind === "t" ? f.tags : kind === "l" ? f.licenses : kind === "p" ? f.publishers : undefined;
}
