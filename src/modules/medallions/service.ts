// Medallions: create, replace, change status, checkpoint a session, and find by scope. Every write
// is re-validated here with the schemas the GraphQL edge uses, so the CLI obeys the same rules.
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import type { Db } from "../../db/client.js";
import { Prisma } from "../../db/client.js";
import type { Medallion, MedallionDecision, MedallionQuestion } from "../../generated/prisma/client.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import {
  checkpointSchema,
  createMedallionSchema,
  issuePath,
  medallionContentSchema,
  queryScopeSchema,
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
import { countSql, matchSql, pageSql, scopeKey, type PageRequest } from "./scope.js";

/** The relations a full document needs, in their stored order. */
export const medallionInclude = {
  graphNodes: { select: { node: true }, orderBy: { node: "asc" } },
  tags: { select: { tag: true }, orderBy: { tag: "asc" } },
  decisions: { orderBy: { position: "asc" } },
  openQuestions: { orderBy: { position: "asc" } },
} satisfies Prisma.MedallionInclude;
export type MedallionWithRelations = Prisma.MedallionGetPayload<{ include: typeof medallionInclude }>;

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

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

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

const SUBSYSTEMS = summarySchema.shape.subsystems;
type Content = MedallionContent;

/** JSON columns back as values (they were validated when written; anything else reads as empty). */
export function readSubsystems(json: Prisma.JsonValue): Content["summary"]["subsystems"] {
  const r = SUBSYSTEMS.safeParse(json);
  return r.success ? r.data : [];
}
export function readAffordances(json: Prisma.JsonValue): Content["affordances"] {
  const r = affordancesSchema.safeParse(json);
  return r.success ? r.data : { recommendedEntryPoints: [], avoidRepeating: [], invariants: [] };
}
export function decisionOf(d: MedallionDecision): Content["decisions"][number] {
  return { decisionId: d.key, statement: d.statement, rationale: d.rationale, confidence: d.confidence };
}
export function questionOf(q: MedallionQuestion): Content["openQuestions"][number] {
  const blockedOn = Array.isArray(q.blockedOn) ? q.blockedOn.filter((x): x is string => typeof x === "string") : [];
  return { questionId: q.key, question: q.question, blockedOn, priority: q.priority };
}

/** The stored row back as content. */
export function contentOf(m: MedallionWithRelations): MedallionContent {
  return {
    model: m.model,
    scope: { graphNodes: m.graphNodes.map((n) => n.node), tags: m.tags.map((t) => t.tag) },
    summary: { highLevel: m.highLevel, subsystems: readSubsystems(m.subsystems) },
    decisions: m.decisions.map(decisionOf),
    openQuestions: m.openQuestions.map(questionOf),
    affordances: readAffordances(m.affordances),
    knowledgeMinTs: m.knowledgeMinTs,
    knowledgeMaxTs: m.knowledgeMaxTs,
  };
}

