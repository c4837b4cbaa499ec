// GraphQL types of the medallions domain. The nested parts (scope, summary, decisions, open
// questions, affordances) are JSON columns of the medallion row: a page of medallions is one
// read of its rows, whatever the selection (plus the successors when asked for).
import { builder } from "../../graphql/builder.js";
import { MedallionQuestionPriority, MedallionStatus } from "../../generated/prisma/enums.js";
import { SUBSYSTEM_STATUSES } from "./document.js";
import { readAffordances, readDecisions, readQuestions, readScope, readSubsystems, toDocument } from "./service.js";

export const MedallionStatusEnum = builder.enumType("MedallionStatus", {
  description: "ACTIVE medallions are loaded by scope queries; STALE and SUPERSEDED ones only when asked for.",
  values: {
    ACTIVE: { value: MedallionStatus.ACTIVE, description: "Current: loaded by scope queries and updated by checkpointSession." },
    STALE: { value: MedallionStatus.STALE, description: "Possibly out of date (the code moved on); loaded only when asked for." },
    SUPERSEDED: { value: MedallionStatus.SUPERSEDED, description: "Replaced by a newer medallion (supersededBy)." },
  } as const,
});

export const MedallionQuestionPriorityEnum = builder.enumType("MedallionQuestionPriority", {
  description: "How soon an open question needs an answer.",
  values: {
    LOW: { value: MedallionQuestionPriority.LOW, description: "When convenient." },
    MEDIUM: { value: MedallionQuestionPriority.MEDIUM, description: "Before related work goes much further." },
    HIGH: { value: MedallionQuestionPriority.HIGH, description: "Blocks progress: answer first." },
  } as const,
});

const SUBSYSTEM_STATUS_TEXT: Record<(typeof SUBSYSTEM_STATUSES)[number], string> = {
  UNKNOWN: "Not assessed.",
  STABLE: "Working and not expected to change.",
  IN_PROGRESS: "Being changed; expect more work.",
  DEPRECATED: "On its way out; do not build on it.",
};

export const MedallionSubsystemStatusEnum = builder.enumType("MedallionSubsystemStatus", {
  values: Object.fromEntries(SUBSYSTEM_STATUSES.map((v) => [v, { value: v, description: SUBSYSTEM_STATUS_TEXT[v] }])) as { [K in (typeof SUBSYSTEM_STATUSES)[number]]: { value: K; description: string } },
  description: "What state a subsystem was left in.",
});

export const MedallionMetaType = builder.simpleObject("MedallionMeta", {
  description: "Identity, provenance and lifecycle (medallion.v1 `meta`).",
  fields: (t) => ({
    medallionId: t.string({ description: "med- followed by 12 hex digits." }),
    schemaVersion: t.string({ description: "Always medallion.v1 for now." }),
    model: t.string({ description: "What produced the content (a generator's or model's name)." }),
    createdAt: t.field({ type: "DateTime", description: "When the medallion was created." }),
    updatedAt: t.field({ type: "DateTime", description: "Never before createdAt." }),
    knowledgeMinTs: t.field({ type: "DateTime", description: "Start of the time span the evidence covers." }),
    knowledgeMaxTs: t.field({ type: "DateTime", description: "End of the time span the evidence covers." }),
    status: t.field({ type: MedallionStatusEnum, description: "ACTIVE, STALE or SUPERSEDED." }),
  }),
});

export const MedallionScopeType = builder.simpleObject("MedallionScope", {
  description: "The part of the code graph a medallion covers.",
  fields: (t) => ({
    graphNodes: t.stringList({ description: "Code graph node ids (e.g. module paths), sorted." }),
    tags: t.stringList({ description: "Lower-case tags, sorted." }),
  }),
});

export const MedallionSubsystemType = builder.simpleObject("MedallionSubsystem", {
  description: "A part of the code the session worked on, and the state it was left in.",
  fields: (t) => ({
    name: t.string({ description: "The subsystem's name, e.g. auth." }),
    status: t.field({ type: MedallionSubsystemStatusEnum, description: "The state it was left in." }),
    notes: t.string({ description: "What to know about it." }),
  }),
});

