// GraphQL types of the marketplace.
import type { Context } from "../../graphql/context.js";
import { tracedLoad } from "../../graphql/loaders.js";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../../graphql/builder.js";
import { ErrorInterface } from "../../graphql/errors.js";
import type { Artifact } from "../../generated/prisma/client.js";
import { BrokerKind, ListingStatus, SubmissionStatus } from "../../generated/prisma/enums.js";
import { ArtifactRef, ArtifactTypeEnum } from "../artifacts/schema.js";
import { ConsentRequiredError, SubmissionStateError } from "./errors.js";
import { bundleOf } from "./install.js";
import { issuesOf, stringsOf } from "./publishing.js";

export const BrokerKindEnum = builder.enumType("BrokerKind", {
  description: "LOCAL: listings published here; HTTP_FEED: listings from a JSON feed at a URL; CLAUDE_MARKETPLACE: plugins of a Claude Code plugin marketplace; MCP_REGISTRY: servers of an MCP registry (/v0/servers).",
  values: {
    LOCAL: { value: BrokerKind.LOCAL, description: "Listings published on this server (publishListing), through moderation." },
    HTTP_FEED: { value: BrokerKind.HTTP_FEED, description: "Listings read from a JSON feed at a URL (syncBroker)." },
    CLAUDE_MARKETPLACE: { value: BrokerKind.CLAUDE_MARKETPLACE, description: "Each plugin of a Claude Code plugin marketplace (a git repository or URL with .claude-plugin/marketplace.json); installs the plugin's skills, commands and agents." },
    MCP_REGISTRY: { value: BrokerKind.MCP_REGISTRY, description: "Each server of an MCP registry (GET /v0/servers, cursor paging); installs into the MCP server registry, where a launch still needs an admin's approval." },
  } as const,
});
export const ListingStatusEnum = builder.enumType("ListingStatus", {
  description: "Whether a listing is offered.",
  values: {
    ACTIVE: { value: ListingStatus.ACTIVE, description: "Offered: found by search." },
    WITHDRAWN: { value: ListingStatus.WITHDRAWN, description: "No longer offered (gone from its feed, or withdrawn): kept, but not found by search." },
  } as const,
});
export const SubmissionStatusEnum = builder.enumType("SubmissionStatus", {
  description: "Where a submission is in moderation.",
  values: {
    PENDING: { value: SubmissionStatus.PENDING, description: "Waiting for a moderator." },
    IN_REVIEW: { value: SubmissionStatus.IN_REVIEW, description: "Taken by a moderator (startSubmissionReview)." },
    APPROVED: { value: SubmissionStatus.APPROVED, description: "Published: the LOCAL listing was created or updated." },
    REJECTED: { value: SubmissionStatus.REJECTED, description: "Refused, with feedback; final." },
    REVISION_REQUESTED: { value: SubmissionStatus.REVISION_REQUESTED, description: "Sent back with feedback; the publisher publishes again with the changes." },
  } as const,
});

export const BrokerRef = builder.prismaNode("Broker", {
  id: { field: "id" },
  nullable: true,
  description: "A source of marketplace listings.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The broker's unique name (lower-case letters, digits, hyphens)." }),
    kind: t.expose("kind", { type: BrokerKindEnum, description: "Where its listings come from." }),
    url: t.exposeString("url", { nullable: true, description: "The feed URL (HTTP_FEED)." }),
    enabled: t.exposeBoolean("enabled", { description: "False: not synced, and its listings are not searched." }),
    rateLimit: t.exposeInt("rateLimit", { description: "Feed requests allowed per window." }),
    rateWindowSeconds: t.int({ resolve: (b) => Math.round(b.rateWindowMs / 1000), description: "The rate limit's window." }),
    lastSyncedAt: t.expose("lastSyncedAt", { type: "DateTime", nullable: true, description: "When its last sync finished; null when never synced (always for LOCAL)." }),
    listingCount: t.relationCount("listings", { description: "Listings from this broker, withdrawn ones included." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was added." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed (a sync included)." }),
  }),
});

