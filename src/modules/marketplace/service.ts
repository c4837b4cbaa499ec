// The marketplace: publisher consent, publishing through moderation, brokers and their listings,
// the audit trail every step writes to (in the same transaction as the step), and the reads the
// GraphQL layer asks for. Artifacts come from the artifacts module's service, never its table.
import type { Database, Prisma } from "../../db/index.js";
import { DbNull, isUniqueViolation } from "../../db/index.js";
import type { Broker, MarketplaceListing, PublisherConsent, Submission } from "../../generated/prisma/client.js";
import type { BrokerKind, SubmissionStatus } from "../../generated/prisma/enums.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { Principal } from "../../lib/principal.js";
import { artifactKey, type ArtifactService } from "../artifacts/index.js";
import { auditedTransaction, verifyAuditChain, type AuditVerification } from "./audit.js";
import { ConsentRequiredError, SubmissionStateError } from "./errors.js";
import { checkListingLicense, compatibilityWarnings } from "./licenses.js";
import { bundleOf, installSchema, ListingInstaller, listingBundle, type SubmissionBundle } from "./install.js";
import { noUsage, type UsageSink } from "../../lib/usage.js";
import { ensureLocalBroker, LOCAL_BROKER, upsertListing } from "./listings.js";
import { DECISION_STATUS, PUBLISHER_AGREEMENT_VERSION, publishRuleErrors, REVIEWABLE, stringsOf, type PublishInput, type ReviewDecision } from "./publishing.js";
import { normaliseTags } from "./rules.js";
import type { ListingFacets, ListingFilter, ListingSearch, ListingSearchParams } from "./search.js";
import { PostgresListingSearch } from "./search-postgres.js";
import { SqliteListingSearch } from "./search-sqlite.js";
import { syncClaudeMarketplace, syncFeed, syncMcpRegistry, type PluginRepositories, type SyncOptions, type SyncReporter, type SyncResult } from "./sync.js";
import { checkout, resolveUnder, type ContentService } from "../content/index.js";
import type { McpService } from "../mcp/index.js";
import type { CollectionService } from "../collections/index.js";
import type { ProjectService } from "../projects/index.js";
import type { SharingService } from "../sharing/index.js";
import { isHttpUrl } from "./rules.js";

export interface CreateBrokerInput {
  name: string;
  kind: BrokerKind;
  url?: string | null;
  enabled?: boolean | null;
  rateLimit?: number | null;
  rateWindowSeconds?: number | null;
}

/** The raw id of a MarketplaceListing global ID; null for anything else. */
function decodeListingId(ref: string): string | null {
  try {
    const text = Buffer.from(ref, "base64").toString("utf8");
    return text.startsWith("MarketplaceListing:") && Buffer.from(text, "utf8").toString("base64") === ref ? text.slice("MarketplaceListing:".length) : null;
  } catch {
    return null;
  }
}

/** The services the marketplace publishes and installs through, each built on first use. */
export interface MarketplaceDeps {
  sharing(): Promise<SharingService>;
  content(): Promise<ContentService>;
  projects(): Promise<ProjectService>;
  mcp(): Promise<McpService>;
  collections(): Promise<CollectionService>;
  /** fetch for URLs from brokers' data (feed pages, listings' bundle URLs): the app's outbound-guarded fetch (src/lib/outbound.ts). */
  fetch?: typeof fetch;
}

/** What the audit log can be filtered by (all given conditions hold). */
export interface AuditFilter {
  eventType?: string | null;
  actor?: string | null;
  subject?: string | null;
}

/** The GraphQL layer's selection and paging for a list; the service adds the conditions and the order. */
type Page<Args> = Omit<Args, "where" | "orderBy">;
export type ListingQuery = Page<Prisma.MarketplaceListingFindManyArgs>;
export type BrokerQuery = Page<Prisma.BrokerFindManyArgs>;
export type SubmissionQuery = Page<Prisma.SubmissionFindManyArgs>;
export type AuditEventQuery = Page<Prisma.AuditEventFindManyArgs>;

/** A page of a listing search with its listings loaded, in the search's order. */
export interface ListingPage {
  edges: { cursor: string; node: MarketplaceListing }[];
  hasNextPage: boolean;
  /** The search's total, when it found it on the way (otherwise ask countListings). */
  total?: number;
}

function auditWhere(filter: AuditFilter | null | undefined): Prisma.AuditEventWhereInput {
  return {
    ...(filter?.eventType ? { eventType: filter.eventType } : {}),
    ...(filter?.actor ? { actor: filter.actor } : {}),
    ...(filter?.subject ? { subject: filter.subject } : {}),
  };
}

