// The medallion row in SQL: read by id, ids or active scope key, insert, the conditional
// content update and the status update (index rows: index-rows.ts), and MedallionStore, which
// runs those statements on either path. Raw SQL on the hot paths on purpose: a
// Prisma operation costs about 0.5 ms of CPU before it reaches the database (query compilation
// and result mapping), ten times the statement itself, which is most of the 2 ms a write may
// take. Portable to SQLite and PostgreSQL: parameters are sent untyped (PostgreSQL casts them
// to the column's JSONB, enum and timestamp types). Results come back typed by Prisma's raw
// mapping (dates as Date, JSON parsed) or, on SQLite's direct path, as stored (ISO text, JSON
// text); rowOf takes both and checks them rather than trusting a cast.
import { Prisma, type Db } from "../../db/client.js";
import { sqlParams, type SqliteDirect } from "../../db/sqlite-direct.js";
import type { Medallion } from "../../generated/prisma/client.js";
import { MEDALLION_STATUSES, type MedallionStatus } from "./document.js";

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

/** The row of an id. */
export const byIdSql = (id: string): Prisma.Sql => Prisma.sql`SELECT ${SELECT} FROM "Medallion" WHERE "id" = ${id}`;
/** The ACTIVE row of an exact scope (its key). */
export const byActiveScopeKeySql = (key: string): Prisma.Sql => Prisma.sql`SELECT ${SELECT} FROM "Medallion" WHERE "activeScopeKey" = ${key}`;
/** The rows of `ids` (at least one), in no particular order. */
export const byIdsSql = (ids: readonly string[]): Prisma.Sql => Prisma.sql`SELECT ${SELECT} FROM "Medallion" WHERE "id" IN (${Prisma.join(ids)})`;

/**
 * A write: `guard` first, when given (a conditional UPDATE; when it changes no row nothing else
 * runs and the write reports false), then `statements`, all in one transaction.
 */
export interface WritePlan {
  guard?: Prisma.Sql;
  statements: Prisma.Sql[];
}

/**
 * Where the medallion statements run. On SQLite, Prisma's own connection directly (one
 * synchronous transaction, prepared statements: a fraction of an interactive Prisma
 * transaction's cost); on PostgreSQL, and while a Prisma transaction holds the SQLite
 * connection, Prisma's raw SQL. Both run the very same Prisma.Sql statements.
 */
export class MedallionStore {
  constructor(
    private readonly db: Db,
    private readonly sqlite: () => SqliteDirect | null = () => null,
  ) {}

  private async rows(sql: Prisma.Sql): Promise<RawRow[]> {
    const direct = this.sqlite();
    return direct ? direct.read<RawRow>(sql.sql, ...sqlParams(sql.values)) : this.db.$queryRaw<RawRow[]>(sql);
  }

  /** Rows of a statement that selects whole medallion rows. */
  async medallions(sql: Prisma.Sql): Promise<Medallion[]> {
    return (await this.rows(sql)).map(rowOf);
  }

  /** Any other read (ids, counts), as the driver returns it. */
  read<R>(sql: Prisma.Sql): Promise<R[]> {
    return this.rows(sql) as Promise<R[]>;
  }

  async byId(id: string): Promise<Medallion | null> {
    return (await this.medallions(byIdSql(id)))[0] ?? null;
  }

  async byActiveScopeKey(key: string): Promise<Medallion | null> {
    return (await this.medallions(byActiveScopeKeySql(key)))[0] ?? null;
  }

  async byIds(ids: readonly string[]): Promise<Medallion[]> {
    return ids.length === 0 ? [] : this.medallions(byIdsSql(ids));
  }

  /** Runs the plan in one transaction; false when its guard changed no row (and nothing was written). */
  async write(plan: WritePlan): Promise<boolean> {
    const direct = this.sqlite()?.transaction((sql) => {
      const run = (s: Prisma.Sql) => sql.run(s.sql, ...sqlParams(s.values));
      if (plan.guard && run(plan.guard) === 0) return false;
      for (const s of plan.statements) run(s);
      return true;
    });
    if (direct?.ran) return direct.value;
    const { guard } = plan;
    if (!guard) {
      // No decision to take between statements: one batch transaction, no round trips.
      await this.db.$transaction(plan.statements.map((s) => this.db.$executeRaw(s)));
      return true;
    }
    return this.db.$transaction(
      async (tx) => {
        if ((await tx.$executeRaw(guard)) === 0) return false;
        for (const s of plan.statements) await tx.$executeRaw(s);
        return true;
      },
      { maxWait: TRANSACTION_WAIT_MS },
    );
  }
}

/** How long a write waits for SQLite's single writer before giving up (the busy timeout's length). */
const TRANSACTION_WAIT_MS = 10_000;

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
