// GraphQL types of the medallions domain. The nested parts (scope, summary, decisions, open
// questions, affordances) are JSON columns of the medallion row: a page of medallions is one
// read of its rows, whatever the selection (plus the successors when asked for).
import { builder } from "../../graphql/builder.js";
import { MedallionQuestionPriority, MedallionStatus } from "../../generated/prisma/enums.js";
import { SUBSYSTEM_STATUSES } from "./document.js";
import { readAffordances, readDecisions, readQuestions, readScope, readSubsystems, toDocument } from "./service.js";

export const MedallionStatusEnum = builder.enumType(MedallionStatus, {
  name: "MedallionStatus",
  description: "ACTIVE medallions are loaded by scope queries; STALE and SUPERSEDED ones only when asked for.",
});

export const MedallionQuestionPriorityEnum = builder.enumType(MedallionQuestionPriority, { name: "MedallionQuestionPriority" });

export const MedallionSubsystemStatusEnum = builder.enumType("MedallionSubsystemStatus", {
  values: SUBSYSTEM_STATUSES,
  description: "What state a subsystem was left in.",
});

export const MedallionMetaType = builder.simpleObject("MedallionMeta", {
  description: "Identity, provenance and lifecycle (medallion.v1 `meta`).",
  fields: (t) => ({
    medallionId: t.string({ description: "med- followed by 12 hex digits." }),
    schemaVersion: t.string({ description: "Always medallion.v1 for now." }),
    model: t.string({ description: "What produced the content (a generator's or model's name)." }),
    createdAt: t.field({ type: "DateTime" }),
    updatedAt: t.field({ type: "DateTime", description: "Never before createdAt." }),
    knowledgeMinTs: t.field({ type: "DateTime", description: "Start of the time span the evidence covers." }),
    knowledgeMaxTs: t.field({ type: "DateTime", description: "End of the time span the evidence covers." }),
    status: t.field({ type: MedallionStatusEnum }),
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
  fields: (t) => ({
    name: t.string(),
    status: t.field({ type: MedallionSubsystemStatusEnum }),
    notes: t.string(),
  }),
});

export const MedallionSummaryType = builder.simpleObject("MedallionSummary", {
  fields: (t) => ({
    highLevel: t.string({ description: "At most 300 characters." }),
    subsystems: t.field({ type: [MedallionSubsystemType] }),
  }),
});

export const MedallionDecisionType = builder.simpleObject("MedallionDecision", {
  description: "A decision taken, with why and how sure.",
  fields: (t) => ({
    decisionId: t.string({ description: "Unique within the medallion, e.g. D-001 (medallion.v1 `id`)." }),
    statement: t.string(),
    rationale: t.string(),
    confidence: t.float({ description: "0.0–1.0." }),
  }),
});

export const MedallionOpenQuestionType = builder.simpleObject("MedallionOpenQuestion", {
  fields: (t) => ({
    questionId: t.string({ description: "Unique within the medallion, e.g. Q-001 (medallion.v1 `id`)." }),
    question: t.string(),
    blockedOn: t.stringList({ description: "What answering it waits on." }),
    priority: t.field({ type: MedallionQuestionPriorityEnum }),
  }),
});

export const MedallionAffordancesType = builder.simpleObject("MedallionAffordances", {
  description: "Advice for the next session.",
  fields: (t) => ({
    recommendedEntryPoints: t.stringList(),
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
      resolve: (m) => readScope(m.scope),
    }),
    summary: t.field({
      type: MedallionSummaryType,
      resolve: (m) => ({
        highLevel: m.highLevel,
        subsystems: readSubsystems(m.subsystems),
      }),
    }),
    decisions: t.field({
      type: [MedallionDecisionType],
      resolve: (m) => readDecisions(m.decisions),
    }),
    openQuestions: t.field({
      type: [MedallionOpenQuestionType],
      resolve: (m) => readQuestions(m.openQuestions),
    }),
    affordances: t.field({
      type: MedallionAffordancesType,
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
