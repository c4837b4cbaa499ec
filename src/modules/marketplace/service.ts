// The marketplace: publisher consent, publishing through moderation, brokers and their listings,
// and the audit trail every step writes to (in the same transaction as the step).
import type { Db, Prisma } from "../../db/client.js";
import type { SqliteDirect } from "../../db/sqlite-direct.js";
import type { Broker, MarketplaceListing, PublisherConsent, Submission } from "../../generated/prisma/client.js";
import type { ArtifactType, BrokerKind, SubmissionStatus } from "../../generated/prisma/enums.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { isPostgres } from "../artifacts/service.js";
import { artifactKey } from "../artifacts/names.js";
import { appendAudit, verifyAuditChain, type AuditEntry, type AuditVerification } from "./audit.js";
import { ConsentRequiredError, SubmissionStateError } from "./errors.js";
import { checkListingLicense, compatibilityWarnings, type LicenseIssue } from "./licenses.js";
import { isSemver, LISTING_NAME, LISTING_NAME_RULE, SEMVER_RULE, TAG, TAG_RULE } from "./rules.js";
import type { ListingSearch } from "./search.js";
import { PostgresListingSearch } from "./search-postgres.js";
import { SqliteListingSearch } from "./search-sqlite.js";

/** The publisher agreement a viewer must accept before publishing. */
export const PUBLISHER_AGREEMENT_VERSION = "2026-11";
/** The broker that holds listings published here. */
export const LOCAL_BROKER = "local";

export interface Actor {
  name: string;
}

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

export interface ListingData {
  listingId: string;
  name: string;
  publisher: string;
  description: string;
  version: string;
  license: string;
  tags: string[];
  artifacts: { type: ArtifactType; name: string; artifactId?: string | null }[];
  priceCents?: number;
  sourceUrl?: string | null;
  bundleUrl?: string | null;
  homepage?: string | null;
  repository?: string | null;
  downloads?: number;
  rating?: number;
  signature?: string | null;
}

export interface CreateBrokerInput {
  name: string;
  kind: BrokerKind;
  url?: string | null;
  enabled?: boolean | null;
  rateLimit?: number | null;
  rateWindowSeconds?: number | null;
}

/** Issues stored on a submission, as JSON. */
export function issuesOf(value: unknown): LicenseIssue[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v) => {
    const o = v as Record<string, unknown> | null;
    return o && typeof o.field === "string" && typeof o.message === "string" ? [{ field: o.field, message: o.message }] : [];
  });
}

export function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

const REVIEWABLE: SubmissionStatus[] = ["PENDING", "IN_REVIEW"];
const DECISION_STATUS: Record<ReviewDecision, SubmissionStatus> = {
  APPROVE: "APPROVED",
  REJECT: "REJECTED",
  REQUEST_REVISION: "REVISION_REQUESTED",
};

export class MarketplaceService {
  readonly search: ListingSearch;
  private readonly postgres: boolean;

  constructor(
    private readonly db: Db,
    /** Prisma's SQLite connection, for the search's statements; null on PostgreSQL (see db/sqlite-direct.ts). */
    sqlite: () => SqliteDirect | null = () => null,
  ) {
    this.postgres = isPostgres(db);
    this.search = this.postgres ? new PostgresListingSearch(db) : new SqliteListingSearch(db, sqlite);
  }

  /** Runs fn in a transaction and appends its audit entries in the same one. */
  async audited<T>(fn: (tx: Prisma.TransactionClient) => Promise<{ value: T; audit: AuditEntry[] }>): Promise<T> {
    return this.db.$transaction(async (tx) => {
      const { value, audit } = await fn(tx);
      await appendAudit(tx, this.postgres, audit);
      return value;
    });
  }

  verifyAuditLog(): Promise<AuditVerification> {
    return verifyAuditChain(this.db);
  }

  // ---- consent

