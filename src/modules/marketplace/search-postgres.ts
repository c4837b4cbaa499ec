// Listing search on PostgreSQL: to_tsvector/to_tsquery with the 'simple' configuration (no
// stemming, like FTS5's unicode61), over the expression the GIN index of the marketplace_search
// migration is built on, so the match uses the index. Ranked with ts_rank (weights A name, B tags, C description).
import type { SqlExecutor } from "../../db/index.js";
import { empty, raw, sql } from "../../db/index.js";
import { SqlListingSearch, type Cast, type SearchDialect } from "./search.js";

/** Must stay identical to the indexed expression in prisma/migrations/postgresql/…_marketplace_search. */
const VECTOR = raw(
  `(setweight(to_tsvector('simple'::regconfig, l."name"), 'A') || setweight(to_tsvector('simple'::regconfig, l."tagText"), 'B') || setweight(to_tsvector('simple'::regconfig, l."description"), 'C'))`,
);

/** Parameters arrive untyped: each is cast to what its comparison needs. */
const CASTS: Record<Cast, string> = { text: "text", int: "int", bigint: "int8", timestamp: "timestamp(3)" };

export const postgresDialect: SearchDialect = {
  param: (value, cast) => sql`CAST(${value} AS ${raw(CASTS[cast])})`,
  quantize: (expr) => sql`(round((${expr})::float8 * 1000000000000))::int8`,
  match(tokens) {
    const q = sql`to_tsquery('simple'::regconfig, ${postgresDialect.param(tokens.map((t) => `${t}:*`).join(" & "), "text")})`;
    // Score negated so that lower is better, as with bm25.
    return { join: empty, where: sql`${VECTOR} @@ ${q}`, score: sql`(-ts_rank(${VECTOR}, ${q})::float8)` };
  },
};

export class PostgresListingSearch extends SqlListingSearch {
  constructor(executor: SqlExecutor) {
    super(executor, postgresDialect);
  }
}
