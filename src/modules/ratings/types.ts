// GraphQL types of the ratings domain: Rating, ArtifactMatch, ArtifactScores and the fields they
// add to Artifact. Scores come from a per-request loader: one statement for any number of artifacts.
import { createContextCache } from "@pothos/core";
import { tracedLoader } from "../../graphql/loaders.js";
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import { fieldNeeds } from "../../graphql/selection.js";
import type { Context } from "../../graphql/context.js";
import { artifactKey } from "../artifacts/index.js";
import type { ArtifactScores, ScoreData } from "./aggregates.js";
import { raterOf } from "./service.js";
import { CONFIDENCE_WEIGHTS, PRIOR_WEIGHT, TRUST_PRIORS, WEIGHTS } from "./scoring.js";

/** Per-request: batches the score inputs of every artifact resolved in one tick. */
const scoreLoader = createContextCache(
  // The batch limit keeps one statement's parameters far below SQLite's and PostgreSQL's caps.
  (ctx: Context) => tracedLoader<string, ScoreData>("Artifact.scores", (ids) => ctx.services.ratings.scoreData(ids), { maxBatchSize: 5000 }),
);

export const TrustTierEnum = builder.enumType("TrustTier", {
  description: `Where trust starts before any rating: official ${TRUST_PRIORS.official}, verified ${TRUST_PRIORS.verified}, GitHub ${TRUST_PRIORS.github}, local ${TRUST_PRIORS.local}, unknown ${TRUST_PRIORS.unknown}.`,
  values: {
    OFFICIAL: { value: "official", description: "From an official publisher (GitHub owner anthropics)." },
    VERIFIED: { value: "verified", description: "A verified marketplace listing." },
    GITHUB: { value: "github", description: "From a GitHub repository." },
    LOCAL: { value: "local", description: "Made locally." },
    UNKNOWN: { value: "unknown", description: "Anything else (e.g. an unverified marketplace listing)." },
  } as const,
});

const ScoreComponentNameEnum = builder.enumType("ScoreComponentName", {
  description: "The parts the quality score is a weighted sum of.",
  values: {
    USER_RATING: { value: "userRating", description: `Bayesian average of the ratings, weight ${WEIGHTS.userRating}.` },
    COMMUNITY: { value: "community", description: `Mean of the decayed community signals, weight ${WEIGHTS.community}.` },
    MAINTENANCE: { value: "maintenance", description: `Upstream activity of a git-imported artifact (recency of its last commit, commits in 90 days), weight ${WEIGHTS.maintenance} (prior 50 without a successful upstream check).` },
    COMPATIBILITY: { value: "compatibility", description: `Share of the deploy targets (projects) where the artifact's last deploy fit (type and declared tools allowed there, no error), weight ${WEIGHTS.compatibility} (prior 50 before any deploy).` },
  } as const,
});

export const ScoreComponentType = builder.simpleObject("ScoreComponent", {
  description: "One weighted part of the quality score.",
  fields: (t) => ({
    name: t.field({ type: ScoreComponentNameEnum, description: "Which part." }),
    weight: t.float({ description: "Its share of the quality score (the weights add up to 1)." }),
    value: t.float({ description: "0–100." }),
    isPrior: t.boolean({ description: "True when there is no data yet and the value is the prior." }),
  }),
});

export const UserRatingSummaryType = builder.simpleObject("UserRatingSummary", {
  description: "The artifact's ratings in numbers.",
  fields: (t) => ({
    average: t.float({ nullable: true, description: "Plain mean of the 1–5 ratings; null when there are none." }),
    count: t.int({ description: "How many ratings there are." }),
    bayesian: t.float({
      description: `The 0–100 value used in the quality score: (${PRIOR_WEIGHT}·50 + Σ (r − 1)·25) / (${PRIOR_WEIGHT} + count).`,
    }),
  }),
});

