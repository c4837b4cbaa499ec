// The marketplace's GraphQL entry: listing search and facets, publishing and moderation, brokers
// and sync, audit. Its types and inputs (types.ts, inputs.ts) register with the imports below.
// Resolvers ask the marketplace service for everything, reads included.
import { queryFromInfo } from "@pothos/plugin-prisma";
import { GraphQLError } from "graphql";
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import { AlreadyExistsError, ForbiddenError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { JobRef } from "../jobs/schema.js";
import { ConsentRequiredError, SubmissionStateError } from "./errors.js";
import { AuditFilterInput, CreateBrokerInput, ListingFilterInput, ListingOrderEnum, PublishListingInput, ReviewDecisionEnum, searchQuery } from "./inputs.js";
import { PUBLISHER_AGREEMENT_VERSION } from "./publishing.js";
import type { ListingQuery } from "./service.js";
import { AuditEventRef, AuditVerificationType, BrokerRef, ListingFacetsType, ListingRef, PublisherAgreementType, SubmissionRef, SubmissionStatusEnum } from "./types.js";

export { AuditEventRef, BrokerKindEnum, BrokerRef, ListingArtifactRef, ListingRef, ListingStatusEnum, SubmissionRef, SubmissionStatusEnum } from "./types.js";
export { ListingFilterInput, ListingOrderEnum } from "./inputs.js";
import "./mutations.js";

export const ListingConnection = connectionFor(ListingRef, "MarketplaceListing", "listings");
export const BrokerConnection = connectionFor(BrokerRef, "Broker", "brokers");
export const SubmissionConnection = connectionFor(SubmissionRef, "Submission", "submissions");
export const AuditEventConnection = connectionFor(AuditEventRef, "AuditEvent", "audit events");

builder.queryFields((t) => ({
  listings: t.connection(
    {
      type: ListingRef,
      description:
        "Active listings: full-text search over name, description and tags (words match as prefixes, all must match), filtered, ordered (RELEVANCE unless told). Pages forward only, with stable cursors.",
      args: {
        query: t.arg.string({ description: "Words to find (up to 200 characters); all listings when omitted.", validate: searchQuery }),
        filter: t.arg({ type: ListingFilterInput, description: "Only listings matching every condition given." }),
        orderBy: t.arg({ type: ListingOrderEnum, defaultValue: "RELEVANCE", description: "Sort order." }),
      },
      resolve: async (_root, args, ctx, info) => {
        if (args.last != null || args.before != null) {
          throw new GraphQLError("listings pages forward only: use first and after.", { extensions: { code: "BAD_USER_INPUT", field: args.last != null ? "last" : "before" } });
        }
        const first = args.first ?? 20;
        const query = queryFromInfo({ context: ctx, info, typeName: "MarketplaceListing", path: ["edges", "node"] }) as ListingQuery;
        const page = await ctx.services.marketplace
          .searchListings(ctx.principal, { query: args.query, filter: args.filter, orderBy: args.orderBy, first, after: args.after }, query)
          .catch((err: unknown) => {
            // A query field has no error union: a bad cursor is a client error, not a masked one.
            if (err instanceof InvalidInputError) throw new GraphQLError(err.message, { extensions: { code: "BAD_USER_INPUT", field: err.field } });
            throw err;
          });
        const { edges } = page;
        const connection = {
          edges,
          pageInfo: {
            hasNextPage: page.hasNextPage,
            hasPreviousPage: args.after != null,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
        const { total } = page;
        // Counted only when a client selects totalCount, from the search the page came from.
        return { ...connection, totalCount: () => (total === undefined ? ctx.services.marketplace.countListings(ctx.principal, args.query, args.filter) : total) };
      },
    },
    ListingConnection,
  ),
  listingFacets: t.field({
    type: ListingFacetsType,
    description: "Counts by tag, licence and publisher of the listings that listings(query, filter) finds.",
    args: {
      query: t.arg.string({ description: "Words to find, as in listings.", validate: searchQuery }),
      filter: t.arg({ type: ListingFilterInput, description: "Conditions, as in listings." }),
    },
    resolve: (_root, args, ctx) => ctx.services.marketplace.listingFacets(ctx.principal, args.query, args.filter),
  }),
  brokers: t.prismaConnection({
    type: "Broker",
    cursor: "id",
    description: "Brokers, by name.",
    resolve: (query, _root, _args, ctx) => ctx.services.marketplace.listBrokers(ctx.principal, query),
    totalCount: (_c, _a, ctx) => ctx.services.marketplace.countBrokers(ctx.principal),
  }, BrokerConnection),
  publisherAgreement: t.field({
    type: PublisherAgreementType,
    description: "The current publisher agreement and whether the viewer has accepted it.",
    resolve: async (_root, _args, ctx) => {
      const consent = ctx.principal.kind === "anonymous" ? null : await ctx.services.marketplace.consentOf(ctx.principal);
      return { version: PUBLISHER_AGREEMENT_VERSION, accepted: consent !== null, acceptedAt: consent?.acceptedAt ?? null };
    },
  }),
  mySubmissions: t.prismaConnection({
    type: "Submission",
    cursor: "id",
    authScopes: { write: true },
    description: "The viewer's own submissions, newest first (needs `write`).",
    args: { status: t.arg({ type: SubmissionStatusEnum, description: "Only submissions in this status." }) },
    resolve: (query, _root, args, ctx) => ctx.services.marketplace.ownSubmissions(ctx.principal, args.status, query),
    totalCount: (_c, args, ctx) => ctx.services.marketplace.countOwnSubmissions(ctx.principal, args.status),
  }, SubmissionConnection),
  submissions: t.prismaConnection({
    type: "Submission",
    cursor: "id",
    authScopes: { admin: true },
    description: "The moderation queue (admin): submissions, oldest first, by status when given.",
    args: { status: t.arg({ type: SubmissionStatusEnum, description: "Only submissions in this status (all when omitted)." }) },
    resolve: (query, _root, args, ctx) => ctx.services.marketplace.reviewQueue(ctx.principal, args.status, query),
    totalCount: (_c, args, ctx) => ctx.services.marketplace.countReviewQueue(ctx.principal, args.status),
  }, SubmissionConnection),
  auditLog: t.prismaConnection({
    type: "AuditEvent",
    cursor: "id",
    authScopes: { admin: true },
    description: "The marketplace audit trail (admin), newest first.",
    args: { filter: t.arg({ type: AuditFilterInput, description: "Only events matching every condition given." }) },
    resolve: (query, _root, args, ctx) => ctx.services.marketplace.auditEvents(ctx.principal, args.filter, query),
    totalCount: (_c, args, ctx) => ctx.services.marketplace.countAuditEvents(ctx.principal, args.filter),
  }, AuditEventConnection),
  verifyAuditLog: t.field({
    type: AuditVerificationType,
    authScopes: { admin: true },
    description: "Walks the audit chain from the first event, recomputing every hash, and reports the first broken link (admin).",
    resolve: (_root, _args, ctx) => ctx.services.marketplace.verifyAuditLog(),
  }),
}));

const AcceptPublisherAgreementPayload = builder.simpleObject("AcceptPublisherAgreementPayload", {
  description: "The result of acceptPublisherAgreement.",
  fields: (t) => ({ agreement: t.field({ type: PublisherAgreementType, description: "The agreement, now accepted." }) }),
});
const PublishListingPayload = builder.simpleObject("PublishListingPayload", {
  description: "The result of publishListing.",
  fields: (t) => ({ submission: t.field({ type: SubmissionRef, description: "The new submission (PENDING), with any warnings." }) }),
});
const ReviewSubmissionPayload = builder.simpleObject("ReviewSubmissionPayload", {
  description: "The result of startSubmissionReview or reviewSubmission.",
  fields: (t) => ({ submission: t.field({ type: SubmissionRef, description: "The submission in its new status." }) }),
});
const CreateBrokerPayload = builder.simpleObject("CreateBrokerPayload", {
  description: "The result of createBroker.",
  fields: (t) => ({ broker: t.field({ type: BrokerRef, description: "The new broker." }) }),
});
const SyncBrokerPayload = builder.simpleObject("SyncBrokerPayload", {
  description: "The result of syncBroker.",
  fields: (t) => ({ job: t.field({ type: JobRef, description: "The marketplace.sync job; follow it with jobUpdated." }) }),
});

builder.mutationFields((t) => ({
  acceptPublisherAgreement: t.field({
    type: AcceptPublisherAgreementPayload,
    description: "Accepts the publisher agreement `version` (must be the current one). Recorded once per viewer and version.",
    errors: { types: [InvalidInputError], directResult: true },
    args: { version: t.arg.string({ required: true, description: "The version accepted (publisherAgreement.version)." }) },
    resolve: async (_root, args, ctx) => {
      const consent = await ctx.services.marketplace.acceptAgreement(ctx.principal, args.version);
      return { agreement: { version: consent.version, accepted: true, acceptedAt: consent.acceptedAt } };
    },
  }),
  publishListing: t.field({
    type: PublishListingPayload,
    description:
      "Submits a listing for moderation, with a signed bundle of the artifacts' current files built now (what approval publishes at bundleUrl). Rules (name, semver, SPDX licence, artifacts exist, name not another publisher's, agreement accepted) are errors and nothing is written; licence concerns are warnings on the submission.",
    errors: { types: [InvalidInputError, NotFoundError, AlreadyExistsError, ConsentRequiredError], directResult: true },
    args: { input: t.arg({ type: PublishListingInput, required: true, description: "The listing." }) },
    resolve: async (_root, { input }, ctx) => ({
      submission: await ctx.services.marketplace.publish(ctx.principal, { ...input, artifactIds: input.artifactIds.map((g) => g.id) }),
    }),
  }),
  startSubmissionReview: t.field({
    type: ReviewSubmissionPayload,
    authScopes: { admin: true },
    description: "Takes a PENDING submission into review (IN_REVIEW), so other moderators see it is taken (admin).",
    errors: { types: [NotFoundError, SubmissionStateError], directResult: true },
    args: { id: t.arg.globalID({ required: true, for: SubmissionRef, description: "The submission's global ID." }) },
    resolve: async (_root, args, ctx) => ({ submission: await ctx.services.marketplace.startReview(ctx.principal, args.id.id) }),
  }),
  reviewSubmission: t.field({
    type: ReviewSubmissionPayload,
    authScopes: { admin: true },
    description:
      "Decides a PENDING or IN_REVIEW submission (admin). APPROVE creates or updates the LOCAL listing (AlreadyExistsError when another publisher's submission of the name was approved first); REJECT and REQUEST_REVISION need feedback.",
    errors: { types: [NotFoundError, InvalidInputError, SubmissionStateError, AlreadyExistsError], directResult: true },
    args: {
      id: t.arg.globalID({ required: true, for: SubmissionRef, description: "The submission's global ID." }),
      decision: t.arg({ type: ReviewDecisionEnum, required: true, description: "Approve, reject or request a revision." }),
      feedback: t.arg.string({ description: "Words to the publisher (up to 5000 characters); required to reject or request a revision.", validate: z.string().max(5000, "must be at most 5000 characters") }),
    },
    resolve: async (_root, args, ctx) => ({
      submission: await ctx.services.marketplace.review(ctx.principal, args.id.id, args.decision, args.feedback),
    }),
  }),
  createBroker: t.field({
    type: CreateBrokerPayload,
    authScopes: { admin: true },
    description: "Adds a broker (admin).",
    errors: { types: [AlreadyExistsError, InvalidInputError], directResult: true },
    args: { input: t.arg({ type: CreateBrokerInput, required: true, description: "The broker." }) },
    resolve: async (_root, { input }, ctx) => ({ broker: await ctx.services.marketplace.createBroker(ctx.principal, input) }),
  }),
  syncBroker: t.field({
    type: SyncBrokerPayload,
    authScopes: { admin: true },
    description: "Starts a marketplace.sync job for an HTTP_FEED broker (admin): fetches its feed page by page and brings its listings in step.",
    errors: { types: [NotFoundError, InvalidInputError, ForbiddenError], directResult: true },
    args: { name: t.arg.string({ required: true, description: "The broker's name.", validate: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters") }) },
    resolve: async (_root, args, ctx) => {
      const broker = await ctx.services.marketplace.syncableBroker(args.name);
      const job = await ctx.services.jobs.enqueue("marketplace.sync", { broker: broker.name }, ctx.principal, "name");
      return { job };
    },
  }),
}));
