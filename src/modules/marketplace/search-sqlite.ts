// Listing search on SQLite: the FTS5 table of the marketplace_search migration, ranked by bm25
// with the name weighing most (name 10, description 1, tags 4).
import type { Db } from "../../db/client.js";
import { SqlListingSearch, type Dialect } from "./search.js";

const FTS = `"MarketplaceListingSearch"`;

export const sqliteDialect: Dialect = {
  placeholder: (n) => `?${n}`,
  quantize: (expr) => `CAST(round((${expr}) * 1000000000000) AS INTEGER)`,
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
    // Every word, each as a prefix: "pdf"* "proc"*
    const expr = tokens.map((t) => `"${t}"*`).join(" ");
    return {
      join: `JOIN ${FTS} ON ${FTS}.rowid = l.rowid`,
      where: `${FTS} MATCH ${p.add(expr)}`,
      score: `bm25(${FTS}, 10.0, 1.0, 4.0)`,
    };
  },
};

export class SqliteListingSearch extends SqlListingSearch {
  constructor(db: Db) {
    super(db, sqliteDialect);
  }
}
