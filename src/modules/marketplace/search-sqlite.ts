// Listing search on SQLite: the FTS5 table of the marketplace_search migrations, ranked by bm25
// with the name weighing most (name 10, description 1, tags 4, facet tokens 0).
//
// The index holds only ACTIVE listings. Besides the text it holds each listing's facet value ids
// as tokens (column "facets", see the marketplace_search_facets migration), so licence,
// publisher, broker and tag filters are phrases ANDed into the MATCH: FTS5 intersects doclists
// instead of the query joining every match to its listing. Per match the query reads only the
// narrow "MarketplaceListingFacets" row (id, downloads, free, facet ids). Facet counts for a
// search are one pass over those rows; with no words and no filter they are read from the counts
// the triggers keep in "MarketplaceFacetValue".
import type { Sql, SqlExecutor } from "../../db/index.js";
import { empty, join, raw, rowDecoder, sql } from "../../db/index.js";
import { countFacetCodes, topCandidates } from "./facet-codes.js";
import {
  decodeCountRow,
  decodeFacetRow,
  facetList,
  facetsFromRows,
  queryTokens,
  SqlListingSearch,
  type FacetCount,
  type ListingFacets,
  type ListingFilter,
  type ListingSearchPage,
  type ListingSearchParams,
  type MatchSource,
  type SearchDialect,
  type SourceUse,
} from "./search.js";
import { encodeCursor } from "./search-cursor.js";

const FTS = raw(`"MarketplaceListingSearch"`);
const ROW = raw(`"MarketplaceListingFacets"`);
const VALUE = raw(`"MarketplaceFacetValue"`);
const BM25 = sql`bm25(${FTS}, 10.0, 1.0, 4.0, 0.0)`;

export const sqliteDialect: SearchDialect = {
  // SQLite compares by the column's affinity: no parameter needs a type.
  param: (value) => sql`${value}`,
  quantize: (expr) => sql`CAST(round((${expr}) * 1000000000000) AS INTEGER)`,
  materializeRanked: false,
  match(tokens) {
    return {
      join: sql`JOIN ${FTS} ON ${FTS}.rowid = l.rowid`,
      where: sql`${FTS} MATCH ${textQuery(tokens)}`,
      score: BM25,
    };
  },
};

/** Every word, each as a prefix, in the text columns only: {name description tags} : ("pdf"* "proc"*) */
export function textQuery(tokens: string[]): string {
  return `{name description tags} : (${tokens.map((t) => `"${t}"*`).join(" ")})`;
}

const decodeFirstPageRow = rowDecoder<{ id: string; k0: number; k1: number; k2: number; total: number }>({ id: "String", k0: "Int", k1: "Int", k2: "Int", total: "Int" });
const decodeCodesRow = rowDecoder<{ n: number; codes: string | null }>({ n: "Int", codes: "String" });
const decodeValueRow = rowDecoder<{ kind: string; id: number; value: string }>({ kind: "String", id: "Int", value: "String" });

export class SqliteListingSearch extends SqlListingSearch {
  constructor(executor: SqlExecutor) {
    super(executor, sqliteDialect);
  }