const statusWhere = (status: SubmissionStatus | null | undefined): Prisma.SubmissionWhereInput => (status ? { status } : {});

export class MarketplaceService {
  /** Full-text listing search, SQLite FTS5 or PostgreSQL text search by the database's provider. */
  readonly search: ListingSearch;
  /** installListing (the marketplace.install job runs it). */
  readonly installer: ListingInstaller;
  private usage: UsageSink = noUsage;

  /** Where installs are reported as usage events (the usage module). */
  onUsage(sink: UsageSink): void {
    this.usage = sink;
  }

  constructor(
    private readonly db: Database,
    private readonly artifacts: ArtifactService,
    /** The modules publishing and installing go through, built when first used. */
    readonly deps: MarketplaceDeps,
  ) {
    this.installer = new ListingInstaller(db, artifacts, deps, () => this.usage, deps.fetch ? { fetch: deps.fetch } : {});
    const sql = db.sql;
    this.search = sql.pick<() => ListingSearch>({ sqlite: () => new SqliteListingSearch(sql), postgresql: () => new PostgresListingSearch(sql) })();
  }

  verifyAuditLog(): Promise<AuditVerification> {
    return verifyAuditChain(this.db);
  }

  // ---- consent

  consentOf(principal: Principal, version = PUBLISHER_AGREEMENT_VERSION): Promise<PublisherConsent | null> {
    return this.db.prisma.publisherConsent.findUnique({ where: { actor_version: { actor: principal.name, version } } });
  }

  /** Records acceptance once per principal and version; accepting again returns the first record. */
  async acceptAgreement(principal: Principal, version: string): Promise<PublisherConsent> {
    if (version !== PUBLISHER_AGREEMENT_VERSION) {
      throw new InvalidInputError("version", `must be the current publisher agreement version ${PUBLISHER_AGREEMENT_VERSION}`);
    }
    const existing = await this.consentOf(principal, version);
    if (existing) return existing;
    try {
      return await auditedTransaction(this.db, async ({ prisma: tx }) => {
        const consent = await tx.publisherConsent.create({ data: { actor: principal.name, version } });
        return { value: consent, audit: [{ eventType: "CONSENT_ACCEPTED", actor: principal.name, subject: `agreement:${version}`, details: { version } }] };
      });
    } catch (err) {
      // Accepted at the same moment by another request: the first record stands (and was audited).
      const first = isUniqueViolation(err) ? await this.consentOf(principal, version) : null;
      if (first) return first;
      throw err;
    }
  }

  // ---- publishing

  /**
   * Validates and records a submission. Broken rules (name, version, licence, tags, unknown
   * artifacts, a name another publisher owns, no consent) are errors and nothing is written;
   * licence concerns (not OSI approved, copyleft artifacts) are warnings stored for the reviewer.
   */
  async publish(principal: Principal, input: PublishInput): Promise<Submission> {
    const errors = publishRuleErrors(input);
    const first = errors[0];
    if (first) throw new InvalidInputError(first.field, first.message);
    if (!(await this.consentOf(principal))) throw new ConsentRequiredError(PUBLISHER_AGREEMENT_VERSION);

    const ids = [...new Set(input.artifactIds)];
    const byId = new Map((await this.artifacts.byIds(ids)).map((a) => [a.id, a]));
    const missing = ids.find((id) => !byId.has(id));
    if (missing) throw new NotFoundError("Artifact", missing);

    const owner = await this.db.prisma.marketplaceListing.findFirst({
      where: { listingId: input.name, broker: { name: LOCAL_BROKER } },
      select: { publisher: true },
    });
    if (owner && owner.publisher !== principal.name) throw new AlreadyExistsError("MarketplaceListing", "name", input.name);

    const license = checkListingLicense(input.license);
    const ordered = ids.flatMap((id) => byId.get(id) ?? []);
    const warnings = [...license.warnings, ...compatibilityWarnings(input.license, ordered.map((a) => ({ key: artifactKey(a.type, a.name), license: a.license })))];
    const tags = normaliseTags(input.tags);
    // The bundle the listing will serve, built and signed now, so the reviewer approves exactly it.
    const empty = ordered.filter((a) => !a.currentVersionId);
    let bundle: SubmissionBundle | null = null;
    // Artifacts with no files (added by hand) give a listing with no bundle: it lists, it does not install.
    if (empty.length === 0) bundle = await this.buildBundle(principal, input, ids);

    return auditedTransaction(this.db, async ({ prisma: tx }) => {
      const submission = await tx.submission.create({
        data: {
          submitter: principal.name,
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
          bundle: bundle ? { ...bundle } : DbNull,
        },
      });
      const subject = `submission:${submission.id}`;
      return {
        value: submission,
        audit: [
          { eventType: "SUBMISSION_CREATED", actor: principal.name, subject, details: { name: input.name, version: input.version, artifactIds: ids, bundleSha256: bundle?.sha256 ?? null, signer: bundle?.signer ?? null } },
          {
            eventType: "LICENSE_VALIDATED",
            actor: principal.name,
            subject,
            details: { license: input.license, valid: license.valid, osiApproved: license.osiApproved, warnings: warnings.map((w) => w.message) },
          },
        ],
      };
    });
  }

