// Medallions: create, replace, change status, checkpoint a session, and find by scope. Every write
// is re-validated here with the schemas the GraphQL edge uses, so the CLI obeys the same rules.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Database } from "../../db/index.js";
import { isUniqueViolation } from "../../db/index.js";
import type { Medallion, Prisma } from "../../generated/prisma/client.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import {
  checkpointSchema,
  createMedallionSchema,
  decisionSchema,
  issuePath,
  medallionContentSchema,
  queryScopeSchema,
  questionSchema,
  SCHEMA_VERSION,
  summarySchema,
  affordancesSchema,
  MEDALLION_STATUSES,
  type MedallionContent,
  type MedallionDocument,
  type MedallionStatus,
  type Scope,
} from "./document.js";
import { DeterministicGenerator, type MedallionGenerator } from "./generator.js";
import { deleteIndexRows, insertIndexRows, syncIndexRows } from "./index-rows.js";
import { insertRow, MedallionStore, updateContent, updateStatus } from "./store.js";
import { countSql, matchSql, pageSql, scopeKey, type Match, type PageRequest } from "./scope.js";

export interface ScopeInput {
  graphNodes?: readonly string[] | null;
  tags?: readonly string[] | null;
}

export interface CheckpointResult {
  medallion: Medallion;
  created: boolean;
}

/** Writes retry when they lose a race (unique scope on create, revision on update). */
const CHECKPOINT_ATTEMPTS = 10;

/** Parses with a shared schema; the first broken rule becomes an InvalidInputError naming its path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const [first, ...rest] = r.error.issues;
  const field = issuePath(prefix, first?.path ?? []);
  const more = rest.map((i) => `; ${issuePath(prefix, i.path)}: ${i.message}`).join("");
  throw new InvalidInputError(field, `${first?.message ?? "is invalid"}${more}`);
}

export function newMedallionId(): string {
  return `med-${randomBytes(6).toString("hex")}`;
}

function describeScope(scope: Scope): string {
  return [...scope.graphNodes, ...scope.tags.map((t) => `#${t}`)].join(" ");
}

type Content = MedallionContent;

// The document's parts are JSON columns of the medallion row, validated when written; reading
// them back checks the shape again, and a part that does not fit reads as empty.
const SUBSYSTEMS = summarySchema.shape.subsystems;
const SCOPE = z.object({ graphNodes: z.array(z.string()), tags: z.array(z.string()) });
const DECISIONS = z.array(decisionSchema);
const QUESTIONS = z.array(questionSchema);
const NO_AFFORDANCES: Content["affordances"] = { recommendedEntryPoints: [], avoidRepeating: [], invariants: [] };

function read<S extends z.ZodType>(schema: S, json: Prisma.JsonValue, empty: z.output<S>): z.output<S> {
  const r = schema.safeParse(json);
  return r.success ? r.data : empty;
}
export const readScope = (json: Prisma.JsonValue): Scope => read(SCOPE, json, { graphNodes: [], tags: [] });
export const readSubsystems = (json: Prisma.JsonValue): Content["summary"]["subsystems"] => read(SUBSYSTEMS, json, []);
export const readDecisions = (json: Prisma.JsonValue): Content["decisions"] => read(DECISIONS, json, []);
export const readQuestions = (json: Prisma.JsonValue): Content["openQuestions"] => read(QUESTIONS, json, []);
export const readAffordances = (json: Prisma.JsonValue): Content["affordances"] => read(affordancesSchema, json, NO_AFFORDANCES);

/** The stored row back as content. */
export function contentOf(m: Medallion): MedallionContent {
  return {
    model: m.model,
    scope: readScope(m.scope),
    summary: { highLevel: m.highLevel, subsystems: readSubsystems(m.subsystems) },
    decisions: readDecisions(m.decisions),
    openQuestions: readQuestions(m.openQuestions),
    affordances: readAffordances(m.affordances),
    knowledgeMinTs: m.knowledgeMinTs,
    knowledgeMaxTs: m.knowledgeMaxTs,
  };
}