export const ListingArtifactRef = builder.prismaObject("ListingArtifact", {
  description: "One artifact a listing contains.",
  fields: (t) => ({
    position: t.exposeInt("position", { description: "0-based place in the listing." }),
    type: t.expose("type", { type: ArtifactTypeEnum, description: "The artifact's type." }),
    name: t.exposeString("name", { description: "The artifact's name." }),
    key: t.string({ description: "type:name", resolve: (a) => `${a.type.toLowerCase()}:${a.name}` }),
    artifact: t.loadable({
      type: ArtifactRef,
      nullable: true,
      description: "The local artifact (LOCAL listings), batched across a list; null for feed listings or once removed.",
      load: tracedLoad("Listing.artifact", async (ids: string[], ctx: Context) => {
        const rows = await ctx.services.artifacts.byIds(ids);
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id): Artifact | null => byId.get(id) ?? null);
      }),
      resolve: (a) => a.artifactId,
    }),
  }),
});

export const ListingRef = builder.prismaNode("MarketplaceListing", {
  id: { field: "id" },
  nullable: true,
  description: "A listing in the marketplace: a published bundle of artifacts.",
  fields: (t) => ({
    listingId: t.exposeString("listingId", { description: "The broker's own id for it (a LOCAL listing's is its name)." }),
    name: t.exposeString("name", { description: "The listing's name." }),
    publisher: t.exposeString("publisher", { description: "Who published it (a token name for LOCAL listings)." }),
    description: t.exposeString("description", { description: "What it offers, in the publisher's words." }),
    version: t.exposeString("version", { description: "Semantic version." }),
    license: t.exposeString("license", { description: "SPDX licence expression." }),
    tags: t.stringList({
      description: "Tags, lower-case, sorted.",
      select: { tags: { select: { tag: true }, orderBy: { tag: "asc" } } },
      resolve: (l) => l.tags.map((x) => x.tag),
    }),
    artifactCount: t.int({
      description: "How many artifacts it contains.",
      // Not t.relationCount: Prisma joins each listing to a GROUP BY over the whole ListingArtifact
      // table (~40 ms at 200,000 rows). This reads the listings' artifact positions through the
      // primary key, merged by Pothos into the query that loads the artifacts field (same
      // arguments), so it costs no statement of its own when the artifacts are asked for too.
      select: { artifacts: { select: { position: true }, orderBy: { position: "asc" } } },
      resolve: (l) => l.artifacts.length,
    }),
    artifacts: t.relation("artifacts", { description: "The artifacts it contains, in order.", query: { orderBy: { position: "asc" } } }),
    priceCents: t.exposeInt("priceCents", { description: "0 = free." }),
    free: t.boolean({ description: "True when priceCents is 0.", select: { priceCents: true }, resolve: (l) => l.priceCents === 0 }),
    sourceUrl: t.exposeString("sourceUrl", { nullable: true, description: "Where the listing came from on its broker, if known." }),
    bundleUrl: t.exposeString("bundleUrl", { nullable: true, description: "Where to download the bundle, if published: an http(s) URL, or for a LOCAL listing the path on this server (/marketplace/bundles/<name>)." }),
    homepage: t.exposeString("homepage", { nullable: true, description: "The project's home page." }),
    repository: t.exposeString("repository", { nullable: true, description: "The source repository." }),
    downloads: t.exposeInt("downloads", { description: "Downloads as the broker reports them." }),
    rating: t.exposeFloat("rating", { description: "0–5." }),
    signature: t.exposeString("signature", { nullable: true, description: "The bundle's signature, as published." }),
    bundleSha256: t.exposeString("bundleSha256", { nullable: true, description: "SHA-256 (hex) of the bundle (of the canonical server.json for an MCP registry server); installListing refuses content that differs." }),
    bundleSize: t.exposeInt("bundleSize", { nullable: true, description: "The bundle's size in bytes." }),
    signer: t.exposeString("signer", { nullable: true, description: "Fingerprint of the key that signed the bundle (see trustedKeys and signingKeys)." }),
    status: t.expose("status", { type: ListingStatusEnum, description: "ACTIVE listings are found by search; WITHDRAWN ones are not." }),
    withdrawnAt: t.expose("withdrawnAt", { type: "DateTime", nullable: true, description: "When it was withdrawn; null while active." }),
    broker: t.relation("broker", { description: "The broker it came from." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was first listed here." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
  }),
});

export const SubmissionIssueType = builder.simpleObject("SubmissionIssue", {
  description: "A problem found by validation: the input field and what is wrong.",
  fields: (t) => ({
    field: t.string({ description: "The input path, e.g. input.license." }),
    message: t.string({ description: "What is wrong, in a sentence." }),
  }),
});

export const SubmissionRef = builder.prismaNode("Submission", {
  id: { field: "id" },
  nullable: true,
  // Its publisher's and the moderators' business only, node(id) included.
  authScopes: (s, ctx) => (ctx.principal.kind !== "anonymous" && s.submitter === ctx.principal.name ? true : { admin: true }),
  description: "A request to publish or update a LOCAL listing, moderated by admins.",
  fields: (t) => ({
    submissionId: t.exposeID("id", { description: "The raw id (the global `id` is for node())." }),
    submitter: t.exposeString("submitter", { description: "The token name that submitted it." }),
    name: t.exposeString("name", { description: "The listing's name." }),
    description: t.exposeString("description", { description: "What it offers." }),
    version: t.exposeString("version", { description: "Semantic version." }),
    license: t.exposeString("license", { description: "SPDX licence expression." }),
    osiApproved: t.exposeBoolean("osiApproved", { description: "Whether the licence is OSI approved (an OR expression needs one approved branch)." }),
    homepage: t.exposeString("homepage", { nullable: true, description: "The project's home page." }),
    repository: t.exposeString("repository", { nullable: true, description: "The source repository." }),
    tags: t.stringList({ description: "Tags, lower-case.", resolve: (s) => stringsOf(s.tags) }),
    artifactIds: t.idList({ description: "The artifacts to publish, as global IDs, in order.", resolve: (s) => stringsOf(s.artifactIds).map((id) => encodeGlobalID("Artifact", id)) }),
    status: t.expose("status", { type: SubmissionStatusEnum, description: "Where it is in moderation." }),
    errors: t.field({ type: [SubmissionIssueType], description: "Problems that block approval.", resolve: (s) => issuesOf(s.errors) }),
    warnings: t.field({
      type: [SubmissionIssueType],
      description: "Concerns for the reviewer: licence not OSI approved, deprecated ids, copyleft artifacts in a permissive listing, artifacts with no licence.",
      resolve: (s) => issuesOf(s.warnings),
    }),
    feedback: t.exposeString("feedback", { nullable: true, description: "The reviewer's words to the publisher." }),
    reviewedBy: t.exposeString("reviewedBy", { nullable: true, description: "The admin who decided; null until reviewed." }),
    submittedAt: t.expose("submittedAt", { type: "DateTime", description: "When it was submitted." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
    reviewedAt: t.expose("reviewedAt", { type: "DateTime", nullable: true, description: "When it was decided; null until reviewed." }),
    listing: t.relation("listing", { nullable: true, description: "The listing, once approved." }),
    bundleSha256: t.string({ nullable: true, description: "SHA-256 of the signed bundle built when it was submitted (what approval publishes); null when its artifacts had no files.", resolve: (s) => bundleOf(s.bundle)?.sha256 ?? null }),
    signer: t.string({ nullable: true, description: "Fingerprint of the key that signed its bundle.", resolve: (s) => bundleOf(s.bundle)?.signer ?? null }),
  }),
});

export const AuditEventRef = builder.prismaNode("AuditEvent", {
  id: { field: "id" },
  nullable: true,
  authScopes: { admin: true },
  description: "One step of the marketplace's tamper-evident record (admin only).",
  fields: (t) => ({
    sequence: t.exposeInt("id", { description: "Position in the chain, from 1." }),
    eventType: t.exposeString("eventType", { description: "CONSENT_ACCEPTED, SUBMISSION_CREATED, LICENSE_VALIDATED, SUBMISSION_REVIEWED, BROKER_CREATED, BROKER_SYNCED or LISTING_INSTALLED." }),
    actor: t.exposeString("actor", { description: "Token name, or job:<id> for a job." }),
    subject: t.exposeString("subject", { description: "What it is about, e.g. submission:<id>, broker:<name>." }),
    details: t.expose("details", { type: "JSON", description: "What the event recorded (e.g. the decision and feedback of a review), as hashed; never secrets." }),
    at: t.expose("at", { type: "DateTime", description: "When it happened." }),
    previousHash: t.exposeString("previousHash", { description: "The previous event's eventHash; 64 zeros for the first." }),
    eventHash: t.exposeString("eventHash", { description: "sha256 of the canonical JSON of {eventType, actor, subject, details, at, previousHash}." }),
  }),
});

export const AuditVerificationType = builder.simpleObject("AuditVerification", {
  description: "The result of walking the audit chain.",
  fields: (t) => ({
    ok: t.boolean({ description: "Every event's hash and link hold." }),
    checked: t.int({ description: "Events checked, up to and including the first broken one." }),
    firstBroken: t.field({ type: AuditEventRef, nullable: true, description: "The first event whose hash or link does not hold." }),
    reason: t.string({ nullable: true, description: "Why the first broken event fails (hash or link); null when ok." }),
  }),
});

export const FacetCountType = builder.simpleObject("FacetCount", {
  description: "One value of a facet and how many listings carry it.",
  fields: (t) => ({ value: t.string({ description: "The tag, licence or publisher." }), count: t.int({ description: "Listings the search finds with it." }) }),
});

export const ListingFacetsType = builder.simpleObject("ListingFacets", {
  description: "Counts of the listings a search finds, by tag, licence and publisher (top 20 each, most first).",
  fields: (t) => ({
    total: t.int({ description: "Listings the search finds." }),
    tags: t.field({ type: [FacetCountType], description: "By tag." }),
    licenses: t.field({ type: [FacetCountType], description: "By SPDX licence expression." }),
    publishers: t.field({ type: [FacetCountType], description: "By publisher." }),
  }),
});

export const PublisherAgreementType = builder.simpleObject("PublisherAgreement", {
  description: "The current publisher agreement and whether the viewer has accepted it.",
  fields: (t) => ({
    version: t.string({ description: "The current agreement's version (pass it to acceptPublisherAgreement)." }),
    accepted: t.boolean({ description: "True when the viewer accepted this version; always false for anonymous callers." }),
    acceptedAt: t.field({ type: "DateTime", nullable: true, description: "When the viewer accepted it; null when not accepted." }),
  }),
});

builder.objectType(ConsentRequiredError, {
  name: "ConsentRequiredError",
  description: "Publishing needs the current publisher agreement accepted first (acceptPublisherAgreement). Nothing was written.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof ConsentRequiredError,
  fields: (t) => ({ requiredVersion: t.exposeString("requiredVersion", { description: "The agreement version to accept." }) }),
});

builder.objectType(SubmissionStateError, {
  name: "SubmissionStateError",
  description: "The submission's status does not allow the action (e.g. reviewing an approved one). Nothing changed.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof SubmissionStateError,
  fields: (t) => ({
    submissionId: t.id({ description: "The submission's global ID.", resolve: (e) => encodeGlobalID("Submission", e.submissionId) }),
    status: t.field({ type: SubmissionStatusEnum, description: "Its status, which does not allow the action.", resolve: (e) => e.status as SubmissionStatus }),
  }),
});