  /**
   * A ranked first page (words, no cursor, no free filter) scores first and looks up only the top
   * rows: the full-text match alone gives every match's sort keys but the last (exact name, then
   * bm25), materialised once; the key of the (first+1)-th match is the boundary; only matches up to
   * it (the page, and the ties at its end, which downloads and id order) are joined to their
   * narrow rows. The general plan joins every match (a fifth of the catalogue for a broad word) to
   * its row before sorting. The total comes from the same materialised matches, so totalCount
   * needs no second statement. Same keys and cursors as the general plan, which later pages use.
   */
  override async search(params: ListingSearchParams): Promise<ListingSearchPage> {
    const tokens = queryTokens(params.query);
    const free = params.filter?.free;
    if ((params.orderBy ?? "RELEVANCE") !== "RELEVANCE" || tokens.length === 0 || params.after || typeof free === "boolean") return super.search(params);
    const src = this.source(tokens, params.filter, "score");
    const exact = src.exact(sql`${tokens.join(" ")}`);
    const statement = sql`WITH s AS MATERIALIZED (SELECT ${FTS}.rowid AS rid, ${exact} AS k0, ${sqliteDialect.quantize(src.score)} AS k1 FROM ${src.from} WHERE ${src.where}),
      b AS (SELECT k0, k1 FROM s ORDER BY k0, k1 LIMIT 1 OFFSET ${params.first})
      SELECT f."id" AS id, s.k0 AS k0, s.k1 AS k1, f."downloads" AS k2, (SELECT COUNT(*) FROM s) AS total
      FROM s JOIN ${ROW} f ON f."rid" = s.rid
      WHERE NOT EXISTS (SELECT 1 FROM b) OR (s.k0, s.k1) <= (SELECT k0, k1 FROM b)
      ORDER BY s.k0 ASC, s.k1 ASC, f."downloads" DESC, f."id" ASC LIMIT ${params.first + 1}`;
    const rows = (await this.sql.query(statement)).map(decodeFirstPageRow);
    return {
      hasNextPage: rows.length > params.first,
      total: rows[0]?.total ?? 0,
      edges: rows.slice(0, params.first).map((r) => ({ id: r.id, cursor: encodeCursor({ o: "RELEVANCE", v: [r.k0, r.k1, r.k2], id: r.id }) })),
    };
  }

  /**
   * The full-text table (or, with no words and no phrase filter, the narrow rows) for ranking and
   * counting; ordering a search without words stays on the listing table and its indexes (the
   * first page of DOWNLOADS is the first rows of an index).
   */
  protected override source(tokens: string[], filter: ListingFilter | null | undefined, use: SourceUse): MatchSource {
    if (tokens.length === 0 && use !== "count" && use !== "facets") return super.source(tokens, filter, use);
    // Each filter value becomes its facet token, looked up by the statement itself (a value no
    // listing has gives 'x0', a token that is never indexed, so nothing matches). As a phrase it
    // costs bm25 one read of its doclist (for its idf), far less than testing every text match.
    const facet = (lookup: Sql) => sql`' AND facets : ' || coalesce((SELECT v."kind" || v."id" ${lookup}), 'x0')`;
    const value = (kind: string, v: string) => facet(sql`FROM ${VALUE} v WHERE v."kind" = ${raw(`'${kind}'`)} AND v."value" = ${v}`);
    const parts: Sql[] = [];
    if (filter?.license) parts.push(value("l", filter.license));
    if (filter?.publisher) parts.push(value("p", filter.publisher));
    if (filter?.broker) parts.push(facet(sql`FROM ${VALUE} v JOIN "Broker" b ON v."value" = b."id" WHERE v."kind" = 'b' AND b."name" = ${filter.broker}`));
    for (const tag of new Set(filter?.tags ?? [])) parts.push(value("t", tag));
    const where: Sql[] = [];
    if (tokens.length) {
      where.push(sql`${FTS} MATCH (${join([sql`${textQuery(tokens)}`, ...parts], " || ")})`);
    } else if (parts.length) {
      // No words: the first filter phrase starts the expression (drop its leading " AND ").
      where.push(sql`${FTS} MATCH substr(${join(parts, " || ")}, 6)`);
    }
    // Free is true for most listings: a test on the narrow row is cheaper than a phrase whose
    // doclist holds most of the index.
    if (filter?.free === true) where.push(sql`f."free" = 1`);
    if (filter?.free === false) where.push(sql`f."free" = 0`);
    const phrase = tokens.length > 0 || parts.length > 0;
    // A plain count needs the narrow row only to test free; ordering by a column needs the listing.
    const narrow = (use !== "count" && use !== "score") || filter?.free === true || filter?.free === false ? sql` JOIN ${ROW} f ON f."rid" = ${FTS}.rowid` : empty;
    const listing = use === "order" ? sql` JOIN "MarketplaceListing" l ON l.rowid = ${FTS}.rowid` : empty;
    return {
      // With no phrase at all (no filter, or only free): the narrow rows alone.
      from: phrase ? sql`${FTS}${narrow}${listing}` : sql`${ROW} f`,
      where: where.length ? join(where, " AND ") : sql`1`,
      score: BM25,
      id: sql`f."id"`,
      downloads: sql`f."downloads"`,
      exact: (phrase) => sql`CASE WHEN ${FTS}.rowid IN (SELECT l2.rowid FROM "MarketplaceListing" l2 WHERE lower(l2."name") = ${phrase}) THEN 0 ELSE 1 END`,
    };
  }