export const MedallionSummaryType = builder.simpleObject("MedallionSummary", {
  description: "What the sessions found, in brief and per subsystem.",
  fields: (t) => ({
    highLevel: t.string({ description: "At most 300 characters." }),
    subsystems: t.field({ type: [MedallionSubsystemType], description: "Per subsystem touched." }),
  }),
});

export const MedallionDecisionType = builder.simpleObject("MedallionDecision", {
  description: "A decision taken, with why and how sure.",
  fields: (t) => ({
    decisionId: t.string({ description: "Unique within the medallion, e.g. D-001 (medallion.v1 `id`)." }),
    statement: t.string({ description: "What was decided." }),
    rationale: t.string({ description: "Why." }),
    confidence: t.float({ description: "0.0–1.0." }),
  }),
});

export const MedallionOpenQuestionType = builder.simpleObject("MedallionOpenQuestion", {
  description: "A question left open for a later session.",
  fields: (t) => ({
    questionId: t.string({ description: "Unique within the medallion, e.g. Q-001 (medallion.v1 `id`)." }),
    question: t.string({ description: "The question." }),
    blockedOn: t.stringList({ description: "What answering it waits on." }),
    priority: t.field({ type: MedallionQuestionPriorityEnum, description: "How soon it needs an answer." }),
  }),
});

export const MedallionAffordancesType = builder.simpleObject("MedallionAffordances", {
  description: "Advice for the next session.",
  fields: (t) => ({
    recommendedEntryPoints: t.stringList({ description: "Where the next session should start (files, symbols, commands)." }),
    avoidRepeating: t.stringList({ description: "Dead ends and work already done." }),
    invariants: t.stringList({ description: "Rules that must keep holding." }),
  }),
});

export const MedallionRef = builder.prismaNode("Medallion", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  // Checked once per medallion (in isTypeOf) instead of wrapping each of its fields: a page of
  // 20 is 20 checks, not 20 × its selected fields. node(id) and every field returning a
  // Medallion still go through it.
  runScopesOnType: true,
  description: "A session checkpoint (medallion.v1): what an agent learned about part of the code graph, to resume from.",
  fields: (t) => ({
    medallionId: t.exposeString("id", { description: "med- followed by 12 hex digits (the Node id is opaque; this one is stable)." }),
    meta: t.field({
      type: MedallionMetaType,
      description: "Identity, provenance and lifecycle.",
      resolve: (m) => ({
        medallionId: m.id,
        schemaVersion: m.schemaVersion,
        model: m.model,
        createdAt: m.createdAt,
        updatedAt: m.updatedAt,
        knowledgeMinTs: m.knowledgeMinTs,
        knowledgeMaxTs: m.knowledgeMaxTs,
        status: m.status,
      }),
    }),
    scope: t.field({
      type: MedallionScopeType,
      description: "The graph nodes and tags it covers.",
      resolve: (m) => readScope(m.scope),
    }),
    summary: t.field({
      type: MedallionSummaryType,
      description: "What was found, in brief and per subsystem.",
      resolve: (m) => ({
        highLevel: m.highLevel,
        subsystems: readSubsystems(m.subsystems),
      }),
    }),
    decisions: t.field({
      type: [MedallionDecisionType],
      description: "Decisions taken, with why and how sure.",
      resolve: (m) => readDecisions(m.decisions),
    }),
    openQuestions: t.field({
      type: [MedallionOpenQuestionType],
      description: "Questions left open.",
      resolve: (m) => readQuestions(m.openQuestions),
    }),
    affordances: t.field({
      type: MedallionAffordancesType,
      description: "Advice for the next session.",
      resolve: (m) => readAffordances(m.affordances),
    }),
    supersededBy: t.relation("supersededBy", { nullable: true, description: "The successor, when SUPERSEDED names one." }),
    document: t.field({
      type: "JSON",
      description: "The whole medallion as medallion.v1 JSON (decisions and questions use `id`), e.g. to hand to an agent.",
      resolve: (m) => toDocument(m),
    }),
  }),
});
