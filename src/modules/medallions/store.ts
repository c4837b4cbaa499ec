// The medallion row in SQL: read by id, ids or active scope key, insert, the conditional
// content update and the status update (index rows: index-rows.ts), and MedallionStore, which
// runs them. Raw SQL on the hot paths on purpose: a Prisma model operation costs several times
// the statement itself, which is most of the 2 ms a write may take. Portable to SQLite and
// PostgreSQL: parameters are sent untyped (PostgreSQL casts them to the column's JSONB, enum and
// timestamp types); rows are decoded by the data layer's decoder.
import type { Database } from "../../db/index.js";
import { columns, join, modelDecoder, raw, sql, type Sql } from "../../db/index.js";
import type { Medallion } from "../../generated/prisma/client.js";

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
const SELECT = columns(COLUMNS);
const decode = modelDecoder<Medallion>("Medallion");

/** The row of an id. */
export const byIdSql = (id: string): Sql => sql`SELECT ${SELECT} FROM "Medallion" WHERE "id" = ${id}`;
/** The ACTIVE row of an exact scope (its key). */
export const byActiveScopeKeySql = (key: string): Sql => sql`SELECT ${SELECT} FROM "Medallion" WHERE "activeScopeKey" = ${key}`;
/** The rows of `ids` (at least one), in no particular order. */
export const byIdsSql = (ids: readonly string[]): Sql => sql`SELECT ${SELECT} FROM "Medallion" WHERE "id" IN (${join(ids)})`;

/**
 * A write: `guard` first, when given (a conditional UPDATE; when it changes no row nothing else
 * runs and the write reports false), then `statements`, all in one transaction.
 */
export interface WritePlan {
  guard?: Sql;
  statements: Sql[];
}

/** Runs the medallion statements on the data layer's executor. */
export class MedallionStore {
  constructor(private readonly db: Database) {}

  /** Rows of a statement that selects whole medallion rows. */
  async medallions(statement: Sql): Promise<Medallion[]> {
    return (await this.db.sql.query(statement)).map(decode);
  }

  /** Any other read (ids, counts), as the driver returns it. */
  read<R>(statement: Sql): Promise<R[]> {
    return this.db.sql.query<R>(statement);
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
    const { guard } = plan;
    if (!guard) {
      // No decision to take between statements: one batch transaction, no round trips.
      await this.db.batch(plan.statements);
      return true;
    }
    return this.db.sqlTransaction(
      async (tx) => {
        if ((await tx.execute(guard)) === 0) return false;
        for (const s of plan.statements) await tx.execute(s);
        return true;
      },
      { maxWaitMs: TRANSACTION_WAIT_MS },
    );
  }
}

/** How long a write waits for SQLite's single writer before giving up (the busy timeout's length). */
const TRANSACTION_WAIT_MS = 10_000;

const param = (m: Medallion, c: (typeof COLUMNS)[number]) => {
  const v = m[c];
  return JSON_COLUMNS.has(c) ? JSON.stringify(v) : v;
};

export function insertRow(m: Medallion): Sql {
  return sql`INSERT INTO "Medallion" (${SELECT}) VALUES (${join(COLUMNS.map((c) => param(m, c)))})`;
}

/** The content columns of `next`, its scope keys and updatedAt, if the row is still at `revision` (count 0 otherwise). */
export function updateContent(next: Medallion, revision: number): Sql {
  const set = (["model", "scope", "highLevel", "subsystems", "decisions", "openQuestions", "affordances", "knowledgeMinTs", "knowledgeMaxTs", "scopeKey", "activeScopeKey", "updatedAt"] as const).map(
    (c) => sql`${raw(`"${c}"`)} = ${param(next, c)}`,
  );
  return sql`UPDATE "Medallion" SET ${join(set)}, "revision" = "revision" + 1 WHERE "id" = ${next.id} AND "revision" = ${revision}`;
}

/** Status, active scope key, successor and updatedAt of `next`. */
export function updateStatus(next: Medallion): Sql {
  return sql`UPDATE "Medallion" SET "status" = ${next.status}, "activeScopeKey" = ${next.activeScopeKey}, "supersededById" = ${next.supersededById},
    "updatedAt" = ${next.updatedAt}, "revision" = "revision" + 1 WHERE "id" = ${next.id}`;
}