/** The medallion.v1 JSON document. */
export function toDocument(m: MedallionWithRelations): MedallionDocument {
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

function childRows(content: MedallionContent) {
  return {
    decisions: content.decisions.map((d, position) => ({
      key: d.decisionId,
      position,
      statement: d.statement,
      rationale: d.rationale,
      confidence: d.confidence,
    })),
    questions: content.openQuestions.map((q, position) => ({
      key: q.questionId,
      position,
      question: q.question,
      blockedOn: q.blockedOn,
      priority: q.priority,
    })),
  };
}

function columns(content: MedallionContent) {
  return {
    model: content.model,
    highLevel: content.summary.highLevel,
    subsystems: content.summary.subsystems,
    affordances: content.affordances,
    knowledgeMinTs: content.knowledgeMinTs,
    knowledgeMaxTs: content.knowledgeMaxTs,
  };
}

/** Rows fetched by id, put back in the order of `ids`. */
export function inOrder<T extends { id: string }>(ids: readonly string[], rows: readonly T[]): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export class MedallionService {
  constructor(
    private readonly db: Db,
    readonly generator: MedallionGenerator = new DeterministicGenerator(),
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A scope query's parts, validated; `scope` null lists all, statuses default to ACTIVE. */
  private criteria(scope: ScopeInput | null | undefined, statuses?: readonly MedallionStatus[] | null): Prisma.Sql {
    const parsed = scope == null ? null : parseOrThrow(queryScopeSchema, scope, "scope");
    const wanted = statuses?.length ? [...new Set(statuses)] : (["ACTIVE"] as const);
    for (const s of wanted) {
      if (!(MEDALLION_STATUSES as readonly string[]).includes(s)) throw new InvalidInputError("status", `must be one of ${MEDALLION_STATUSES.join(", ")}`);
    }
    return matchSql(parsed, wanted);
  }

  /** The ids of one page of matching medallions, newest updatedAt first. */
  async pageIds(scope: ScopeInput | null | undefined, statuses: readonly MedallionStatus[] | null | undefined, page: PageRequest): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>(pageSql(this.criteria(scope, statuses), page));
    const ids = rows.map((r) => r.id);
    // Backward pages are read oldest first; results stay newest first.
    return page.take < 0 ? ids.reverse() : ids;
  }

  async countMatches(scope: ScopeInput | null | undefined, statuses?: readonly MedallionStatus[] | null): Promise<number> {
    const [row] = await this.db.$queryRaw<{ n: number | bigint }[]>(countSql(this.criteria(scope, statuses)));
    return Number(row?.n ?? 0);
  }

  /** Matching medallions as documents, newest first (the CLI's `load`). */
  async find(scope: ScopeInput | null, options: { statuses?: MedallionStatus[] | null; first?: number } = {}): Promise<MedallionDocument[]> {
    const first = options.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > 100) throw new InvalidInputError("first", "must be an integer from 1 to 100");
    const ids = await this.pageIds(scope, options.statuses, { take: first });
    const rows = await this.db.medallion.findMany({ where: { id: { in: ids } }, include: medallionInclude });
    return inOrder(ids, rows).map(toDocument);
  }

  async byId(medallionId: string): Promise<Medallion> {
    const m = await this.db.medallion.findUnique({ where: { id: medallionId } });
    if (!m) throw new NotFoundError("Medallion", medallionId);
    return m;
  }

  async document(medallionId: string): Promise<MedallionDocument> {
    const m = await this.db.medallion.findUnique({ where: { id: medallionId }, include: medallionInclude });
    if (!m) throw new NotFoundError("Medallion", medallionId);
    return toDocument(m);
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
      if (await this.db.medallion.findUnique({ where: { id }, select: { id: true } })) {
        throw new AlreadyExistsError("Medallion", "medallionId", id);
      }
      throw new AlreadyExistsError("Medallion", "scope", describeScope(doc.scope));
    }
  }

  /** Replaces the content (not the id, status or createdAt). A full replacement: the last writer wins. */
  async update(medallionId: string, input: unknown): Promise<Medallion> {
    const content = parseOrThrow(medallionContentSchema, input, "input");
    for (let attempt = 0; attempt < CHECKPOINT_ATTEMPTS; attempt++) {
      const current = await this.db.medallion.findUnique({ where: { id: medallionId }, include: medallionInclude });
      if (!current) throw new NotFoundError("Medallion", medallionId);
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
    if (supersededBy != null && !(await this.db.medallion.findUnique({ where: { id: supersededBy }, select: { id: true } }))) {
      throw new NotFoundError("Medallion", supersededBy);
    }
    try {
      return await this.db.medallion.update({
        where: { id: medallionId },
        data: {
          status,
          activeScopeKey: status === "ACTIVE" ? current.scopeKey : null,
          supersededById: status === "SUPERSEDED" ? (supersededBy ?? null) : null,
          updatedAt: this.later(current.createdAt),
          revision: { increment: 1 },
        },
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        const other = await this.db.medallion.findUnique({ where: { activeScopeKey: current.scopeKey }, select: { id: true } });
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
      const existing = await this.db.medallion.findUnique({ where: { activeScopeKey: key }, include: medallionInclude });
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

  private insert(id: string, content: MedallionContent, status: MedallionStatus, createdAt: Date, updatedAt: Date): Promise<Medallion> {
    const key = scopeKey(content.scope);
    const { decisions, questions } = childRows(content);
    return this.db.medallion.create({
      data: {
        id,
        schemaVersion: SCHEMA_VERSION,
        status,
        scopeKey: key,
        activeScopeKey: status === "ACTIVE" ? key : null,
        ...columns(content),
        createdAt,
        updatedAt,
        graphNodes: { createMany: { data: content.scope.graphNodes.map((node) => ({ node })) } },
        tags: { createMany: { data: content.scope.tags.map((tag) => ({ tag })) } },
        decisions: { createMany: { data: decisions } },
        openQuestions: { createMany: { data: questions } },
      },
    });
  }

  /** Writes new content if the row is still at `revision`; null when another write got there first. */
  private async replace(current: MedallionWithRelations, content: MedallionContent, revision: number): Promise<Medallion | null> {
    const before = contentOf(current);
    const key = scopeKey(content.scope);
    const scopeChanged = key !== current.scopeKey;
    const { decisions, questions } = childRows(content);
    const id = current.id;
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.medallion.updateMany({
        where: { id, revision },
        data: {
          ...columns(content),
          scopeKey: key,
          activeScopeKey: current.status === "ACTIVE" ? key : null,
          updatedAt: this.later(current.createdAt),
          revision: { increment: 1 },
        },
      });
      if (count === 0) return null;
      if (scopeChanged) {
        await tx.medallionGraphNode.deleteMany({ where: { medallionId: id } });
        await tx.medallionGraphNode.createMany({ data: content.scope.graphNodes.map((node) => ({ medallionId: id, node })) });
        await tx.medallionTag.deleteMany({ where: { medallionId: id } });
        await tx.medallionTag.createMany({ data: content.scope.tags.map((tag) => ({ medallionId: id, tag })) });
      }
      // Child rows are rewritten only when they changed: most checkpoints touch a few of them.
      if (!sameJson(before.decisions, content.decisions)) {
        await tx.medallionDecision.deleteMany({ where: { medallionId: id } });
        if (decisions.length) await tx.medallionDecision.createMany({ data: decisions.map((d) => ({ ...d, medallionId: id })) });
      }
      if (!sameJson(before.openQuestions, content.openQuestions)) {
        await tx.medallionQuestion.deleteMany({ where: { medallionId: id } });
        if (questions.length) await tx.medallionQuestion.createMany({ data: questions.map((q) => ({ ...q, medallionId: id })) });
      }
      return tx.medallion.findUnique({ where: { id } });
    });
  }
}