/** The medallion.v1 JSON document. */
export function toDocument(m: Medallion): MedallionDocument {
  const c = contentOf(m);
  return {
    meta: {
      medallionId: m.id,
      schemaVersion: m.schemaVersion,
      model: m.model,
      createdAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
      knowledgeMinTs: m.knowledgeMinTs.toISOString(),
      knowledgeMaxTs: m.knowledgeMaxTs.toISOString(),
      status: m.status,
      supersededBy: m.supersededById,
    },
    scope: c.scope,
    summary: c.summary,
    decisions: c.decisions.map((d) => ({ id: d.decisionId, statement: d.statement, rationale: d.rationale, confidence: d.confidence })),
    openQuestions: c.openQuestions.map((q) => ({ id: q.questionId, question: q.question, blockedOn: q.blockedOn, priority: q.priority })),
    affordances: c.affordances,
  };
}

/** The row's content columns: the whole document but its meta. */
function columns(content: MedallionContent) {
  return {
    model: content.model,
    scope: { graphNodes: content.scope.graphNodes, tags: content.scope.tags },
    highLevel: content.summary.highLevel,
    subsystems: content.summary.subsystems,
    decisions: content.decisions,
    openQuestions: content.openQuestions,
    affordances: content.affordances,
    knowledgeMinTs: content.knowledgeMinTs,
    knowledgeMaxTs: content.knowledgeMaxTs,
  };
}


/** Statements that give the medallion `id` index rows for `scope`, copying its status and updatedAt. */
function indexInserts(id: string, scope: Scope): Prisma.Sql[] {
  return [insertIndexRows("node", id, scope.graphNodes), insertIndexRows("tag", id, scope.tags)].flatMap((sql) => (sql ? [sql] : []));
}

/** Rows fetched by id, put back in the order of `ids`. */
export function inOrder<T extends { id: string }>(ids: readonly string[], rows: readonly T[]): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}


export class MedallionService {
  /** Reads and writes of medallion rows. */
  private readonly store: MedallionStore;

  constructor(
    private readonly db: Database,
    readonly generator: MedallionGenerator = new DeterministicGenerator(),
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.store = new MedallionStore(db);
  }

  /**
   * Medallions by id, in the order of `ids`. With no selection (every nested part is a column of
   * the row) from the row SQL; with relations selected (supersededBy), with Prisma's selection.
   */
  async rows<Q extends Omit<Prisma.MedallionFindManyArgs, "where">>(ids: readonly string[], query?: Q): Promise<Medallion[]> {
    if (ids.length === 0) return [];
    const rows = !query || Object.keys(query).length === 0 ? await this.store.byIds(ids) : await this.db.prisma.medallion.findMany({ ...query, where: { id: { in: [...ids] } } });
    return inOrder(ids, rows);
  }

  /** One medallion by id (with `query`'s selection), or null. */
  async get<Q extends Omit<Prisma.MedallionFindUniqueArgs, "where">>(id: string, query?: Q): Promise<Medallion | null> {
    return (await this.rows([id], query))[0] ?? null;
  }

  /** A scope query's parts, validated; `scope` null lists all, statuses default to ACTIVE. */
  private criteria(scope: ScopeInput | null | undefined, statuses?: readonly MedallionStatus[] | null): Match {
    const parsed = scope == null ? null : parseOrThrow(queryScopeSchema, scope, "scope");
    const wanted = statuses?.length ? [...new Set(statuses)] : (["ACTIVE"] as const);
    for (const s of wanted) {
      if (!(MEDALLION_STATUSES as readonly string[]).includes(s)) throw new InvalidInputError("status", `must be one of ${MEDALLION_STATUSES.join(", ")}`);
    }
    return matchSql(parsed, wanted);
  }

  /** The ids of one page of matching medallions, newest updatedAt first. */
  async pageIds(scope: ScopeInput | null | undefined, statuses: readonly MedallionStatus[] | null | undefined, page: PageRequest): Promise<string[]> {
    const rows = await this.store.read<{ id: string }>(pageSql(this.criteria(scope, statuses), page));
    const ids = rows.map((r) => r.id);
    // Backward pages are read oldest first; results stay newest first.
    return page.take < 0 ? ids.reverse() : ids;
  }

