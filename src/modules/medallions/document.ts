// The medallion.v1 rules as zod schemas, shared by the GraphQL edge (validate:), the service
// (which re-validates every write, so the CLI and API enforce the same rules) and the CLI.
// No GraphQL imports here.
import { z } from "zod";

export const SCHEMA_VERSION = "medallion.v1";
export const MEDALLION_ID = /^med-[0-9a-f]{12}$/;
export const HIGH_LEVEL_MAX = 300;
export const MEDALLION_STATUSES = ["ACTIVE", "STALE", "SUPERSEDED"] as const;
export const SUBSYSTEM_STATUSES = ["UNKNOWN", "STABLE", "IN_PROGRESS", "DEPRECATED"] as const;
export const QUESTION_PRIORITIES = ["LOW", "MEDIUM", "HIGH"] as const;
export type MedallionStatus = (typeof MEDALLION_STATUSES)[number];
export type SubsystemStatus = (typeof SUBSYSTEM_STATUSES)[number];
export type QuestionPriority = (typeof QUESTION_PRIORITIES)[number];

export const LIMITS = {
  graphNodes: 100,
  tags: 50,
  graphNode: 512,
  tag: 64,
  decisions: 200,
  openQuestions: 200,
  subsystems: 100,
  affordanceItems: 50,
  item: 500,
  statement: 2000,
  rationale: 4000,
  transcripts: 50,
  transcript: 200_000,
  sessionSummary: 20_000,
} as const;

/** Leeway for clocks that run slightly ahead of the server's. */
const FUTURE_LEEWAY_MS = 5 * 60_000;

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const nonBlank = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
const CONTROL = /\p{Cc}/u;
const notFuture = z.coerce
  .date({ error: "must be an ISO 8601 date-time" })
  .refine((d) => d.getTime() <= Date.now() + FUTURE_LEEWAY_MS, "must not be in the future");

/** Decision and question ids: D-001, Q-002, … */
export const itemId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, "must be 1–64 letters, digits or . _ -, starting with a letter (e.g. D-001)");

/** A code graph node id (e.g. a module path), normalised: trimmed, no leading ./, no trailing /, no //. */
export function normaliseGraphNode(raw: string): string {
  let v = raw.trim().replace(/\\/g, "/").replace(/\/{2,}/g, "/");
  while (v.startsWith("./")) v = v.slice(2);
  if (v.length > 1) v = v.replace(/\/+$/, "");
  return v;
}

export const graphNode = z
  .string()
  .max(LIMITS.graphNode, `must be at most ${LIMITS.graphNode} characters`)
  .refine((v) => !CONTROL.test(v), "must not contain control characters")
  .transform(normaliseGraphNode)
  .refine((v) => v !== "" && v !== "." && v !== "/", "must name a graph node (not empty, . or /)");

export const tag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "must not be empty")
  .max(LIMITS.tag, `must be at most ${LIMITS.tag} characters`)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._:/-]*$/u, "must be letters, digits or . _ : / -, starting with a letter or digit");