  /** Exports the artifacts as a signed bundle and keeps it under its SHA-256 (sharing). */
  private async buildBundle(principal: Principal, input: PublishInput, ids: string[]): Promise<SubmissionBundle> {
    const sharing = await this.deps.sharing();
    try {
      const exported = await sharing.exportBundle(principal, { artifacts: ids, name: input.name, version: input.version });
      const stored = await sharing.storeBundle(await sharing.readBundle(exported.file));
      return { file: stored.file, sha256: stored.sha256, size: stored.size, signature: exported.signature, signer: exported.signer };
    } catch (err) {
      if (err instanceof InvalidInputError) throw new InvalidInputError(err.field === "artifacts" ? "input.artifactIds" : `input.${err.field}`, err.message);
      throw err;
    }
  }

  /** A listing by global ID, <broker>/<listingId>, or listingId (the LOCAL broker's first); null when none. */
  async findListing(ref: string): Promise<MarketplaceListing | null> {
    const global = decodeListingId(ref);
    if (global) return this.db.prisma.marketplaceListing.findUnique({ where: { id: global } });
    const slash = ref.indexOf("/");
    if (slash > 0) {
      const scoped = await this.db.prisma.marketplaceListing.findFirst({ where: { broker: { name: ref.slice(0, slash) }, listingId: ref.slice(slash + 1) } });
      if (scoped) return scoped;
    }
    const rows = await this.db.prisma.marketplaceListing.findMany({ where: { listingId: ref }, include: { broker: { select: { name: true } } }, take: 10 });
    return rows.find((r) => r.broker.name === LOCAL_BROKER) ?? (rows.length === 1 ? (rows[0] ?? null) : null);
  }

  /** The bundle an active LOCAL listing publishes (GET /marketplace/bundles/<name>); null when there is none. */
  async publishedBundle(name: string): Promise<{ bytes: Buffer; sha256: string; file: string } | null> {
    const listing = await this.db.prisma.marketplaceListing.findFirst({ where: { listingId: name, status: "ACTIVE", broker: { name: LOCAL_BROKER } } });
    const source = listing ? installSchema.safeParse(listing.install) : null;
    if (!listing || !source?.success || source.data.kind !== "BUNDLE" || !source.data.file || !listing.bundleSha256) return null;
    const bytes = await (await this.deps.sharing()).readBundle(source.data.file);
    return { bytes, sha256: listing.bundleSha256, file: source.data.file };
  }

  async submission(id: string): Promise<Submission> {
    const s = await this.db.prisma.submission.findUnique({ where: { id } });
    if (!s) throw new NotFoundError("Submission", id);
    return s;
  }

  /** An admin takes a PENDING submission into review. */
  startReview(principal: Principal, id: string): Promise<Submission> {
    return auditedTransaction(this.db, async ({ prisma: tx }) => {
      const s = await tx.submission.findUnique({ where: { id } });
      if (!s) throw new NotFoundError("Submission", id);
      if (s.status !== "PENDING") throw new SubmissionStateError(id, s.status, "only a PENDING submission can be taken into review");
      const updated = await tx.submission.update({ where: { id }, data: { status: "IN_REVIEW", reviewedBy: principal.name } });
      return {
        value: updated,
        audit: [{ eventType: "SUBMISSION_REVIEWED", actor: principal.name, subject: `submission:${id}`, details: { decision: "START_REVIEW", status: "IN_REVIEW" } }],
      };
    });
  }