export const ArtifactScoresType = builder.objectRef<ArtifactScores>("ArtifactScores").implement({
  description:
    "How much to trust an artifact, served from aggregates kept on every write. Every score is 0–100; " +
    "missing data uses priors, never zeros.",
  fields: (t) => ({
    qualityScore: t.exposeFloat("qualityScore", {
      description:
        `${WEIGHTS.userRating}·userRating + ${WEIGHTS.community}·community + ${WEIGHTS.maintenance}·maintenance + ${WEIGHTS.compatibility}·compatibility ` +
        "(see components). No data at all gives 50.",
    }),
    trustScore: t.exposeFloat("trustScore", {
      description: `Trust prior P by origin (see trustTier) moved by the ratings: (${PRIOR_WEIGHT}·P + Σ (r − 1)·25) / (${PRIOR_WEIGHT} + count).`,
    }),
    trustTier: t.expose("trustTier", { type: TrustTierEnum, description: "Which trust prior applies." }),
    confidence: t.exposeFloat("confidence", {
      description:
        `${CONFIDENCE_WEIGHTS.withMatch.trust}·trust + ${CONFIDENCE_WEIGHTS.withMatch.quality}·quality + ${CONFIDENCE_WEIGHTS.withMatch.match}·match; ` +
        `without a match score ${CONFIDENCE_WEIGHTS.withoutMatch.trust}·trust + ${CONFIDENCE_WEIGHTS.withoutMatch.quality}·quality.`,
    }),
    matchScore: t.exposeFloat("matchScore", {
      nullable: true,
      description: "100 × (sum of the confidence of confirmed matches) / (matches confirmed or rejected); null when none is resolved.",
    }),
    userRating: t.field({ type: UserRatingSummaryType, description: "Count, mean and Bayesian value of the 1–5 ratings.", resolve: (s) => s.userRating }),
    communityScore: t.exposeFloat("communityScore", {
      description: "Mean over sources of score × max(0.4, 0.95^months since lastUpdated), months of 30 days; 50 with no source.",
    }),
    maintenanceScore: t.exposeFloat("maintenanceScore", { description: "From upstream activity for git-imported artifacts with a successful upstream check (see the README formula); 50 (prior) otherwise." }),
    compatibilityScore: t.exposeFloat("compatibilityScore", { description: "100 × the deploy targets (projects) where the artifact's last deploy fit (its type has a folder there, no declared tool is denied by the target's settings, no deploy error) ÷ the targets it was deployed to (see the README formula); 50 (prior) before any deploy." }),
    components: t.field({ type: [ScoreComponentType], description: "The weighted parts of the quality score.", resolve: (s) => s.components }),
    schemaVersion: t.exposeString("schemaVersion", { description: 'Version of these formulas: "1".' }),
    lastUpdated: t.field({
      type: "DateTime",
      nullable: true,
      description: "When a rating, match or community signal last changed; null when nothing was ever recorded.",
      resolve: (s) => s.lastUpdated,
    }),
  }),
});

export const RatingRef = builder.prismaNode("Rating", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  description: "One viewer's 1–5 rating of an artifact. Who rated is never shown; `mine` says whether it is the viewer's.",
  fields: (t) => ({
    rating: t.exposeInt("rating", { description: "1–5." }),
    feedback: t.exposeString("feedback", { nullable: true, description: "The rater's words, if any." }),
    shareWithCommunity: t.exposeBoolean("shareWithCommunity", { description: "Included in ratingsExport (without who rated)." }),
    mine: t.boolean({ description: "True when the viewer gave this rating.", resolve: (r, _args, ctx) => r.raterId === raterOf(ctx.principal) }),
    artifact: t.relation("artifact", { description: "The rated artifact." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was first given." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it was last replaced or edited." }),
  }),
});

export const SharedRatingRef = builder.prismaObject("Rating", {
  variant: "SharedRating",
  description: "A rating as shared with the community: no id of the rater, no link back to them.",
  fields: (t) => ({
    artifactKey: t.string({
      description: "type:name of the rated artifact.",
      select: { artifact: { select: { type: true, name: true } } },
      resolve: (r) => artifactKey(r.artifact.type, r.artifact.name),
    }),
    artifact: t.relation("artifact", { description: "The rated artifact." }),
    rating: t.exposeInt("rating", { description: "1–5." }),
    feedback: t.exposeString("feedback", { nullable: true, description: "The rater's words, if any." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was given." }),
  }),
});

export const ArtifactMatchRef = builder.prismaNode("ArtifactMatch", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  description: "A search query matched to an artifact; confirming or rejecting it feeds the artifact's match score.",
  fields: (t) => ({
    query: t.exposeString("query", { description: "The search query that matched." }),
    confidence: t.exposeFloat("confidence", { description: "The matcher's confidence, 0–1." }),
    confirmed: t.exposeBoolean("confirmed", { nullable: true, description: "Null until confirmed (true) or rejected (false)." }),
    artifact: t.relation("artifact", { description: "The matched artifact." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the match was recorded." }),
    confirmedAt: t.expose("confirmedAt", { type: "DateTime", nullable: true, description: "When it was confirmed or rejected; null until then." }),
  }),
});

const RatingConnection = connectionFor(RatingRef, "Rating", "ratings");
const ArtifactMatchConnection = connectionFor(ArtifactMatchRef, "ArtifactMatch", "matches");

fieldNeeds("Artifact", { scores: ["origin", "sourceOwner"], ratings: [], matches: [] });
builder.prismaObjectFields("Artifact", (t) => ({
  scores: t.field({
    type: ArtifactScoresType,
    description: "Quality, trust and confidence, with the breakdown. Served from aggregates; batched across lists.",
    resolve: async (a, _args, ctx) => ctx.services.ratings.compute(a, await scoreLoader(ctx).load(a.id)),
  }),
  ratings: t.relatedConnection("ratings", {
    cursor: "id",
    description: "Ratings of the artifact, newest first.",
    query: { orderBy: [{ createdAt: "desc" }, { id: "desc" }] },
    totalCount: true,
  }, RatingConnection),
  matches: t.relatedConnection("matches", {
    cursor: "id",
    description: "Recorded matches of search queries to the artifact, newest first.",
    query: { orderBy: [{ createdAt: "desc" }, { id: "desc" }] },
    totalCount: true,
  }, ArtifactMatchConnection),
}));