const unique = <T>(key: (v: T) => string, what: string) => (list: T[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  list.forEach((v, i) => {
    const k = key(v);
    if (seen.has(k)) ctx.addIssue({ code: "custom", path: [i], message: `duplicates ${what} "${k}" (must be unique)` });
    seen.add(k);
  });
};

const scopeLists = {
  graphNodes: z
    .array(graphNode)
    .max(LIMITS.graphNodes, `must list at most ${LIMITS.graphNodes} graph nodes`)
    .nullish()
    .transform((v) => [...new Set(v ?? [])].sort()),
  tags: z
    .array(tag)
    .max(LIMITS.tags, `must list at most ${LIMITS.tags} tags`)
    .nullish()
    .transform((v) => [...new Set(v ?? [])].sort()),
};

/** A scope with its lists normalised, de-duplicated and sorted. */
export interface Scope {
  graphNodes: string[];
  tags: string[];
}

/** A scope to query by: at least one graph node or tag (omit the scope to list everything). */
export const queryScopeSchema = z.object(scopeLists).superRefine((s, ctx) => {
  if (s.graphNodes.length === 0 && s.tags.length === 0) {
    ctx.addIssue({
      code: "custom",
      message: "must name at least one graph node or tag: an empty scope would match every medallion (omit scope to list them all)",
    });
  }
});

/** A medallion's own scope: what it covers; at least one graph node or tag. */
export const medallionScopeSchema = z.object(scopeLists).superRefine((s, ctx) => {
  if (s.graphNodes.length === 0 && s.tags.length === 0) {
    ctx.addIssue({ code: "custom", message: "must name at least one graph node or tag: a medallion covers some part of the graph" });
  }
});

export const subsystemSchema = z.object({
  name: nonBlank(200),
  status: z.enum(SUBSYSTEM_STATUSES).nullish().transform((v) => v ?? "UNKNOWN"),
  notes: text(LIMITS.statement).nullish().transform((v) => v ?? ""),
});

export const summarySchema = z.object({
  highLevel: nonBlank(HIGH_LEVEL_MAX),
  subsystems: z
    .array(subsystemSchema)
    .max(LIMITS.subsystems, `must list at most ${LIMITS.subsystems} subsystems`)
    .superRefine(unique((s) => s.name, "the subsystem name"))
    .nullish()
    .transform((v) => v ?? []),
});

const confidence = z.number().min(0, "must be between 0.0 and 1.0").max(1, "must be between 0.0 and 1.0");

export const decisionSchema = z.object({
  decisionId: itemId,
  statement: nonBlank(LIMITS.statement),
  rationale: text(LIMITS.rationale).nullish().transform((v) => v ?? ""),
  confidence,
});

const blockedOn = z
  .array(nonBlank(LIMITS.item))
  .max(20, "must list at most 20 items")
  .nullish()
  .transform((v) => v ?? []);

export const questionSchema = z.object({
  questionId: itemId,
  question: nonBlank(LIMITS.statement),
  blockedOn,
  priority: z.enum(QUESTION_PRIORITIES).nullish().transform((v) => v ?? "MEDIUM"),
});

const affordanceList = z
  .array(nonBlank(LIMITS.item))
  .max(LIMITS.affordanceItems, `must list at most ${LIMITS.affordanceItems} items`)
  .nullish()
  .transform((v) => v ?? []);

export const affordancesSchema = z.object({
  recommendedEntryPoints: affordanceList,
  avoidRepeating: affordanceList,
  invariants: affordanceList,
});

const knowledgeSpan = (m: { knowledgeMinTs: Date; knowledgeMaxTs: Date }, ctx: z.RefinementCtx) => {
  if (m.knowledgeMaxTs.getTime() < m.knowledgeMinTs.getTime()) {
    ctx.addIssue({ code: "custom", path: ["knowledgeMaxTs"], message: "must not be before knowledgeMinTs" });
  }
};

const contentShape = z.object({
  model: nonBlank(200),
  scope: medallionScopeSchema,
  summary: summarySchema,
  decisions: z
    .array(decisionSchema)
    .max(LIMITS.decisions, `must list at most ${LIMITS.decisions} decisions`)
    .superRefine(unique((d) => d.decisionId, "the decision id"))
    .nullish()
    .transform((v) => v ?? []),
  openQuestions: z
    .array(questionSchema)
    .max(LIMITS.openQuestions, `must list at most ${LIMITS.openQuestions} open questions`)
    .superRefine(unique((q) => q.questionId, "the question id"))
    .nullish()
    .transform((v) => v ?? []),
  affordances: affordancesSchema.nullish().transform((v) => v ?? { recommendedEntryPoints: [], avoidRepeating: [], invariants: [] }),
  knowledgeMinTs: notFuture,
  knowledgeMaxTs: notFuture,
});

/** The content of a medallion, as updateMedallion takes it (GraphQL field names). */
export const medallionContentSchema = contentShape.superRefine(knowledgeSpan);
export type MedallionContentInput = z.input<typeof medallionContentSchema>;
export type MedallionContent = z.output<typeof medallionContentSchema>;

/** createMedallion: the content plus the meta a client may set when importing a document. */
export const createMedallionSchema = contentShape
  .extend({
    medallionId: z.string().regex(MEDALLION_ID, "must be med- followed by 12 lower-case hex digits").nullish(),
    status: z.enum(MEDALLION_STATUSES).nullish(),
    createdAt: notFuture.nullish(),
    updatedAt: notFuture.nullish(),
  })
  .superRefine((m, ctx) => {
    knowledgeSpan(m, ctx);
    if (m.updatedAt && !m.createdAt) {
      ctx.addIssue({ code: "custom", path: ["createdAt"], message: "is required when updatedAt is given" });
    }
    if (m.createdAt && m.updatedAt && m.updatedAt.getTime() < m.createdAt.getTime()) {
      ctx.addIssue({ code: "custom", path: ["updatedAt"], message: "must not be before createdAt" });
    }
  });
export type CreateMedallionInput = z.input<typeof createMedallionSchema>;
export type CreateMedallion = z.output<typeof createMedallionSchema>;

// ---- evidence

const evidenceDecision = z.object({
  id: itemId,
  statement: nonBlank(LIMITS.statement),
  rationale: text(LIMITS.rationale).nullish(),
  confidence: confidence.nullish(),
});

const evidenceQuestion = z.object({
  id: itemId,
  question: nonBlank(LIMITS.statement).nullish(),
  blockedOn: z.array(nonBlank(LIMITS.item)).max(20, "must list at most 20 items").nullish(),
  priority: z.enum(QUESTION_PRIORITIES).nullish(),
  /** true closes the question. */
  resolved: z.boolean().nullish(),
});

/**
 * The structured part of an evidence artefact. Other keys are the agent's own and are kept out
 * of the medallion. `decisions` and `openQuestions` use the medallion.v1 names (`id`).
 */
export const artefactSchema = z.looseObject({
  decisions: z.array(evidenceDecision).max(LIMITS.decisions, `must list at most ${LIMITS.decisions} decisions`).nullish(),
  openQuestions: z
    .array(evidenceQuestion)
    .max(LIMITS.openQuestions, `must list at most ${LIMITS.openQuestions} open questions`)
    .superRefine((list, ctx) =>
      list.forEach((q, i) => {
        if (!q.resolved && !q.question) {
          ctx.addIssue({ code: "custom", path: [i, "question"], message: "is required unless resolved is true" });
        }
      }),
    )
    .nullish(),
  resolvedQuestions: z.array(itemId).max(LIMITS.openQuestions, `must list at most ${LIMITS.openQuestions} ids`).nullish(),
  subsystems: z.array(subsystemSchema).max(LIMITS.subsystems, `must list at most ${LIMITS.subsystems} subsystems`).nullish(),
  recommendedEntryPoints: affordanceList,
  avoidRepeating: affordanceList,
  invariants: affordanceList,
});
export type Artefact = z.output<typeof artefactSchema>;

/** Artefacts are one object or a list of them; anything else is refused with its path. */
export const artefactsSchema = z.unknown().transform((value, ctx): Artefact[] => {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  const out: Artefact[] = [];
  list.forEach((item, i) => {
    const prefix = Array.isArray(value) ? [i] : [];
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      ctx.addIssue({ code: "custom", path: prefix, message: "must be a JSON object (or a list of objects)" });
      return;
    }
    const r = artefactSchema.safeParse(item);
    if (r.success) out.push(r.data);
    else for (const issue of r.error.issues) ctx.addIssue({ code: "custom", path: [...prefix, ...issue.path], message: issue.message });
  });
  return out;
});

