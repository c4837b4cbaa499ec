// Listing search on PostgreSQL: to_tsvector/to_tsquery with the 'simple' configuration (no
// stemming, like FTS5's unicode61), over the expression the GIN index of the marketplace_search
// migration is built on, so the match uses the index. Ranked with ts_rank (weights A name, B tags, C description).
import type { Db } from "../../db/client.js";
import { SqlListingSearch, type Dialect } from "./search.js";

/** Must stay identical to the indexed expression in prisma/migrations/postgresql/…_marketplace_search. */
const VECTOR = `(setweight(to_tsvector('simple'::regconfig, l."name"), 'A') || setweight(to_tsvector('simple'::regconfig, l."tagText"), 'B') || setweight(to_tsvector('simple'::regconfig, l."description"), 'C'))`;

const CASTS: Record<string, string> = { text: "text", int: "int", bigint: "int8", timestamp: "timestamp(3)" };

export const postgresDialect: Dialect = {
  placeholder: (n, cast) => (cast ? `$${n}::${CASTS[cast] ?? "text"}` : `$${n}`),
  finalize: (sql, values) => [sql, values],
  quantize: (expr) => `(round((${expr})::float8 * 1000000000000))::int8`,
  match(tokens, p) {
    const q = `to_tsquery('simple'::regconfig, ${p.add(tokens.map((t) => `${t}:*`).join(" & "), "text")})`;
    // Score negated so that lower is better, as with bm25.
    return { join: "", where: `${VECTOR} @@ ${q}`, score: `(-ts_rank(${VECTOR}, ${q})::float8)` };
  },
};

export class PostgresListingSearch extends SqlListingSearch {
  constructor(db: Db) {
    super(db, postgresDialect);
  }
}