  async countMatches(scope: ScopeInput | null | undefined, statuses?: readonly MedallionStatus[] | null): Promise<number> {
    const [row] = await this.store.read<{ n: number | bigint }>(countSql(this.criteria(scope, statuses)));
    return Number(row?.n ?? 0);
  }

  /** Matching medallions as documents, newest first (the CLI's `load`). */
  async find(scope: ScopeInput | null, options: { statuses?: MedallionStatus[] | null; first?: number } = {}): Promise<MedallionDocument[]> {
    const first = options.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > 100) throw new InvalidInputError("first", "must be an integer from 1 to 100");
    const ids = await this.pageIds(scope, options.statuses, { take: first });
    return inOrder(ids, await this.store.byIds(ids)).map(toDocument);
  }

  async byId(medallionId: string): Promise<Medallion> {
    const m = await this.store.byId(medallionId);
    if (!m) throw new NotFoundError("Medallion", medallionId);
    return m;
  }

  async document(medallionId: string): Promise<MedallionDocument> {
    return toDocument(await this.byId(medallionId));
  }

  /** A full document. Fails with AlreadyExistsError when the id, or an ACTIVE medallion of the exact scope, exists. */
  async create(input: unknown): Promise<Medallion> {
    const doc = parseOrThrow(createMedallionSchema, input, "input");
    const now = this.clock();
    const createdAt = doc.createdAt ?? now;
    const updatedAt = doc.updatedAt ?? (createdAt.getTime() > now.getTime() ? createdAt : now);
    const id = doc.medallionId ?? newMedallionId();
    try {
      return await this.insert(id, doc, doc.status ?? "ACTIVE", createdAt, updatedAt);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      if (await this.store.byId(id)) {
        throw new AlreadyExistsError("Medallion", "medallionId", id);
      }
      throw new AlreadyExistsError("Medallion", "scope", describeScope(doc.scope));
    }
  }

  /** Replaces the content (not the id, status or createdAt). A full replacement: the last writer wins. */
  async update(medallionId: string, input: unknown): Promise<Medallion> {
    const content = parseOrThrow(medallionContentSchema, input, "input");
    for (let attempt = 0; attempt < CHECKPOINT_ATTEMPTS; attempt++) {
      const current = await this.byId(medallionId);
      try {
        const updated = await this.replace(current, content, current.revision);
        if (updated) return updated;
      } catch (err) {
        if (isUniqueViolation(err)) throw new AlreadyExistsError("Medallion", "scope", describeScope(content.scope));
        throw err;
      }
      // Another write landed between our read and our write: read again and replace that.
    }
    throw new Error(`updateMedallion: gave up after ${CHECKPOINT_ATTEMPTS} attempts under contention for ${medallionId}`);
  }

  /** ACTIVE, STALE or SUPERSEDED (optionally naming the successor). */
  async setStatus(medallionId: string, status: MedallionStatus, supersededBy?: string | null): Promise<Medallion> {
    if (!(MEDALLION_STATUSES as readonly string[]).includes(status)) throw new InvalidInputError("status", `must be one of ${MEDALLION_STATUSES.join(", ")}`);
    if (supersededBy != null && status !== "SUPERSEDED") {
      throw new InvalidInputError("supersededBy", "may only be given when status is SUPERSEDED");
    }
    if (supersededBy === medallionId) throw new InvalidInputError("supersededBy", "must name another medallion, not itself");
    const current = await this.byId(medallionId);
    if (supersededBy != null && !(await this.store.byId(supersededBy))) {
      throw new NotFoundError("Medallion", supersededBy);
    }
    const next: Medallion = {
      ...current,
      status,
      activeScopeKey: status === "ACTIVE" ? current.scopeKey : null,
      supersededById: status === "SUPERSEDED" ? (supersededBy ?? null) : null,
      updatedAt: this.later(current.createdAt),
    };
    try {
      // The row, then its index rows' copy of status and updatedAt, in one transaction.
      await this.store.write({ statements: [updateStatus(next), syncIndexRows("node", medallionId), syncIndexRows("tag", medallionId)] });
      return await this.byId(medallionId);
    } catch (err) {
      if (isUniqueViolation(err)) {
        const other = await this.store.byActiveScopeKey(current.scopeKey);
        throw new AlreadyExistsError("Medallion", "scope", other ? `active as ${other.id}` : current.scopeKey);
      }
      throw err;
    }
  }

  /**
   * Saves a session: the ACTIVE medallion of exactly this scope is updated with the evidence
   * (same id, createdAt kept), or a new one is created. Concurrent checkpoints of one scope
   * converge on one medallion: the unique active scope key refuses the second insert, the
   * revision refuses a stale update, and the loser re-reads and merges again.
   */
  async checkpoint(input: unknown): Promise<CheckpointResult> {
    const { scope, evidence } = parseOrThrow(checkpointSchema, input, "input");
    const key = scopeKey(scope);
    for (let attempt = 0; attempt < CHECKPOINT_ATTEMPTS; attempt++) {
      const existing = await this.store.byActiveScopeKey(key);
      const now = this.clock();
      if (!existing) {
        const content = this.checkGenerated(await this.generator.generate(scope, evidence, now));
        try {
          return { medallion: await this.insert(newMedallionId(), content, "ACTIVE", now, now), created: true };
        } catch (err) {
          if (isUniqueViolation(err)) continue;
          throw err;
        }
      }
      const content = this.checkGenerated(await this.generator.update(contentOf(existing), evidence, now));
      const updated = await this.replace(existing, { ...content, scope: contentOf(existing).scope }, existing.revision);
      if (updated) return { medallion: updated, created: false };
    }
    throw new Error(`checkpointSession: gave up after ${CHECKPOINT_ATTEMPTS} attempts under contention for one scope`);
  }

  /** Generators are pluggable: their output obeys the same rules as a client's document. */
  private checkGenerated(content: MedallionContent): MedallionContent {
    const r = medallionContentSchema.safeParse(content);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    throw new InvalidInputError("input.evidence", `the resulting medallion would break a rule: ${issuePath("", issue?.path ?? [])}: ${issue?.message ?? "invalid"}`);
  }

  private later(createdAt: Date): Date {
    const now = this.clock();
    return now.getTime() < createdAt.getTime() ? createdAt : now;
  }

  /** The row, its node rows and its tag rows: one INSERT each, in one transaction. */
  private async insert(id: string, content: MedallionContent, status: MedallionStatus, createdAt: Date, updatedAt: Date): Promise<Medallion> {
    const key = scopeKey(content.scope);
    const row: Medallion = {
      id,
      schemaVersion: SCHEMA_VERSION,
      status,
      scopeKey: key,
      activeScopeKey: status === "ACTIVE" ? key : null,
      revision: 0,
      ...columns(content),
      supersededById: null,
      createdAt,
      updatedAt,
    };
    await this.store.write({ statements: [insertRow(row), ...indexInserts(id, content.scope)] });
    return row;
  }

  /**
   * Writes new content if the row is still at `revision`, with its index rows, in one
   * transaction; null when another write got there first (the conditional UPDATE changes no
   * row, and nothing else is written).
   */
  private async replace(current: Medallion, content: MedallionContent, revision: number): Promise<Medallion | null> {
    const key = scopeKey(content.scope);
    const id = current.id;
    const next: Medallion = {
      ...current,
      ...columns(content),
      scopeKey: key,
      activeScopeKey: current.status === "ACTIVE" ? key : null,
      updatedAt: this.later(current.createdAt),
      revision: revision + 1,
    };
    const written = await this.store.write({
      guard: updateContent(next, revision),
      statements:
        key === current.scopeKey
          ? // Same scope: the index rows only follow the new updatedAt.
            [syncIndexRows("node", id), syncIndexRows("tag", id)]
          : [deleteIndexRows("node", id), deleteIndexRows("tag", id), ...indexInserts(id, content.scope)],
    });
    return written ? next : null;
  }
}