export const evidenceSchema = z
  .object({
    sessionSummary: nonBlank(LIMITS.sessionSummary),
    transcripts: z
      .array(text(LIMITS.transcript))
      .max(LIMITS.transcripts, `must list at most ${LIMITS.transcripts} transcripts`)
      .nullish()
      .transform((v) => v ?? []),
    artefacts: artefactsSchema,
    sessionStartedAt: notFuture.nullish(),
    sessionEndedAt: notFuture.nullish(),
  })
  .superRefine((e, ctx) => {
    if (e.sessionStartedAt && e.sessionEndedAt && e.sessionEndedAt.getTime() < e.sessionStartedAt.getTime()) {
      ctx.addIssue({ code: "custom", path: ["sessionEndedAt"], message: "must not be before sessionStartedAt" });
    }
  });
export type EvidenceInput = z.input<typeof evidenceSchema>;
export type Evidence = z.output<typeof evidenceSchema>;

export const checkpointSchema = z.object({ scope: medallionScopeSchema, evidence: evidenceSchema });

// ---- the stored document (output)

/** A medallion as medallion.v1 JSON: what `document` and the CLI return. */
export interface MedallionDocument {
  meta: {
    medallionId: string;
    schemaVersion: string;
    model: string;
    createdAt: string;
    updatedAt: string;
    knowledgeMinTs: string;
    knowledgeMaxTs: string;
    status: MedallionStatus;
    supersededBy: string | null;
  };
  scope: Scope;
  summary: { highLevel: string; subsystems: { name: string; status: SubsystemStatus; notes: string }[] };
  decisions: { id: string; statement: string; rationale: string; confidence: number }[];
  openQuestions: { id: string; question: string; blockedOn: string[]; priority: QuestionPriority }[];
  affordances: { recommendedEntryPoints: string[]; avoidRepeating: string[]; invariants: string[] };
}

/** A dotted path for messages: input.summary.highLevel. */
export function issuePath(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter(Boolean).join(".");
}