  async consentOf(actor: Actor, version = PUBLISHER_AGREEMENT_VERSION): Promise<PublisherConsent | null> {
    return this.db.publisherConsent.findUnique({ where: { actor_version: { actor: actor.name, version } } });
  }

  /** Records acceptance once per viewer and version; accepting again returns the first record. */
  async acceptAgreement(actor: Actor, version: string): Promise<PublisherConsent> {
    if (version !== PUBLISHER_AGREEMENT_VERSION) {
      throw new InvalidInputError("version", `must be the current publisher agreement version ${PUBLISHER_AGREEMENT_VERSION}`);
    }
    const existing = await this.consentOf(actor, version);
    if (existing) return existing;
    return this.audited(async (tx) => {
      const again = await tx.publisherConsent.findUnique({ where: { actor_version: { actor: actor.name, version } } });
      if (again) return { value: again, audit: [] };
      const consent = await tx.publisherConsent.create({ data: { actor: actor.name, version } });
      return { value: consent, audit: [{ eventType: "CONSENT_ACCEPTED", actor: actor.name, subject: `agreement:${version}`, details: { version } }] };
    });
  }

  // ---- publishing

  /**
   * Validates and records a submission. Broken rules (name, version, licence, tags, unknown
   * artifacts, a name another publisher owns, no consent) are errors and nothing is written;
   * licence concerns (not OSI approved, copyleft artifacts) are warnings stored for the reviewer.
   */
  async publish(actor: Actor, input: PublishInput): Promise<Submission> {
    const errors = publishRuleErrors(input);
    const first = errors[0];
    if (first) throw new InvalidInputError(first.field, first.message);
    if (!(await this.consentOf(actor))) throw new ConsentRequiredError(PUBLISHER_AGREEMENT_VERSION);

    const ids = [...new Set(input.artifactIds)];
    const artifacts = await this.db.artifact.findMany({ where: { id: { in: ids } }, select: { id: true, type: true, name: true, license: true } });
    const missing = ids.find((id) => !artifacts.some((a) => a.id === id));
    if (missing) throw new NotFoundError("Artifact", missing);

    const owner = await this.db.marketplaceListing.findFirst({
      where: { listingId: input.name, broker: { name: LOCAL_BROKER } },
      select: { publisher: true },
    });
    if (owner && owner.publisher !== actor.name) throw new AlreadyExistsError("MarketplaceListing", "name", input.name);

    const license = checkListingLicense(input.license);
    const byId = new Map(artifacts.map((a) => [a.id, a]));
    const ordered = ids.flatMap((id) => byId.get(id) ?? []);
    const warnings = [...license.warnings, ...compatibilityWarnings(input.license, ordered.map((a) => ({ key: artifactKey(a.type, a.name), license: a.license })))];
    const tags = normaliseTags(input.tags);

    return this.audited(async (tx) => {
      const submission = await tx.submission.create({
        data: {
          submitter: actor.name,
          name: input.name,
          description: input.description.trim(),
          version: input.version,
          license: input.license,
          homepage: input.homepage ?? null,
          repository: input.repository ?? null,
          tags,
          artifactIds: ids,
          errors: [],
          warnings: warnings.map((w) => ({ ...w })),
          osiApproved: license.osiApproved,
        },
      });
      const subject = `submission:${submission.id}`;
      return {
        value: submission,
        audit: [
          { eventType: "SUBMISSION_CREATED", actor: actor.name, subject, details: { name: input.name, version: input.version, artifactIds: ids } },
          {
            eventType: "LICENSE_VALIDATED",
            actor: actor.name,
            subject,
            details: { license: input.license, valid: license.valid, osiApproved: license.osiApproved, warnings: warnings.map((w) => w.message) },
          },
        ],
      };
    });
  }

  async submission(id: string): Promise<Submission> {
    const s = await this.db.submission.findUnique({ where: { id } });
    if (!s) throw new NotFoundError("Submission", id);
    return s;
  }

