// How a medallion's content is made from a session's evidence. The service depends on the
// interface; the deterministic generator below needs no network. An LLM-backed generator can
// implement the same interface later; its output is validated like any other write.
import { HIGH_LEVEL_MAX, type Artefact, type Evidence, type MedallionContent, type Scope } from "./document.js";

export interface MedallionGenerator {
  /** Written to the medallion's `model`. */
  readonly name: string;
  /** Content for a new medallion of `scope` from one session's evidence. */
  generate(scope: Scope, evidence: Evidence, now: Date): Promise<MedallionContent>;
  /** `existing` updated with a later session's evidence (same scope). */
  update(existing: MedallionContent, evidence: Evidence, now: Date): Promise<MedallionContent>;
}

/** Collapses whitespace and cuts at a word boundary so the result (with …) fits in `max`. */
export function cutAtWord(text: string, max: number = HIGH_LEVEL_MAX): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const room = flat.slice(0, max - 1);
  const space = room.lastIndexOf(" ");
  // A single word longer than the room is cut hard rather than dropped.
  const head = (space > 0 ? room.slice(0, space) : room).replace(/[\s,;:.-]+$/, "");
  return `${head}…`;
}

type Decision = MedallionContent["decisions"][number];
type Question = MedallionContent["openQuestions"][number];
type Subsystem = MedallionContent["summary"]["subsystems"][number];

/** Later entries replace earlier ones with the same key; new keys are appended in order. */
function mergeBy<T>(base: T[], later: T[], key: (v: T) => string): T[] {
  const out = new Map(base.map((v) => [key(v), v]));
  for (const v of later) out.set(key(v), v);
  return [...out.values()];
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];

/** Applies the structured parts of the artefacts, in order, to the current content. */
function applyArtefacts(content: MedallionContent, artefacts: Artefact[]): MedallionContent {
  let { decisions, openQuestions } = content;
  let subsystems = content.summary.subsystems;
  let { recommendedEntryPoints, avoidRepeating, invariants } = content.affordances;
  for (const a of artefacts) {
    const newDecisions: Decision[] = (a.decisions ?? []).map((d) => {
      const before = decisions.find((x) => x.decisionId === d.id);
      return {
        decisionId: d.id,
        statement: d.statement,
        rationale: d.rationale ?? before?.rationale ?? "",
        confidence: d.confidence ?? before?.confidence ?? 0.5,
      };
    });
    decisions = mergeBy(decisions, newDecisions, (d) => d.decisionId);

    const closed = new Set([...(a.resolvedQuestions ?? []), ...(a.openQuestions ?? []).filter((q) => q.resolved).map((q) => q.id)]);
    const newQuestions: Question[] = [];
    for (const q of a.openQuestions ?? []) {
      if (q.resolved) continue;
      const before = openQuestions.find((x) => x.questionId === q.id);
      newQuestions.push({
        questionId: q.id,
        question: q.question ?? before?.question ?? "",
        blockedOn: q.blockedOn ?? before?.blockedOn ?? [],
        priority: q.priority ?? before?.priority ?? "MEDIUM",
      });
    }
    openQuestions = mergeBy(openQuestions, newQuestions, (q) => q.questionId).filter((q) => !closed.has(q.questionId));

    const newSubsystems: Subsystem[] = a.subsystems ?? [];
    subsystems = mergeBy(subsystems, newSubsystems, (s) => s.name);
    recommendedEntryPoints = union(recommendedEntryPoints, a.recommendedEntryPoints);
    avoidRepeating = union(avoidRepeating, a.avoidRepeating);
    invariants = union(invariants, a.invariants);
  }
  return {
    ...content,
    summary: { ...content.summary, subsystems },
    decisions,
    openQuestions,
    affordances: { recommendedEntryPoints, avoidRepeating, invariants },
  };
}

function span(evidence: Evidence, now: Date): { min: Date; max: Date } {
  const min = evidence.sessionStartedAt ?? evidence.sessionEndedAt ?? now;
  const max = evidence.sessionEndedAt ?? now;
  return { min, max: max.getTime() < min.getTime() ? min : max };
}

/**
 * Needs no network and gives the same output for the same input: the summary is the session
 * summary cut at 300 characters on a word boundary; decisions, open questions, subsystems and
 * affordances come from structured artefacts, merged by id (a later statement replaces an
 * earlier one; `resolved: true` or `resolvedQuestions` closes a question); the knowledge span
 * is widened to cover the session.
 */
export class DeterministicGenerator implements MedallionGenerator {
  readonly name = "skillgraph-deterministic-v1";

  generate(scope: Scope, evidence: Evidence, now: Date): Promise<MedallionContent> {
    const { min, max } = span(evidence, now);
    const empty: MedallionContent = {
      model: this.name,
      scope,
      summary: { highLevel: cutAtWord(evidence.sessionSummary), subsystems: [] },
      decisions: [],
      openQuestions: [],
      affordances: { recommendedEntryPoints: [], avoidRepeating: [], invariants: [] },
      knowledgeMinTs: min,
      knowledgeMaxTs: max,
    };
    return Promise.resolve(applyArtefacts(empty, evidence.artefacts));
  }

  update(existing: MedallionContent, evidence: Evidence, now: Date): Promise<MedallionContent> {
    const { min, max } = span(evidence, now);
    const next: MedallionContent = {
      ...existing,
      model: this.name,
      summary: { ...existing.summary, highLevel: cutAtWord(evidence.sessionSummary) },
      knowledgeMinTs: min.getTime() < existing.knowledgeMinTs.getTime() ? min : existing.knowledgeMinTs,
      knowledgeMaxTs: max.getTime() > existing.knowledgeMaxTs.getTime() ? max : existing.knowledgeMaxTs,
    };
    return Promise.resolve(applyArtefacts(next, evidence.artefacts));
  }
}