  /**
   * APPROVE creates or updates the LOCAL listing from the submission; REJECT and
   * REQUEST_REVISION need feedback for the publisher. Only PENDING or IN_REVIEW submissions.
   */
  async review(principal: Principal, id: string, decision: ReviewDecision, feedback: string | null | undefined): Promise<Submission> {
    const text = feedback?.trim() || null;
    if (decision !== "APPROVE" && !text) throw new InvalidInputError("feedback", `is required for ${decision}: tell the publisher what to change`);
    // The artifacts an approval lists, from the artifacts module, before the transaction (a
    // submission's artifact ids never change). An artifact removed after this check stays in the
    // listing's record without its link, as it would had it been removed after the approval.
    const artifacts = decision === "APPROVE" ? new Map((await this.artifacts.byIds(stringsOf((await this.submission(id)).artifactIds))).map((a) => [a.id, a])) : null;
    return auditedTransaction(this.db, async ({ prisma: tx }) => {
      const s = await tx.submission.findUnique({ where: { id } });
      if (!s) throw new NotFoundError("Submission", id);
      if (!REVIEWABLE.includes(s.status)) throw new SubmissionStateError(id, s.status, "only PENDING or IN_REVIEW submissions can be reviewed");
      let listing: MarketplaceListing | null = null;
      if (artifacts) {
        const ids = stringsOf(s.artifactIds);
        const gone = ids.filter((a) => !artifacts.has(a));
        if (gone.length) {
          // Nothing changes: the submission stays reviewable, and the moderator can request a revision.
          throw new InvalidInputError("id", `cannot approve: artifact(s) ${gone.join(", ")} no longer exist; request a revision`);
        }
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
            const x = artifacts.get(a);
            return x ? [{ type: x.type, name: x.name, artifactId: x.id }] : [];
          }),
          homepage: s.homepage,
          repository: s.repository,
          ...listingBundle(s.name, bundleOf(s.bundle)),
        });
      }
      const status = DECISION_STATUS[decision];
      const updated = await tx.submission.update({
        where: { id },
        data: { status, feedback: text, reviewedBy: principal.name, reviewedAt: new Date(), ...(listing ? { listingId: listing.id } : {}) },
      });
      return {
        value: updated,
        audit: [
          {
            eventType: "SUBMISSION_REVIEWED",
            actor: principal.name,
            subject: `submission:${id}`,
            details: { decision, status, feedback: text, listingId: listing?.id ?? null },
          },
        ],
      };
    });
  }

  // ---- brokers

  async createBroker(principal: Principal, input: CreateBrokerInput): Promise<Broker> {
    if (input.kind !== "LOCAL" && !input.url) throw new InvalidInputError("input.url", `is required for a ${input.kind} broker`);
    if (input.url && input.kind !== "CLAUDE_MARKETPLACE" && !isHttpUrl(input.url)) throw new InvalidInputError("input.url", "must be an http(s) URL");
    if (input.url && input.kind === "CLAUDE_MARKETPLACE") {
      if (input.url.length > 2000 || input.url.startsWith("-")) throw new InvalidInputError("input.url", "must be a git repository URL or path, or an http(s) URL of a marketplace.json, of at most 2000 characters");
      if (!isHttpUrl(input.url)) (await this.deps.content()).checkInput({ git: { url: input.url } });
    }
    if (input.kind === "LOCAL" && input.url) throw new InvalidInputError("input.url", "must be empty for a LOCAL broker");
    const taken = await this.db.prisma.broker.findUnique({ where: { name: input.name }, select: { id: true } });
    if (taken) throw new AlreadyExistsError("Broker", "name", input.name);
    try {
      return await auditedTransaction(this.db, async ({ prisma: tx }) => {
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
          audit: [{ eventType: "BROKER_CREATED", actor: principal.name, subject: `broker:${broker.name}`, details: { kind: broker.kind, url: broker.url, rateLimit: broker.rateLimit, rateWindowMs: broker.rateWindowMs } }],
        };
      });
    } catch (err) {
      // Created at the same moment by another request.
      if (isUniqueViolation(err)) throw new AlreadyExistsError("Broker", "name", input.name);
      throw err;
    }
  }

  async brokerByName(name: string): Promise<Broker> {
    const b = await this.db.prisma.broker.findUnique({ where: { name } });
    if (!b) throw new NotFoundError("Broker", name);
    return b;
  }

  /** The broker, when it can be synced now (an enabled broker with a URL: not LOCAL); an InvalidInputError on `name` otherwise. */
  async syncableBroker(name: string): Promise<Broker> {
    const broker = await this.brokerByName(name);
    if (broker.kind === "LOCAL" || !broker.url) throw new InvalidInputError("name", `broker "${broker.name}" is ${broker.kind}; only HTTP_FEED, CLAUDE_MARKETPLACE and MCP_REGISTRY brokers sync`);
    if (!broker.enabled) throw new InvalidInputError("name", `broker "${broker.name}" is disabled`);
    return broker;
  }

  /** Syncs a broker now (the marketplace.sync job runs this). `actor` is recorded: a principal's name, or job:<id>. */
  async syncBroker(name: string, actor: string, reporter: SyncReporter = {}, given: SyncOptions = {}): Promise<SyncResult> {
    const broker = await this.syncableBroker(name);
    const options: SyncOptions = { ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}), ...given };
    if (broker.kind === "MCP_REGISTRY") return syncMcpRegistry(this.db, broker, actor, reporter, options);
    if (broker.kind === "CLAUDE_MARKETPLACE") {
      const content = await this.deps.content();
      const repos: PluginRepositories = {
        check: (url) => content.checkInput({ git: { url } }),
        checkout,
        resolveUnder,
      };
      return syncClaudeMarketplace(this.db, broker, actor, repos, reporter, options);
    }
    return syncFeed(this.db, broker, actor, reporter, options);
  }

  // ---- reads for the GraphQL layer (every reader with the read scope sees every listing and broker)

  /** A page of a listing search, with its listings loaded by `query` (the GraphQL selection). */
  async searchListings(viewer: Principal, params: ListingSearchParams, query: ListingQuery): Promise<ListingPage> {
    const page = await this.search.search(params);
    const byId = new Map((await this.listingsByIds(viewer, page.edges.map((e) => e.id), query)).map((l) => [l.id, l]));
    return {
      hasNextPage: page.hasNextPage,
      total: page.total,
      edges: page.edges.flatMap((e) => {
        const node = byId.get(e.id);
        return node ? [{ cursor: e.cursor, node }] : [];
      }),
    };
  }

  countListings(_viewer: Principal, query: string | null | undefined, filter: ListingFilter | null | undefined): Promise<number> {
    return this.search.count(query, filter);
  }

  listingFacets(_viewer: Principal, query: string | null | undefined, filter: ListingFilter | null | undefined): Promise<ListingFacets> {
    return this.search.facets(query, filter);
  }

  /** Listings by id with `query`'s selection, in no particular order; missing ids are left out. */
  async listingsByIds(_viewer: Principal, ids: readonly string[], query: ListingQuery): Promise<MarketplaceListing[]> {
    return ids.length ? this.db.prisma.marketplaceListing.findMany({ ...query, where: { id: { in: [...ids] } } }) : [];
  }

  /** Brokers by name. */
  listBrokers(_viewer: Principal, query: BrokerQuery) {
    return this.db.prisma.broker.findMany({ ...query, orderBy: [{ name: "asc" }, { id: "asc" }] });
  }

  countBrokers(_viewer: Principal): Promise<number> {
    return this.db.prisma.broker.count();
  }

  /** The viewer's own submissions, newest first. */
  ownSubmissions(viewer: Principal, status: SubmissionStatus | null | undefined, query: SubmissionQuery) {
    return this.db.prisma.submission.findMany({ ...query, where: { submitter: viewer.name, ...statusWhere(status) }, orderBy: [{ submittedAt: "desc" }, { id: "desc" }] });
  }

  countOwnSubmissions(viewer: Principal, status: SubmissionStatus | null | undefined): Promise<number> {
    return this.db.prisma.submission.count({ where: { submitter: viewer.name, ...statusWhere(status) } });
  }

  /** The moderation queue: every submission, oldest first. */
  reviewQueue(_viewer: Principal, status: SubmissionStatus | null | undefined, query: SubmissionQuery) {
    return this.db.prisma.submission.findMany({ ...query, where: statusWhere(status), orderBy: [{ submittedAt: "asc" }, { id: "asc" }] });
  }

  countReviewQueue(_viewer: Principal, status: SubmissionStatus | null | undefined): Promise<number> {
    return this.db.prisma.submission.count({ where: statusWhere(status) });
  }

  /** The audit trail, newest first. */
  auditEvents(_viewer: Principal, filter: AuditFilter | null | undefined, query: AuditEventQuery) {
    return this.db.prisma.auditEvent.findMany({ ...query, where: auditWhere(filter), orderBy: { id: "desc" } });
  }

  countAuditEvents(_viewer: Principal, filter: AuditFilter | null | undefined): Promise<number> {
    return this.db.prisma.auditEvent.count({ where: auditWhere(filter) });
  }
}
