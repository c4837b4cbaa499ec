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
//
// Statements go straight to Prisma's own better-sqlite3 connection when it is reachable
// (db/sqlite-direct.ts): Prisma's cost per raw query is a large share of a search's few milliseconds.
import type { Db } from "../../db/client.js";
import { sqlParams, type SqliteDirect } from "../../db/sqlite-direct.js";
import { countFacetCodes, topCandidates } from "./facet-codes.js";
import {
  encodeCursor,
  facetList,
  facetsFromRows,
  queryTokens,
  SqlListingSearch,
  type Dialect,
  type FacetCount,
  type ListingFacets,
  type ListingFilter,
  type ListingSearchPage,
  type ListingSearchParams,
  type MatchSource,
  type Params,
  type SourceUse,
} from "./search.js";

const FTS = `"MarketplaceListingSearch"`;
const ROW = `"MarketplaceListingFacets"`;
const VALUE = `"MarketplaceFacetValue"`;

export const sqliteDialect: Dialect = {
  placeholder: (n) => `?${n}`,
  quantize: (expr) => `CAST(round((${expr}) * 1000000000000) AS INTEGER)`,
  materializeRanked: false,
  // better-sqlite3 binds an argument array to plain ? only: number each use in order of appearance.
  finalize(sql, values) {
    const args: unknown[] = [];
    const text = sql.replace(/\?(\d+)/g, (_m, n: string) => {
      args.push(values[Number(n) - 1]);
      return "?";
    });
    return [text, args];
  },
  match(tokens, p) {
    return {
      join: `JOIN ${FTS} ON ${FTS}.rowid = l.rowid`,
      where: `${FTS} MATCH ${p.add(textQuery(tokens))}`,
      score: `bm25(${FTS}, 10.0, 1.0, 4.0, 0.0)`,
    };
  },
};

/** Every word, each as a prefix, in the text columns only: {name description tags} : ("pdf"* "proc"*) */
export function textQuery(tokens: string[]): string {
  return `{name description tags} : (${tokens.map((t) => `"${t}"*`).join(" ")})`;
}

export class SqliteListingSearch extends SqlListingSearch {
  constructor(
    db: Db,
    private readonly sqlite: () => SqliteDirect | null = () => null,
  ) {
    super(db, sqliteDialect);
  }

  /** A statement with plain ? placeholders, on the direct connection when there is one. */
  private async read<T>(text: string, args: unknown[]): Promise<T[]> {
    const direct = this.sqlite();
    return direct ? direct.read<T>(text, ...sqlParams(args)) : this.db.$queryRawUnsafe<T[]>(text, ...args);
  }

  protected override run<T>(sql: string, p: Params): Promise<T[]> {
    const [text, args] = sqliteDialect.finalize(sql, p.values);
    return this.read<T>(text, args);
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
    const p = this.params();
    const src = this.source(tokens, params.filter, p, "score");
    const exact = src.exact(p.add(tokens.join(" ")));
    const sql = `WITH s AS MATERIALIZED (SELECT ${FTS}.rowid AS rid, ${exact} AS k0, ${sqliteDialect.quantize(src.score)} AS k1 FROM ${src.from} WHERE ${src.where}),
      b AS (SELECT k0, k1 FROM s ORDER BY k0, k1 LIMIT 1 OFFSET ${p.add(params.first)})
      SELECT f."id" AS id, s.k0 AS k0, s.k1 AS k1, f."downloads" AS k2, (SELECT COUNT(*) FROM s) AS total
      FROM s JOIN ${ROW} f ON f."rid" = s.rid
      WHERE NOT EXISTS (SELECT 1 FROM b) OR (s.k0, s.k1) <= (SELECT k0, k1 FROM b)
      ORDER BY s.k0 ASC, s.k1 ASC, f."downloads" DESC, f."id" ASC LIMIT ${p.add(params.first + 1)}`;
    const rows = await this.run<{ id: unknown; k0: unknown; k1: unknown; k2: unknown; total: unknown }>(sql, p);
    return {
      hasNextPage: rows.length > params.first,
      total: Number(rows[0]?.total ?? 0),
      edges: rows.slice(0, params.first).map((r) => {
        const id = String(r.id);
        return { id, cursor: encodeCursor({ o: "RELEVANCE", v: [Number(r.k0), Number(r.k1), Number(r.k2)], id }) };
      }),
    };
  }

