// Inputs of the medallions domain. The rules live in document.ts (zod) and are applied to whole
// arguments, so a bad value is refused with its path (input.summary.highLevel: …) before any write.
import { builder } from "../../graphql/builder.js";
import { HIGH_LEVEL_MAX, LIMITS } from "./document.js";
import { MedallionQuestionPriorityEnum, MedallionStatusEnum, MedallionSubsystemStatusEnum } from "./types.js";

export const MedallionScopeInput = builder.inputType("MedallionScopeInput", {
  description:
    "Part of the code graph. Graph nodes are normalised (trimmed, no leading ./ or trailing /), tags lower-cased; both de-duplicated and sorted.",
  fields: (t) => ({
    graphNodes: t.stringList({ description: `Code graph node ids, e.g. src/auth (at most ${LIMITS.graphNodes}).` }),
    tags: t.stringList({ description: `Tags, e.g. auth (at most ${LIMITS.tags}).` }),
  }),
});

export const MedallionSubsystemInput = builder.inputType("MedallionSubsystemInput", {
  description: "A subsystem the session worked on.",
  fields: (t) => ({
    name: t.string({ required: true, description: "Unique within the summary." }),
    status: t.field({ type: MedallionSubsystemStatusEnum, description: "Default UNKNOWN." }),
    notes: t.string({ description: "What to know about it." }),
  }),
});

export const MedallionSummaryInput = builder.inputType("MedallionSummaryInput", {
  description: "What was found, in brief and per subsystem.",
  fields: (t) => ({
    highLevel: t.string({ required: true, description: `At most ${HIGH_LEVEL_MAX} characters.` }),
    subsystems: t.field({ type: [MedallionSubsystemInput], description: "Per subsystem touched." }),
  }),
});

export const MedallionDecisionInput = builder.inputType("MedallionDecisionInput", {
  description: "A decision taken, with why and how sure.",
  fields: (t) => ({
    decisionId: t.string({ required: true, description: "e.g. D-001; unique within the medallion." }),
    statement: t.string({ required: true, description: "What was decided." }),
    rationale: t.string({ description: "Why." }),
    confidence: t.float({ required: true, description: "0.0–1.0." }),
  }),
});

export const MedallionOpenQuestionInput = builder.inputType("MedallionOpenQuestionInput", {
  description: "A question left open for a later session.",
  fields: (t) => ({
    questionId: t.string({ required: true, description: "e.g. Q-001; unique within the medallion." }),
    question: t.string({ required: true, description: "The question." }),
    blockedOn: t.stringList({ description: "What answering it waits on." }),
    priority: t.field({ type: MedallionQuestionPriorityEnum, description: "Default MEDIUM." }),
  }),
});

export const MedallionAffordancesInput = builder.inputType("MedallionAffordancesInput", {
  description: "Advice for the next session.",
  fields: (t) => ({
    recommendedEntryPoints: t.stringList({ description: "Where the next session should start." }),
    avoidRepeating: t.stringList({ description: "Dead ends and work already done." }),
    invariants: t.stringList({ description: "Rules that must keep holding." }),
  }),
});

export const MedallionContentInput = builder.inputType("MedallionContentInput", {
  description: "A medallion's whole content; updateMedallion replaces the stored content with it.",
  fields: (t) => ({
    model: t.string({ required: true, description: "What produced the content." }),
    scope: t.field({ type: MedallionScopeInput, required: true, description: "At least one graph node or tag." }),
    summary: t.field({ type: MedallionSummaryInput, required: true, description: "What was found." }),
    decisions: t.field({ type: [MedallionDecisionInput], description: "Decisions taken." }),
    openQuestions: t.field({ type: [MedallionOpenQuestionInput], description: "Questions left open." }),
    affordances: t.field({ type: MedallionAffordancesInput, description: "Advice for the next session." }),
    knowledgeMinTs: t.field({ type: "DateTime", required: true, description: "Start of the time span the evidence covers." }),
    knowledgeMaxTs: t.field({ type: "DateTime", required: true, description: "Not before knowledgeMinTs." }),
  }),
});

export const CreateMedallionInput = builder.inputType("CreateMedallionInput", {
  description: "A full medallion.v1 document. The meta fields are optional; set them when importing.",
  fields: (t) => ({
    medallionId: t.string({ description: "med- + 12 hex; generated when absent." }),
    status: t.field({ type: MedallionStatusEnum, description: "Default ACTIVE." }),
    createdAt: t.field({ type: "DateTime", description: "Default now." }),
    updatedAt: t.field({ type: "DateTime", description: "Not before createdAt; needs createdAt. Default now." }),
    model: t.string({ required: true, description: "What produced the content." }),
    scope: t.field({ type: MedallionScopeInput, required: true, description: "At least one graph node or tag." }),
    summary: t.field({ type: MedallionSummaryInput, required: true, description: "What was found." }),
    decisions: t.field({ type: [MedallionDecisionInput], description: "Decisions taken." }),
    openQuestions: t.field({ type: [MedallionOpenQuestionInput], description: "Questions left open." }),
    affordances: t.field({ type: MedallionAffordancesInput, description: "Advice for the next session." }),
    knowledgeMinTs: t.field({ type: "DateTime", required: true, description: "Start of the time span the evidence covers." }),
    knowledgeMaxTs: t.field({ type: "DateTime", required: true, description: "Not before knowledgeMinTs." }),
  }),
});

export const EvidenceInput = builder.inputType("EvidenceInput", {
  description: "What a session produced. Input only: the generator turns it into medallion content.",
  fields: (t) => ({
    sessionSummary: t.string({ required: true, description: "Becomes summary.highLevel, cut at 300 characters on a word boundary." }),
    transcripts: t.stringList({ description: "Transcript excerpts or references, as the session kept them." }),
    artefacts: t.field({
      type: "JSON",
      description:
        "An object or a list of objects. Structured keys are used: decisions [{id, statement, rationale?, confidence?}], openQuestions [{id, question, blockedOn?, priority?, resolved?}], resolvedQuestions [id], subsystems, recommendedEntryPoints, avoidRepeating, invariants. Other keys are ignored.",
    }),
    sessionStartedAt: t.field({ type: "DateTime", description: "Widens knowledgeMinTs; default now." }),
    sessionEndedAt: t.field({ type: "DateTime", description: "Widens knowledgeMaxTs; default now." }),
  }),
});

export const CheckpointSessionInput = builder.inputType("CheckpointSessionInput", {
  description: "A session's scope and what it produced.",
  fields: (t) => ({
    scope: t.field({ type: MedallionScopeInput, required: true, description: "The exact scope of the session's medallion." }),
    evidence: t.field({ type: EvidenceInput, required: true, description: "What the session produced." }),
  }),
});
