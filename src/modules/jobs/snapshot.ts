// A job as clients see it: the columns the Job GraphQL type reads. Published with every event
// (dates as ISO strings so the payload crosses Redis unchanged) and revived for subscriptions,
// so a thousand subscribers to one job cost no database reads.
import type { Prisma } from "../../db/index.js";
import type { Job } from "../../generated/prisma/client.js";
import type { JobStatus } from "../../generated/prisma/enums.js";

/** The columns of Job that the GraphQL type exposes (also its Prisma `select`). */
export const jobPublicSelect = {
  id: true,
  kind: true,
  status: true,
  progress: true,
  phase: true,
  message: true,
  input: true,
  result: true,
  error: true,
  prompt: true,
  waitingUntil: true,
  attempts: true,
  maxAttempts: true,
  cancelRequested: true,
  eventSequence: true,
  createdBy: true,
  createdAt: true,
  startedAt: true,
  completedAt: true,
  updatedAt: true,
} as const;

export interface JobView {
  id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  phase: string | null;
  message: string | null;
  input: Prisma.JsonValue;
  result: Prisma.JsonValue | null;
  error: string | null;
  prompt: Prisma.JsonValue | null;
  waitingUntil: Date | null;
  attempts: number;
  maxAttempts: number;
  cancelRequested: boolean;
  eventSequence: number;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  updatedAt: Date;
}

type DateKeys = "waitingUntil" | "createdAt" | "startedAt" | "completedAt" | "updatedAt";
export type JobSnapshot = Omit<JobView, DateKeys> & {
  waitingUntil: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  updatedAt: string;
};

export const TERMINAL_STATUSES: readonly JobStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED"];
export const isTerminal = (s: JobStatus): boolean => TERMINAL_STATUSES.includes(s);

export function toView(row: JobView): JobView {
  const view = {} as Record<string, unknown>;
  for (const k of Object.keys(jobPublicSelect)) view[k] = (row as unknown as Record<string, unknown>)[k];
  return view as unknown as JobView;
}

export function toSnapshot(row: JobView): JobSnapshot {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    ...toView(row),
    waitingUntil: iso(row.waitingUntil),
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    completedAt: iso(row.completedAt),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function fromSnapshot(s: JobSnapshot): JobView {
  const date = (v: string | null) => (v ? new Date(v) : null);
  return {
    ...s,
    waitingUntil: date(s.waitingUntil),
    createdAt: new Date(s.createdAt),
    startedAt: date(s.startedAt),
    completedAt: date(s.completedAt),
    updatedAt: new Date(s.updatedAt),
  };
}

/**
 * A view as the Job GraphQL type's parent. The type reads only the columns in jobPublicSelect
 * (and loads `events` itself), so the internal columns a view leaves out are never read.
 */
export function asJobParent(view: JobView): Job {
  return view as unknown as Job;
}