  override async count(query: string | null | undefined, filter: ListingFilter | null | undefined): Promise<number> {
    if (queryTokens(query).length === 0 && !hasFilter(filter)) {
      const [row] = (await this.sql.query(sql`SELECT "count" AS n FROM ${VALUE} WHERE "kind" = '*' AND "value" = ''`)).map(decodeCountRow);
      return row?.n ?? 0;
    }
    return super.count(query, filter);
  }

  /**
   * With words or filters: one statement finds the matches and hands back their facet ids in one
   * string, counted here (SQLite's GROUP BY would sort every (match, value) pair); a second looks
   * up the names of the values that make the top `limit`. Without either: the maintained counts.
   */
  override async facets(query: string | null | undefined, filter: ListingFilter | null | undefined, limit = 20): Promise<ListingFacets> {
    const tokens = queryTokens(query);
    if (tokens.length === 0 && !hasFilter(filter)) {
      const top = (kind: string) =>
        sql`SELECT * FROM (SELECT "kind", "value", "count" AS n FROM ${VALUE} WHERE "kind" = ${raw(`'${kind}'`)} AND "count" > 0 ORDER BY "count" DESC, "value" ASC LIMIT ${limit})`;
      const rows = await this.sql.query(
        sql`${top("t")} UNION ALL ${top("l")} UNION ALL ${top("p")} UNION ALL SELECT "kind", "value", "count" AS n FROM ${VALUE} WHERE "kind" = '*' AND "value" = ''`,
      );
      return facetsFromRows(rows.map(decodeFacetRow));
    }
    const { from, where } = this.source(tokens, filter, "facets");
    const [row] = (await this.sql.query(sql`SELECT COUNT(*) AS n, group_concat(f."codes", ' ') AS codes FROM ${from} WHERE ${where}`)).map(decodeCodesRow);
    const total = row?.n ?? 0;
    const counts = countFacetCodes(row?.codes ?? "");
    const wanted = topCandidates(counts, ["t", "l", "p"], limit);
    const out: ListingFacets = { tags: [], licenses: [], publishers: [], total };
    if (wanted.length === 0) return out;
    const ids = JSON.stringify(wanted.map((c) => c.id));
    const names = (await this.sql.query(sql`SELECT "kind", "id", "value" FROM ${VALUE} WHERE "id" IN (SELECT value FROM json_each(${ids}))`)).map(decodeValueRow);
    const countOf = new Map(wanted.map((c) => [c.id, c.count]));
    for (const r of names) facetList(out, r.kind)?.push({ value: r.value, count: countOf.get(r.id) ?? 0 });
    const order = (a: FacetCount, b: FacetCount) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
    out.tags = out.tags.sort(order).slice(0, limit);
    out.licenses = out.licenses.sort(order).slice(0, limit);
    out.publishers = out.publishers.sort(order).slice(0, limit);
    return out;
  }
}

function hasFilter(filter: ListingFilter | null | undefined): boolean {
  return Boolean(filter && (filter.license || filter.publisher || filter.broker || (filter.tags && filter.tags.length) || typeof filter.free === "boolean"));
}
