// Inputs of the marketplace, validated at the edge: a bad value names the field and the rule.
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { ArtifactRef } from "../artifacts/schema.js";
import { parseLicense } from "./licenses.js";
import { isHttpUrl, isSemver, LISTING_NAME, LISTING_NAME_RULE, SEMVER_RULE, TAG, TAG_RULE } from "./rules.js";
import { BrokerKindEnum, SubmissionStatusEnum } from "./types.js";

const httpUrl = z.string().refine(isHttpUrl, "must be an http(s) URL of at most 2000 characters");
const short = (max: number) => z.string().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

export const ListingFilterInput = builder.inputType("ListingFilter", {
  description: "All given conditions must hold.",
  fields: (t) => ({
    tags: t.stringList({ description: "Listings carrying every one of these tags.", validate: z.array(short(64)).max(10, "must list at most 10 tags") }),
    license: t.string({ description: "An exact SPDX expression, e.g. MIT.", validate: short(100) }),
    publisher: t.string({ description: "Listings of this publisher (exact name).", validate: short(200) }),
    broker: t.string({ description: "Broker name.", validate: short(64) }),
    free: t.boolean({ description: "true: free listings only; false: priced ones only." }),
  }),
});

export const ListingOrderEnum = builder.enumType("ListingOrder", {
  description: "The order of listings.",
  values: {
    RELEVANCE: { description: "Best text match first (an exact name first of all); most downloaded when there is no query." },
    DOWNLOADS: { description: "Most downloaded first." },
    RATING: { description: "Best rated first, then most downloaded." },
    NEWEST: { description: "Most recently listed first." },
  } as const,
});

export const searchQuery = z.string().max(200, "must be at most 200 characters");

export const PublishListingInput = builder.inputType("PublishListingInput", {
  description: "A listing to submit for moderation.",
  fields: (t) => ({
    name: t.string({ required: true, description: LISTING_NAME_RULE, validate: z.string().regex(LISTING_NAME, LISTING_NAME_RULE) }),
    description: t.string({ required: true, description: "What it offers, 10–5000 characters.", validate: z.string().trim().min(10, "must be at least 10 characters").max(5000, "must be at most 5000 characters") }),
    version: t.string({ required: true, description: "Semantic version, e.g. 1.2.0.", validate: z.string().refine(isSemver, SEMVER_RULE) }),
    license: t.string({
      required: true,
      description: "SPDX licence expression, e.g. MIT or (MIT OR Apache-2.0).",
      validate: z.string().max(200, "must be at most 200 characters").superRefine((v, ctx) => {
        const parsed = parseLicense(v);
        if (!parsed.ok) ctx.addIssue({ code: "custom", message: `must be a valid SPDX licence expression (${parsed.reason})` });
      }),
    }),
    tags: t.stringList({
      description: "Up to 20 tags; lower-cased.",
      validate: z.array(z.string().trim().toLowerCase().regex(TAG, TAG_RULE)).max(20, "must list at most 20 tags"),
    }),
    artifactIds: t.globalIDList({ required: true, for: ArtifactRef, description: "The artifacts the listing contains (1–100), in order." }),
    homepage: t.string({ description: "The project's home page (http(s) URL).", validate: httpUrl }),
    repository: t.string({ description: "The source repository (http(s) URL).", validate: httpUrl }),
  }),
});

export const ReviewDecisionEnum = builder.enumType("ReviewDecision", {
  description: "A moderator's decision on a submission.",
  values: {
    APPROVE: { description: "Publish: creates or updates the LOCAL listing." },
    REJECT: { description: "Refuse; feedback required." },
    REQUEST_REVISION: { description: "Send back to the publisher; feedback required. They publish again with the changes." },
  } as const,
});

export const CreateBrokerInput = builder.inputType("CreateBrokerInput", {
  description: "A broker to add.",
  fields: (t) => ({
    name: t.string({ required: true, description: "Unique name: 1–64 lower-case letters, digits or hyphens.", validate: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "must be 1–64 lower-case letters, digits or hyphens") }),
    kind: t.field({ type: BrokerKindEnum, required: true, description: "What the broker speaks: LOCAL, HTTP_FEED, CLAUDE_MARKETPLACE or MCP_REGISTRY." }),
    url: t.string({
      description:
        "Required but for LOCAL. HTTP_FEED: the feed URL; MCP_REGISTRY: the registry's base URL (or its /v0/servers endpoint); CLAUDE_MARKETPLACE: a git repository (URL, or a local path under SKILLGRAPH_IMPORT_ROOTS) holding .claude-plugin/marketplace.json, or an http(s) URL of a marketplace.json.",
      validate: z.string().min(1, "must not be empty").max(2000, "must be at most 2000 characters"),
    }),
    enabled: t.boolean({ defaultValue: true, description: "False keeps it from syncing and from search." }),
    rateLimit: t.int({ description: "Feed requests per window (default 60).", validate: z.number().int().min(1, "must be at least 1").max(10_000, "must be at most 10000") }),
    rateWindowSeconds: t.int({ description: "The window, in seconds (default 60).", validate: z.number().int().min(1, "must be at least 1").max(86_400, "must be at most 86400") }),
  }),
});

export const AuditFilterInput = builder.inputType("AuditFilter", {
  description: "All given conditions must hold.",
  fields: (t) => ({
    eventType: t.string({ description: "Events of this type, e.g. SUBMISSION_REVIEWED.", validate: short(64) }),
    actor: t.string({ description: "Events by this actor (token name, or job:<id>).", validate: short(200) }),
    subject: t.string({ description: "e.g. submission:<id> or broker:<name>.", validate: short(200) }),
  }),
});

export { SubmissionStatusEnum };
