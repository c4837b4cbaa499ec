// Ratings: queries and mutations (rating, community scores, match history, recompute).
import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import { changeErrors } from "../../graphql/errors.js";
import { ForbiddenError, NotFoundError, RateLimitExceededError } from "../../lib/errors.js";
import { JobRef } from "../jobs/schema.js";
import { ConfirmMatchInput, ImportCommunityScoresInput, RateArtifactInput, RecordMatchInput, UpdateRatingInput } from "./inputs.js";
import { ArtifactMatchRef, ArtifactScoresType, RatingRef, SharedRatingRef } from "./types.js";

builder.queryFields((t) => ({
  ratingsExport: t.prismaConnection({
    type: SharedRatingRef,
    cursor: "id",
    description:
      "Ratings as they would be shared with the community, oldest first, without who rated. " +
      "sharedOnly: false (every rating, shared or not) needs the admin scope.",
    args: { sharedOnly: t.arg.boolean({ defaultValue: true, description: "true: only ratings shared with the community; false (admin): every rating." }) },
    authScopes: (_root, args) => (args.sharedOnly === false ? { admin: true } : { read: true }),
    resolve: (query, _root, args, ctx) => ctx.services.ratings.export(ctx.principal, args.sharedOnly !== false, query),
    totalCount: (_c, args, ctx) => ctx.services.ratings.countExport(ctx.principal, args.sharedOnly !== false),
  }, connectionFor(SharedRatingRef, "SharedRating", "shared ratings")),
}));

const RateArtifactPayload = builder.simpleObject("RateArtifactPayload", {
  description: "The new rating and the artifact's scores after it.",
  fields: (t) => ({
    rating: t.field({ type: RatingRef, description: "The viewer's rating (a re-rating keeps its id)." }),
    scores: t.field({ type: ArtifactScoresType, description: "The artifact's scores with this rating counted." }),
  }),
});
const UpdateRatingPayload = builder.simpleObject("UpdateRatingPayload", {
  description: "The changed rating and the artifact's scores after it.",
  fields: (t) => ({
    rating: t.field({ type: RatingRef, description: "The rating after the change." }),
    scores: t.field({ type: ArtifactScoresType, description: "The artifact's scores after the change." }),
  }),
});
const DeleteRatingPayload = builder.simpleObject("DeleteRatingPayload", {
  description: "The result of deleteRating.",
  fields: (t) => ({
    deletedRatingId: t.id({ description: "Global ID of the rating that was deleted." }),
    scores: t.field({ type: ArtifactScoresType, description: "The artifact's scores after the deletion." }),
  }),
});
const ImportCommunityScoresPayload = builder.simpleObject("ImportCommunityScoresPayload", {
  description: "The result of importCommunityScores.",
  fields: (t) => ({
    imported: t.int({ description: "Rows inserted or updated." }),
    artifactCount: t.int({ description: "Distinct artifacts the rows touched." }),
  }),
});
const RecordMatchPayload = builder.simpleObject("RecordMatchPayload", {
  description: "The result of recordMatch.",
  fields: (t) => ({ match: t.field({ type: ArtifactMatchRef, description: "The recorded match, not yet confirmed." }) }),
});
const ConfirmMatchPayload = builder.simpleObject("ConfirmMatchPayload", {
  description: "The result of confirmMatch.",
  fields: (t) => ({
    match: t.field({ type: ArtifactMatchRef, description: "The match with its verdict." }),
    scores: t.field({ type: ArtifactScoresType, description: "The artifact's scores with the verdict counted." }),
  }),
});
builder.mutationFields((t) => ({
  rateArtifact: t.field({
    type: RateArtifactPayload,
    description:
      "Rates an artifact 1–5. A viewer has one rating per artifact: rating it again replaces that rating (same id). " +
      "Each viewer may rate the same artifact at most 5 times in any rolling 24 hours, replacements included " +
      "(deleting a rating does not give the attempt back); the sixth returns RateLimitExceededError and writes nothing.",
    errors: { types: [...changeErrors, RateLimitExceededError], directResult: true },
    args: { input: t.arg({ type: RateArtifactInput, required: true, description: "The artifact, the rating and optional feedback." }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.ratings.rate(ctx.principal, {
        artifactId: input.artifactId.id,
        rating: input.rating,
        feedback: input.feedback,
        shareWithCommunity: input.shareWithCommunity,
      }),
  }),
  updateRating: t.field({
    type: UpdateRatingPayload,
    description: "Changes one of the viewer's own ratings (ForbiddenError for anyone else's).",
    errors: { types: [...changeErrors, ForbiddenError], directResult: true },
    args: { input: t.arg({ type: UpdateRatingInput, required: true, description: "The rating and the fields to change." }) },
    resolve: (_root, { input }, ctx) => {
      const { id, ...patch } = input;
      return ctx.services.ratings.updateRating(ctx.principal, id.id, patch);
    },
  }),
  deleteRating: t.field({
    type: DeleteRatingPayload,
    description: "Deletes one of the viewer's own ratings (ForbiddenError for anyone else's).",
    errors: { types: [NotFoundError, ForbiddenError], directResult: true },
    args: { id: t.arg.globalID({ required: true, for: RatingRef, description: "The rating's global ID (one of the viewer's own)." }) },
    resolve: async (_root, args, ctx) => {
      const { rating, scores } = await ctx.services.ratings.deleteRating(ctx.principal, args.id.id);
      return { deletedRatingId: encodeGlobalID("Rating", rating.id), scores };
    },
  }),
  importCommunityScores: t.field({
    type: ImportCommunityScoresPayload,
    description:
      "Admin: upserts community scores, one per (artifact, source), in one transaction (up to 10,000 rows; all or nothing). " +
      "Signals decay 5% per month since lastUpdated, never below 0.4 of the original.",
    authScopes: { admin: true },
    errors: { types: changeErrors, directResult: true },
    args: { input: t.arg({ type: ImportCommunityScoresInput, required: true, description: "The batch of scores and where it came from." }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.ratings.community.import(
        input.rows.map((r) => ({ artifactId: r.artifactId.id, source: r.source.trim(), score: r.score, lastUpdated: r.lastUpdated })),
        input.importedFrom.trim(),
      ),
  }),
  recordMatch: t.field({
    type: RecordMatchPayload,
    description: "Records that a search query matched an artifact with a confidence (0–1); confirm it later with confirmMatch.",
    errors: { types: changeErrors, directResult: true },
    args: { input: t.arg({ type: RecordMatchInput, required: true, description: "The query, the artifact it matched and the confidence." }) },
    resolve: async (_root, { input }, ctx) => ({
      match: await ctx.services.ratings.matches.record(ctx.principal, {
        query: input.query,
        artifactId: input.artifactId.id,
        confidence: input.confidence,
      }),
    }),
  }),
  confirmMatch: t.field({
    type: ConfirmMatchPayload,
    description: "Confirms (true) or rejects (false) a recorded match; may be called again to change the answer.",
    errors: { types: changeErrors, directResult: true },
    args: { input: t.arg({ type: ConfirmMatchInput, required: true, description: "The match and whether it was right." }) },
    resolve: (_root, { input }, ctx) => ctx.services.ratings.matches.confirm(input.id.id, input.confirmed),
  }),
  recomputeScores: t.field({
    type: JobRef,
    description:
      "Admin: starts a scores.recompute job that rebuilds every artifact's score aggregate and quality sort key from the " +
      "ratings and matches, and prunes expired rate-limit entries. Watch it with jobUpdated; its result is { artifactCount, ratingCount }.",
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => ctx.services.jobs.enqueue("scores.recompute", {}, ctx.principal),
  }),
}));
