// Job kinds: a name, an input schema (zod), limits, and the handler that does the work.
import type { z } from "zod";

/** What a handler gets: its input, where it left off, progress reporting and cancellation. */
export interface JobContext<I> {
  jobId: string;
  /** Who started the job (a token's name, cli:<user>, system). */
  createdBy: string | null;
  input: I;
  /** 1 on the first run; a resume after a crash or a HITL answer keeps the number. */
  attempt: number;
  /** What the handler last saved with saveCheckpoint/progress(…, { checkpoint }); null on a fresh start. */
  checkpoint: unknown;
  /** Aborted when the job is cancelled, its lease is lost, or the worker stops. */
  signal: AbortSignal;
  /** Stores progress (0–100) and, optionally, phase, message and a checkpoint, as one event. Throws once cancelled. */
  progress(percent: number, details?: { phase?: string | null; message?: string | null; checkpoint?: unknown }): Promise<void>;
  /** Stores a checkpoint without an event. */
  saveCheckpoint(checkpoint: unknown): Promise<void>;
  /**
   * Asks a person. Returns the answer when one was given for `key`; otherwise pauses the job
   * (PENDING_HITL) and the handler runs again from its checkpoint once someone answers.
   * Do not catch what it throws.
   */
  ask(key: string, prompt: HitlPrompt): Promise<unknown>;
  /** Throws if the job was cancelled (or the worker is stopping). */
  throwIfCancelled(): void;
}

export interface HitlPrompt {
  /** What the job needs, for people. */
  message: string;
  /** When given, the answer must be one of these. */
  choices?: string[];
  /** Anything else a client needs to answer (e.g. the items to approve). */
  details?: unknown;
}

export interface JobKind<I = unknown, R = unknown> {
  /** e.g. scores.recompute: lower-case words separated by dots. */
  name: string;
  description: string;
  input: z.ZodType<I>;
  /** Runs before the job fails for good (retries = maxAttempts - 1). Default 3. */
  maxAttempts?: number;
  /** How long a HITL question waits before the job fails. Default: SKILLGRAPH_JOB_HITL_TIMEOUT_MS. */
  hitlTimeoutMs?: number;
  /** The scope a token needs to start it through the API. Default write. */
  scope?: "write" | "admin";
  run(ctx: JobContext<I>): Promise<R>;
  /**
   * Checks an answer to one of this kind's questions when it is given (respondToJob), before it is
   * stored: throw an InvalidInputError naming the field under `response` to refuse it, and the job
   * keeps waiting for a complete answer instead of failing on a typo. `prompt` is the question as
   * asked (key, message, details). The handler should still read the answer defensively.
   */
  checkResponse?(prompt: HitlPrompt & { key: string }, response: unknown): void;
}

export const KIND_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

export function defineJobKind<I, R>(kind: JobKind<I, R>): JobKind<I, R> {
  return kind;
}

export class JobRegistry {
  private readonly kinds = new Map<string, JobKind>();

  register<I, R>(kind: JobKind<I, R>): this {
    if (!KIND_NAME.test(kind.name)) throw new Error(`job kind "${kind.name}": name must be dot-separated lower-case words, e.g. scores.recompute`);
    if (this.kinds.has(kind.name)) throw new Error(`job kind "${kind.name}" is already registered`);
    if (kind.maxAttempts !== undefined && (!Number.isInteger(kind.maxAttempts) || kind.maxAttempts < 1)) {
      throw new Error(`job kind "${kind.name}": maxAttempts must be a whole number ≥ 1`);
    }
    this.kinds.set(kind.name, kind as JobKind);
    return this;
  }

  get(name: string): JobKind | undefined {
    return this.kinds.get(name);
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }

  list(): JobKind[] {
    return this.names().flatMap((n) => this.kinds.get(n) ?? []);
  }
}