  /** An admin takes a PENDING submission into review. */
  async startReview(actor: Actor, id: string): Promise<Submission> {
    return this.audited(async (tx) => {
      const s = await tx.submission.findUnique({ where: { id } });
      if (!s) throw new NotFoundError("Submission", id);
      if (s.status !== "PENDING") throw new SubmissionStateError(id, s.status, "only a PENDING submission can be taken into review");
      const updated = await tx.submission.update({ where: { id }, data: { status: "IN_REVIEW", reviewedBy: actor.name } });
      return { value: updated, audit: [{ eventType: "SUBMISSION_REVIEWED", actor: actor.name, subject: `submission:${id}`, details: { decision: "START_REVIEW", status: "IN_REVIEW" } }] };
    });
  }

  /**
   * APPROVE creates or updates the LOCAL listing from the submission; REJECT and
   * REQUEST_REVISION need feedback for the publisher. Only PENDING or IN_REVIEW submissions.
   */
  async review(actor: Actor, id: string, decision: ReviewDecision, feedback: string | null | undefined): Promise<Submission> {
    const text = feedback?.trim() || null;
    if (decision !== "APPROVE" && !text) throw new InvalidInputError("feedback", `is required for ${decision}: tell the publisher what to change`);
    return this.audited(async (tx) => {
      const s = await tx.submission.findUnique({ where: { id } });
      if (!s) throw new NotFoundError("Submission", id);
      if (!REVIEWABLE.includes(s.status)) throw new SubmissionStateError(id, s.status, "only PENDING or IN_REVIEW submissions can be reviewed");
      let listing: MarketplaceListing | null = null;
      if (decision === "APPROVE") {
        const ids = stringsOf(s.artifactIds);
        const artifacts = await tx.artifact.findMany({ where: { id: { in: ids } }, select: { id: true, type: true, name: true } });
        const gone = ids.filter((a) => !artifacts.some((x) => x.id === a));
        if (gone.length) {
          // Nothing changes: the submission stays reviewable, and the moderator can request a revision.
          throw new InvalidInputError("id", `cannot approve: artifact(s) ${gone.join(", ")} no longer exist; request a revision`);
        }
        const byId = new Map(artifacts.map((a) => [a.id, a]));
        const broker = await ensureLocalBroker(tx);
        // Two publishers may both have submitted a name nobody owned yet: the first approval wins.
        const owner = await tx.marketplaceListing.findUnique({ where: { brokerId_listingId: { brokerId: broker.id, listingId: s.name } }, select: { publisher: true } });
        if (owner && owner.publisher !== s.submitter) throw new AlreadyExistsError("MarketplaceListing", "name", s.name);
        listing = await upsertListing(tx, broker.id, {
          listingId: s.name,
          name: s.name,
          publisher: s.submitter,
          description: s.description,
          version: s.version,
          license: s.license,
          tags: stringsOf(s.tags),
          artifacts: ids.flatMap((a) => {
            const x = byId.get(a);
            return x ? [{ type: x.type, name: x.name, artifactId: x.id }] : [];
          }),
          homepage: s.homepage,
          repository: s.repository,
        });
      }
      const status = DECISION_STATUS[decision];
      const updated = await tx.submission.update({
        where: { id },
        data: { status, feedback: text, reviewedBy: actor.name, reviewedAt: new Date(), ...(listing ? { listingId: listing.id } : {}) },
      });
      return {
        value: updated,
        audit: [
          {
            eventType: "SUBMISSION_REVIEWED",
            actor: actor.name,
            subject: `submission:${id}`,
            details: { decision, status, feedback: text, listingId: listing?.id ?? null },
          },
        ],
      };
    });
  }

  // ---- brokers

