// Scope rules: the deterministic key of an exact scope, the matching predicate, and the same
// predicate as SQL answered by the indexed node and tag tables. Raw SQL on purpose: Prisma's
// relation filters become correlated EXISTS that SQLite evaluates while walking every medallion
// in updatedAt order (about 1 s at 100k rows for a rare node), where starting from the node
// table takes well under a millisecond.
import { createHash } from "node:crypto";
import { Prisma } from "../../db/client.js";
import type { MedallionStatus, Scope } from "./document.js";

/** sha256 over the normalised (sorted, de-duplicated) scope: equal for equal scopes. */
export function scopeKey(scope: Scope): string {
  const nodes = [...new Set(scope.graphNodes)].sort();
  const tags = [...new Set(scope.tags)].sort();
  return createHash("sha256").update(JSON.stringify({ n: nodes, t: tags })).digest("hex");
}

/**
 * Whether a medallion of scope `own` answers a query for `wanted`: every wanted graph node is
 * one of its own, and when tags are wanted at least one is shared.
 */
export function scopeMatches(wanted: Scope, own: Scope): boolean {
  const nodes = new Set(own.graphNodes);
  if (!wanted.graphNodes.every((n) => nodes.has(n))) return false;
  if (wanted.tags.length === 0) return true;
  const tags = new Set(own.tags);
  return wanted.tags.some((t) => tags.has(t));
}

/** A page request in Prisma's cursor terms (as Pothos' prismaConnection passes them). */
export interface PageRequest {
  /** Rows to return; negative pages backwards from the cursor (results stay newest first). */
  take: number;
  /** Rows to skip; with a cursor, the first skipped row is the cursor itself. */
  skip?: number;
  cursorId?: string | null;
}

/**
 * scopeMatches as SQL that starts from the indexed tables: the candidates are the medallions
 * holding every wanted node (a GROUP BY … HAVING COUNT over (node, medallionId)), or, for a
 * tag-only scope, those holding a wanted tag; the medallion rows are then reached by id, and
 * the tag overlap is an EXISTS probe on the (medallionId, tag) key. No JSON is scanned, and the
 * database never walks the whole medallion table for a scope. Written for SQLite and PostgreSQL.
 */
export function matchSql(scope: Scope | null, statuses: readonly MedallionStatus[]): Prisma.Sql {
  const nodes = scope?.graphNodes ?? [];
  const tags = scope?.tags ?? [];
  let from: Prisma.Sql;
  let tagFilter = Prisma.empty;
  if (nodes.length > 0) {
    from = Prisma.sql`FROM (SELECT "medallionId" AS "mid" FROM "MedallionGraphNode" WHERE "node" IN (${Prisma.join(nodes)})
      GROUP BY "medallionId" HAVING COUNT(*) = ${nodes.length}) s JOIN "Medallion" m ON m."id" = s."mid"`;
    if (tags.length > 0) {
      tagFilter = Prisma.sql` AND EXISTS (SELECT 1 FROM "MedallionTag" t WHERE t."medallionId" = m."id" AND t."tag" IN (${Prisma.join(tags)}))`;
    }
  } else if (tags.length > 0) {
    from = Prisma.sql`FROM (SELECT DISTINCT "medallionId" AS "mid" FROM "MedallionTag" WHERE "tag" IN (${Prisma.join(tags)})) s
      JOIN "Medallion" m ON m."id" = s."mid"`;
  } else {
    from = Prisma.sql`FROM "Medallion" m`;
  }
  // CAST: a text parameter compares with PostgreSQL's enum column without naming the type.
  return Prisma.sql`${from} WHERE CAST(m."status" AS TEXT) IN (${Prisma.join([...statuses])})${tagFilter}`;
}

/** The ids of one page of matches, newest updatedAt first (id breaking ties), keyset-paged. */
export function pageSql(match: Prisma.Sql, page: PageRequest): Prisma.Sql {
  const backward = page.take < 0;
  const limit = Math.abs(page.take);
  const offset = Math.max(0, (page.skip ?? 0) - (page.cursorId ? 1 : 0));
  const after = page.cursorId
    ? Prisma.sql` AND (m."updatedAt", m."id") ${backward ? Prisma.raw(">") : Prisma.raw("<")} (SELECT c."updatedAt", c."id" FROM "Medallion" c WHERE c."id" = ${page.cursorId})`
    : Prisma.empty;
  const dir = Prisma.raw(backward ? "ASC" : "DESC");
  return Prisma.sql`SELECT m."id" AS "id" ${match}${after} ORDER BY m."updatedAt" ${dir}, m."id" ${dir} LIMIT ${limit} OFFSET ${offset}`;
}

/** How many medallions match. */
export function countSql(match: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`SELECT COUNT(*) AS "n" ${match}`;
}
