// The ASK import strategy: the sharing.import job pauses (PENDING_HITL, through the job's ask) with
// every conflicting artifact and its per-file diff in the prompt, and resumes with one choice per
// artifact: { "artifacts": { "<type>:<name>": "MERGE" | "FORK" | "SKIP" } }. Pure.
import type { FileDiff } from "../content/index.js";
import { InvalidInputError } from "../../lib/errors.js";

export type ConflictChoice = "MERGE" | "FORK" | "SKIP";
const CHOICES: readonly ConflictChoice[] = ["MERGE", "FORK", "SKIP"];

/** Asks a person (the job's ctx.ask): returns the answer, or pauses the job until there is one. */
export type Ask = (key: string, prompt: { message: string; details: unknown }) => Promise<unknown>;

export interface AskConflict {
  /** "<type>:<name>", lower-case type: the key of the answer. */
  key: string;
  type: string;
  name: string;
  existingContentHash: string | null;
  contentHash: string;
  /** Unified diffs from the existing artifact ("here") to the bundled one ("bundle"); patch null for binary files. */
  files: FileDiff[];
}

export const conflictKey = (a: { type: string; name: string }) => `${a.type.toLowerCase()}:${a.name}`;

export function askPrompt(bundle: string, collection: string, conflicts: readonly AskConflict[]): { message: string; details: unknown } {
  return {
    message: `${conflicts.length} artifact(s) of the bundle ${bundle} conflict with the collection ${collection}; answer per artifact: { "artifacts": { "<type>:<name>": "MERGE" | "FORK" | "SKIP" } }`,
    details: { bundle, collection, choices: CHOICES, conflicts },
  };
}

/** The choice for each conflict; a missing or unknown one is an error naming it (the job fails, nothing is written). */
export function parseAskAnswer(answer: unknown, conflicts: readonly AskConflict[]): Map<string, ConflictChoice> {
  const artifacts = typeof answer === "object" && answer !== null && "artifacts" in answer ? (answer as { artifacts: unknown }).artifacts : null;
  if (typeof artifacts !== "object" || artifacts === null || Array.isArray(artifacts)) throw new InvalidInputError("response.artifacts", 'must be an object of "<type>:<name>" → MERGE, FORK or SKIP');
  const given = artifacts as Record<string, unknown>;
  const out = new Map<string, ConflictChoice>();
  for (const c of conflicts) {
    const v = given[c.key];
    if (v === undefined) throw new InvalidInputError(`response.artifacts.${c.key}`, "is missing: answer every conflicting artifact");
    if (typeof v !== "string" || !(CHOICES as readonly string[]).includes(v)) throw new InvalidInputError(`response.artifacts.${c.key}`, "must be MERGE, FORK or SKIP");
    out.set(c.key, v as ConflictChoice);
  }
  const unknown = Object.keys(given).find((k) => !conflicts.some((c) => c.key === k));
  if (unknown) throw new InvalidInputError(`response.artifacts.${unknown}`, "is not one of the conflicting artifacts");
  return out;
}