  async createBroker(actor: Actor, input: CreateBrokerInput): Promise<Broker> {
    if (input.kind === "HTTP_FEED" && !input.url) throw new InvalidInputError("input.url", "is required for an HTTP_FEED broker");
    if (input.kind === "LOCAL" && input.url) throw new InvalidInputError("input.url", "must be empty for a LOCAL broker");
    const taken = await this.db.broker.findUnique({ where: { name: input.name }, select: { id: true } });
    if (taken) throw new AlreadyExistsError("Broker", "name", input.name);
    return this.audited(async (tx) => {
      const broker = await tx.broker.create({
        data: {
          name: input.name,
          kind: input.kind,
          url: input.url ?? null,
          enabled: input.enabled ?? true,
          rateLimit: input.rateLimit ?? 60,
          rateWindowMs: (input.rateWindowSeconds ?? 60) * 1000,
        },
      });
      return {
        value: broker,
        audit: [{ eventType: "BROKER_CREATED", actor: actor.name, subject: `broker:${broker.name}`, details: { kind: broker.kind, url: broker.url, rateLimit: broker.rateLimit, rateWindowMs: broker.rateWindowMs } }],
      };
    });
  }

  async brokerByName(name: string): Promise<Broker> {
    const b = await this.db.broker.findUnique({ where: { name } });
    if (!b) throw new NotFoundError("Broker", name);
    return b;
  }
}

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

export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === "https:" || u.protocol === "http:") && v.length <= 2000;
  } catch {
    return false;
  }
}

export function normaliseTags(tags: string[] | null | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean))].sort();
}

export async function ensureLocalBroker(tx: Prisma.TransactionClient): Promise<Broker> {
  return tx.broker.upsert({ where: { name: LOCAL_BROKER }, create: { name: LOCAL_BROKER, kind: "LOCAL" }, update: {} });
}

/** Creates or replaces a listing of a broker, with its tags and artifacts; it becomes ACTIVE. */
export async function upsertListing(tx: Prisma.TransactionClient, brokerId: string, d: ListingData): Promise<MarketplaceListing> {
  const tags = normaliseTags(d.tags);
  const fields = {
    name: d.name,
    publisher: d.publisher,
    description: d.description,
    version: d.version,
    license: d.license,
    priceCents: d.priceCents ?? 0,
    sourceUrl: d.sourceUrl ?? null,
    bundleUrl: d.bundleUrl ?? null,
    homepage: d.homepage ?? null,
    repository: d.repository ?? null,
    ...(d.downloads !== undefined ? { downloads: d.downloads } : {}),
    ...(d.rating !== undefined ? { rating: d.rating } : {}),
    signature: d.signature ?? null,
    status: "ACTIVE" as const,
    withdrawnAt: null,
    tagText: tags.join(" "),
  };
  const artifacts = { createMany: { data: d.artifacts.map((a, position) => ({ position, type: a.type, name: a.name, artifactId: a.artifactId ?? null })) } };
  const existing = await tx.marketplaceListing.findUnique({
    where: { brokerId_listingId: { brokerId, listingId: d.listingId } },
    select: { id: true, tags: { select: { tag: true } } },
  });
  if (!existing) return tx.marketplaceListing.create({ data: { brokerId, listingId: d.listingId, ...fields, tags: { createMany: { data: tags.map((tag) => ({ tag })) } }, artifacts } });
  // Only the tags that changed are written: each tag row written re-indexes the listing for search
  // (SQLite triggers), and a sync re-sends mostly unchanged listings.
  const had = new Set(existing.tags.map((t) => t.tag));
  const added = tags.filter((t) => !had.has(t));
  const removed = [...had].filter((t) => !tags.includes(t));
  if (removed.length) await tx.listingTag.deleteMany({ where: { listingId: existing.id, tag: { in: removed } } });
  await tx.listingArtifact.deleteMany({ where: { listingId: existing.id } });
  return tx.marketplaceListing.update({
    where: { id: existing.id },
    data: { ...fields, artifacts, ...(added.length ? { tags: { createMany: { data: added.map((tag) => ({ tag })) } } } : {}) },
  });
}
