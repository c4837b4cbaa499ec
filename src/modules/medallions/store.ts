// The medallion row in SQL: read by id, ids or active scope key, insert, the conditional
// content update and the status update (index rows: index-rows.ts). Raw SQL on the hot paths on purpose: a
// Prisma operation costs about 0.5 ms of CPU before it reaches the database (query compilation
// and result mapping), ten times the statement itself, which is most of the 2 ms a write may
// take. Portable to SQLite and PostgreSQL: parameters are sent untyped (PostgreSQL casts them
// to the column's JSONB, enum and timestamp types) and results come back typed by Prisma's raw
// mapping (dates as Date, JSON parsed); rowOf checks them rather than trusting a cast.
import { Prisma } from "../../db/client.js";
import type { Medallion } from "../../generated/prisma/client.js";
import { MEDALLION_STATUSES, type MedallionStatus } from "./document.js";

/** What $queryRaw, $executeRaw and $transaction are on both a client and a transaction client. */
export interface RawRunner {
  $queryRaw<T = unknown>(query: Prisma.Sql): Prisma.PrismaPromise<T>;
  $executeRaw(query: Prisma.Sql): Prisma.PrismaPromise<number>;
}

const COLUMNS = [
  "id",
  "schemaVersion",
  "model",
  "status",
  "scopeKey",
  "activeScopeKey",
  "revision",
  "scope",
  "highLevel",
  "subsystems",
  "decisions",
  "openQuestions",
  "affordances",
  "knowledgeMinTs",
  "knowledgeMaxTs",
  "supersededById",
  "createdAt",
  "updatedAt",
] as const satisfies readonly (keyof Medallion)[];
// Every column of the model is listed (a new column must be added above).
type Unlisted = Exclude<keyof Medallion, (typeof COLUMNS)[number]>;
const everyColumn: [Unlisted] extends [never] ? true : never = true;
void everyColumn;

const JSON_COLUMNS = new Set<string>(["scope", "subsystems", "decisions", "openQuestions", "affordances"]);
const SELECT = Prisma.raw(COLUMNS.map((c) => `"${c}"`).join(", "));

type RawRow = Record<string, unknown>;

function bad(column: string, value: unknown): never {
  throw new Error(`Medallion.${column}: unexpected ${typeof value} from the database`);
}
function text(r: RawRow, k: string): string {
  const v = r[k];
  return typeof v === "string" ? v : bad(k, v);
}
function textOrNull(r: RawRow, k: string): string | null {
  const v = r[k];
  return v === null || v === undefined ? null : text(r, k);
}
function date(r: RawRow, k: string): Date {
  const v = r[k];
  const d = v instanceof Date ? v : typeof v === "string" ? new Date(v) : bad(k, v);
  return Number.isNaN(d.getTime()) ? bad(k, v) : d;
}
function json(r: RawRow, k: string): Prisma.JsonValue {
  const v = r[k];
  // A JSON column holds an object or array; text here is JSON not yet parsed.
  if (typeof v === "string") return JSON.parse(v) as Prisma.JsonValue;
  return typeof v === "object" && v !== null ? (v as Prisma.JsonValue) : bad(k, v);
}
function status(r: RawRow): MedallionStatus {
  const v = r.status;
  return typeof v === "string" && (MEDALLION_STATUSES as readonly string[]).includes(v) ? (v as MedallionStatus) : bad("status", v);
}

/** A raw result row as the Medallion model, checked column by column. */
export function rowOf(r: RawRow): Medallion {
  const revision = typeof r.revision === "bigint" ? Number(r.revision) : r.revision;
  return {
    id: text(r, "id"),
    schemaVersion: text(r, "schemaVersion"),
    model: text(r, "model"),
    status: status(r),
    scopeKey: text(r, "scopeKey"),
    activeScopeKey: textOrNull(r, "activeScopeKey"),
    revision: typeof revision === "number" ? revision : bad("revision", revision),
    scope: json(r, "scope"),
    highLevel: text(r, "highLevel"),
    subsystems: json(r, "subsystems"),
    decisions: json(r, "decisions"),
    openQuestions: json(r, "openQuestions"),
    affordances: json(r, "affordances"),
    knowledgeMinTs: date(r, "knowledgeMinTs"),
    knowledgeMaxTs: date(r, "knowledgeMaxTs"),
    supersededById: textOrNull(r, "supersededById"),
    createdAt: date(r, "createdAt"),
    updatedAt: date(r, "updatedAt"),
  };
}

export async function selectById(db: RawRunner, id: string): Promise<Medallion | null> {
  const rows = await db.$queryRaw<RawRow[]>(Prisma.sql`SELECT ${SELECT} FROM "Medallion" WHERE "id" = ${id}`);
  return rows[0] ? rowOf(rows[0]) : null;
}

export async function selectByActiveScopeKey(db: RawRunner, key: string): Promise<Medallion | null> {
  const rows = await db.$queryRaw<RawRow[]>(Prisma.sql`SELECT ${SELECT} FROM "Medallion" WHERE "activeScopeKey" = ${key}`);
  return rows[0] ? rowOf(rows[0]) : null;
}

/** The rows of `ids`, in no particular order. */
export async function selectByIds(db: RawRunner, ids: readonly string[]): Promise<Medallion[]> {
  if (ids.length === 0) return [];
  const rows = await db.$queryRaw<RawRow[]>(Prisma.sql`SELECT ${SELECT} FROM "Medallion" WHERE "id" IN (${Prisma.join(ids)})`);
  return rows.map(rowOf);
}

const param = (m: Medallion, c: (typeof COLUMNS)[number]) => {
  const v = m[c];
  return JSON_COLUMNS.has(c) ? JSON.stringify(v) : v;
};

export function insertRow(m: Medallion): Prisma.Sql {
  return Prisma.sql`INSERT INTO "Medallion" (${SELECT}) VALUES (${Prisma.join(COLUMNS.map((c) => param(m, c)))})`;
}

/** The content columns of `next`, its scope keys and updatedAt, if the row is still at `revision` (count 0 otherwise). */
export function updateContent(next: Medallion, revision: number): Prisma.Sql {
  const set = (["model", "scope", "highLevel", "subsystems", "decisions", "openQuestions", "affordances", "knowledgeMinTs", "knowledgeMaxTs", "scopeKey", "activeScopeKey", "updatedAt"] as const).map(
    (c) => Prisma.sql`${Prisma.raw(`"${c}"`)} = ${param(next, c)}`,
  );
  return Prisma.sql`UPDATE "Medallion" SET ${Prisma.join(set)}, "revision" = "revision" + 1 WHERE "id" = ${next.id} AND "revision" = ${revision}`;
}

/** Status, active scope key, successor and updatedAt of `next`. */
export function updateStatus(next: Medallion): Prisma.Sql {
  return Prisma.sql`UPDATE "Medallion" SET "status" = ${next.status}, "activeScopeKey" = ${next.activeScopeKey}, "supersededById" = ${next.supersededById},
    "updatedAt" = ${next.updatedAt}, "revision" = "revision" + 1 WHERE "id" = ${next.id}`;
}
