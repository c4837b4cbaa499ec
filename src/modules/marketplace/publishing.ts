// Publishing through moderation, the pure part: what a publish asks for, the rules it must keep,
// the review decisions and the submission JSON columns read back.
import type { SubmissionStatus } from "../../generated/prisma/enums.js";
import { checkListingLicense, type LicenseIssue } from "./licenses.js";
import { isHttpUrl, isSemver, LISTING_NAME, LISTING_NAME_RULE, SEMVER_RULE, TAG, TAG_RULE } from "./rules.js";

/** The publisher agreement a viewer must accept before publishing. */
export const PUBLISHER_AGREEMENT_VERSION = "2026-11";

export interface PublishInput {
  name: string;
  description: string;
  version: string;
  license: string;
  tags?: string[] | null;
  /** Artifact ids (raw, not global). */
  artifactIds: string[];
  homepage?: string | null;
  repository?: string | null;
}

export type ReviewDecision = "APPROVE" | "REJECT" | "REQUEST_REVISION";

/** The statuses a review decision may be taken in. */
export const REVIEWABLE: readonly SubmissionStatus[] = ["PENDING", "IN_REVIEW"];

export const DECISION_STATUS: Record<ReviewDecision, SubmissionStatus> = {
  APPROVE: "APPROVED",
  REJECT: "REJECTED",
  REQUEST_REVISION: "REVISION_REQUESTED",
};

/** Rule violations of a publish input, in field order; empty when it is acceptable. */
export function publishRuleErrors(input: PublishInput): LicenseIssue[] {
  const errors: LicenseIssue[] = [];
  if (!LISTING_NAME.test(input.name)) errors.push({ field: "input.name", message: LISTING_NAME_RULE });
  const description = input.description.trim();
  if (description.length < 10 || description.length > 5000) errors.push({ field: "input.description", message: "must be 10–5000 characters" });
  if (!isSemver(input.version)) errors.push({ field: "input.version", message: SEMVER_RULE });
  errors.push(...checkListingLicense(input.license).errors);
  const tags = input.tags ?? [];
  if (tags.length > 20) errors.push({ field: "input.tags", message: "must list at most 20 tags" });
  if (tags.some((t) => !TAG.test(t.trim().toLowerCase()))) errors.push({ field: "input.tags", message: TAG_RULE });
  if (input.artifactIds.length < 1 || input.artifactIds.length > 100) errors.push({ field: "input.artifactIds", message: "must list 1–100 artifacts" });
  for (const [k, v] of [["input.homepage", input.homepage], ["input.repository", input.repository]] as const) {
    if (v && !isHttpUrl(v)) errors.push({ field: k, message: "must be an http(s) URL" });
  }
  return errors;
}

/** Issues stored on a submission, as JSON. */
export function issuesOf(value: unknown): LicenseIssue[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v: unknown) => {
    if (typeof v !== "object" || v === null) return [];
    const o = v as Record<string, unknown>;
    return typeof o.field === "string" && typeof o.message === "string" ? [{ field: o.field, message: o.message }] : [];
  });
}

/** A JSON array of strings (a submission's tags or artifact ids); anything else is left out. */
export function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
