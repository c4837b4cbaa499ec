// Scope rules: the deterministic key of an exact scope, the matching predicate, and the same
// predicate as SQL answered by the indexed node and tag tables. Raw SQL on purpose: Prisma's
// relation filters become correlated EXISTS that SQLite evaluates while walking every medallion
// in updatedAt order (about 1 s at 100k rows for a rare node), where starting from the node
// table takes well under a millisecond.
import { createHash } from "node:crypto";
import { empty, join, raw, sql, type Sql } from "../../db/index.js";
import { MEDALLION_STATUSES, type MedallionStatus, type Scope } from "./document.js";

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

/** A scope query as index "lanes" (see matchSql). */
export interface Match {
  /** Each lane reads one index in page order: rows of `from` (alias x) with `where`; `id` is x's medallion id. */
  lanes: { from: Sql; id: Sql; where: Sql }[];
  /** Whether lanes can repeat a medallion (several tags): merged with UNION, not UNION ALL. */
  distinct: boolean;
}

function statusLiteral(s: MedallionStatus): Sql {
  // Written into the SQL text, so only the known constants ever are.
  if (!(MEDALLION_STATUSES as readonly string[]).includes(s)) throw new Error(`not a medallion status: ${String(s)}`);
  return raw(`'${s}'`);
}
const NODES = sql`FROM "MedallionGraphNode" x`;
const TAGS = sql`FROM "MedallionTag" x`;
const MEDALLIONS = sql`FROM "Medallion" x`;
const MEDALLION_ID = raw(`x."medallionId"`);

/** The node to read in index order: the deepest path is usually the rarest. */
export function drivingNode(nodes: readonly string[]): string {
  const depth = (n: string) => n.split("/").length;
  return [...nodes].sort((a, b) => depth(b) - depth(a) || b.length - a.length || (a < b ? -1 : 1))[0] ?? "";
}

/**
 * scopeMatches as SQL over the indexed node and tag tables, which carry each medallion's status
 * and updatedAt: one "lane" per (driving node or tag, status) is read from the index
 * (node|tag, status, updatedAt, medallionId) already in page order and stops after the rows the
 * page needs; the other wanted nodes and the tag overlap are probes on the (medallionId, …)
 * primary keys. Lanes (several statuses, or tags in a tag-only scope) are merged by UNION, each
 * contributing at most skip + take rows, so no step sorts or counts every match. With no scope
 * the medallion table's (status, updatedAt, id) index is read the same way. Statuses are
 * validated constants written as literals: a literal compares with PostgreSQL's enum column
 * and keeps the index usable (a text parameter would need a cast on the column).
 */
export function matchSql(scope: Scope | null, statuses: readonly MedallionStatus[]): Match {
  const nodes = scope?.graphNodes ?? [];
  const tags = scope?.tags ?? [];
  const lanes: Match["lanes"] = [];
  for (const status of statuses) {
    const st = statusLiteral(status);
    if (nodes.length > 0) {
      const driver = drivingNode(nodes);
      const probes = nodes
        .filter((n) => n !== driver)
        .map((n) => sql` AND EXISTS (SELECT 1 FROM "MedallionGraphNode" o WHERE o."medallionId" = x."medallionId" AND o."node" = ${n})`);
      if (tags.length > 0) {
        probes.push(sql` AND EXISTS (SELECT 1 FROM "MedallionTag" t WHERE t."medallionId" = x."medallionId" AND t."tag" IN (${join(tags)}))`);
      }
      lanes.push({ from: NODES, id: MEDALLION_ID, where: sql`x."node" = ${driver} AND x."status" = ${st}${probes.length ? join(probes, "", "", "") : empty}` });
    } else if (tags.length > 0) {
      for (const tag of tags) lanes.push({ from: TAGS, id: MEDALLION_ID, where: sql`x."tag" = ${tag} AND x."status" = ${st}` });
    } else {
      lanes.push({ from: MEDALLIONS, id: raw(`x."id"`), where: sql`x."status" = ${st}` });
    }
  }
  return { lanes, distinct: nodes.length === 0 && tags.length > 1 };
}

/** The ids of one page of matches, newest updatedAt first (id breaking ties), keyset-paged. */
export function pageSql(match: Match, page: PageRequest): Sql {
  const backward = page.take < 0;
  const limit = Math.abs(page.take);
  const offset = Math.max(0, (page.skip ?? 0) - (page.cursorId ? 1 : 0));
  const dir = raw(backward ? "ASC" : "DESC");
  const cmp = raw(backward ? ">" : "<");
  const offsetSql = (n: number) => (n > 0 ? sql` OFFSET ${n}` : empty);
  const lane = ({ from, id, where }: Match["lanes"][number], take: number, skip: number) => {
    const after = page.cursorId
      ? sql` AND (x."updatedAt", ${id}) ${cmp} (SELECT c."updatedAt", c."id" FROM "Medallion" c WHERE c."id" = ${page.cursorId})`
      : empty;
    return sql`SELECT x."updatedAt" AS "u", ${id} AS "id" ${from} WHERE ${where}${after} ORDER BY x."updatedAt" ${dir}, ${id} ${dir} LIMIT ${take}${offsetSql(skip)}`;
  };
  const [first, ...more] = match.lanes;
  if (!first) return sql`SELECT NULL AS "id" WHERE 1 = 0`;
  if (more.length === 0) return lane(first, limit, offset);
  // Each lane is already in page order; the page is the first rows of their merge.
  const parts = match.lanes.map((l, i) => sql`SELECT * FROM (${lane(l, limit + offset, 0)}) ${raw(`l${i}`)}`);
  const union = match.distinct ? " UNION " : " UNION ALL ";
  return sql`SELECT "u", "id" FROM (${join(parts, union, "", "")}) p ORDER BY "u" ${dir}, "id" ${dir} LIMIT ${limit}${offsetSql(offset)}`;
}

/** How many medallions match: each lane counted from its index (distinct ids when lanes overlap). */
export function countSql(match: Match): Sql {
  if (match.lanes.length === 0) return sql`SELECT 0 AS "n"`;
  if (match.distinct) {
    const parts = match.lanes.map(({ from, id, where }) => sql`SELECT ${id} AS "id" ${from} WHERE ${where}`);
    return sql`SELECT COUNT(*) AS "n" FROM (${join(parts, " UNION ", "", "")}) p`;
  }
  // Lanes of different statuses never share a medallion.
  const parts = match.lanes.map(({ from, where }) => sql`SELECT COUNT(*) AS "n" ${from} WHERE ${where}`);
  return sql`SELECT CAST(SUM("n") AS INTEGER) AS "n" FROM (${join(parts, " UNION ALL ", "", "")}) p`;
}