  /**
   * The full-text table (or, with no words and no phrase filter, the narrow rows) for ranking and
   * counting; ordering a search without words stays on the listing table and its indexes (the
   * first page of DOWNLOADS is the first rows of an index).
   */
  protected override source(tokens: string[], filter: ListingFilter | null | undefined, p: Params, use: SourceUse): MatchSource {
    if (tokens.length === 0 && use !== "count" && use !== "facets") return super.source(tokens, filter, p, use);
    // Each filter value becomes its facet token, looked up by the statement itself (a value no
    // listing has gives 'x0', a token that is never indexed, so nothing matches). As a phrase it
    // costs bm25 one read of its doclist (for its idf), far less than testing every text match.
    const facet = (from: string) => `' AND facets : ' || coalesce((SELECT v."kind" || v."id" ${from}), 'x0')`;
    const value = (kind: string, v: string) => facet(`FROM ${VALUE} v WHERE v."kind" = '${kind}' AND v."value" = ${p.add(v)}`);
    const parts: string[] = [];
    if (filter?.license) parts.push(value("l", filter.license));
    if (filter?.publisher) parts.push(value("p", filter.publisher));
    if (filter?.broker) parts.push(facet(`FROM ${VALUE} v JOIN "Broker" b ON v."value" = b."id" WHERE v."kind" = 'b' AND b."name" = ${p.add(filter.broker)}`));
    for (const tag of new Set(filter?.tags ?? [])) parts.push(value("t", tag));
    const where: string[] = [];
    if (tokens.length) {
      where.push(`${FTS} MATCH (${[p.add(textQuery(tokens)), ...parts].join(" || ")})`);
    } else if (parts.length) {
      // No words: the first filter phrase starts the expression (drop its leading " AND ").
      where.push(`${FTS} MATCH substr(${parts.join(" || ")}, 6)`);
    }
    // Free is true for most listings: a test on the narrow row is cheaper than a phrase whose
    // doclist holds most of the index.
    if (filter?.free === true) where.push(`f."free" = 1`);
    if (filter?.free === false) where.push(`f."free" = 0`);
    const phrase = tokens.length > 0 || parts.length > 0;
    // A plain count needs the narrow row only to test free; ordering by a column needs the listing.
    const narrow = (use !== "count" && use !== "score") || filter?.free === true || filter?.free === false ? ` JOIN ${ROW} f ON f."rid" = ${FTS}.rowid` : "";
    const listing = use === "order" ? ` JOIN "MarketplaceListing" l ON l.rowid = ${FTS}.rowid` : "";
    return {
      // With no phrase at all (no filter, or only free): the narrow rows alone.
      from: phrase ? `${FTS}${narrow}${listing}` : `${ROW} f`,
      where: where.length ? where.join(" AND ") : "1",
      score: `bm25(${FTS}, 10.0, 1.0, 4.0, 0.0)`,
      id: `f."id"`,
      downloads: `f."downloads"`,
      exact: (phrase) => `CASE WHEN ${FTS}.rowid IN (SELECT l2.rowid FROM "MarketplaceListing" l2 WHERE lower(l2."name") = ${phrase}) THEN 0 ELSE 1 END`,
    };
  }

  override async count(query: string | null | undefined, filter: ListingFilter | null | undefined): Promise<number> {
    if (queryTokens(query).length === 0 && !hasFilter(filter)) {
      const rows = await this.read<{ n: unknown }>(`SELECT "count" AS n FROM ${VALUE} WHERE "kind" = '*' AND "value" = ''`, []);
      return Number(rows[0]?.n ?? 0);
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
        `SELECT * FROM (SELECT "kind", "value", "count" AS n FROM ${VALUE} WHERE "kind" = '${kind}' AND "count" > 0 ORDER BY "count" DESC, "value" ASC LIMIT ?)`;
      const rows = await this.read<{ kind: unknown; value: unknown; n: unknown }>(
        `${top("t")} UNION ALL ${top("l")} UNION ALL ${top("p")} UNION ALL SELECT "kind", "value", "count" AS n FROM ${VALUE} WHERE "kind" = '*' AND "value" = ''`,
        [limit, limit, limit],
      );
      return facetsFromRows(rows);
    }
    const p = this.params();
    const { from, where } = this.source(tokens, filter, p, "facets");
    const [text, args] = sqliteDialect.finalize(`SELECT COUNT(*) AS n, group_concat(f."codes", ' ') AS codes FROM ${from} WHERE ${where}`, p.values);
    const rows = await this.read<{ n: unknown; codes: unknown }>(text, args);
    const total = Number(rows[0]?.n ?? 0);
    const counts = countFacetCodes(String(rows[0]?.codes ?? ""));
    const wanted = topCandidates(counts, ["t", "l", "p"], limit);
    const out: ListingFacets = { tags: [], licenses: [], publishers: [], total };
    if (wanted.length === 0) return out;
    const names = await this.read<{ kind: unknown; id: unknown; value: unknown }>(`SELECT "kind", "id", "value" FROM ${VALUE} WHERE "id" IN (SELECT value FROM json_each(?))`, [
      JSON.stringify(wanted.map((c) => c.id)),
    ]);
    const countOf = new Map(wanted.map((c) => [c.id, c.count]));
    for (const r of names) facetList(out, String(r.kind))?.push({ value: String(r.value), count: countOf.get(Number(r.id)) ?? 0 });
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
