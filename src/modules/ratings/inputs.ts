// Inputs of the ratings domain, validated at the edge: a bad value names the field and the rule.
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { ArtifactRef } from "../artifacts/schema.js";
import { MAX_FEEDBACK, MAX_IMPORT_ROWS } from "./rules.js";
import { ArtifactMatchRef, RatingRef } from "./types.js";

const rating = z.number().int("must be a whole number from 1 to 5").min(1, "must be from 1 to 5").max(5, "must be from 1 to 5");
const feedback = z.string().max(MAX_FEEDBACK, `must be at most ${MAX_FEEDBACK} characters`);

export const RateArtifactInput = builder.inputType("RateArtifactInput", {
  description: "A rating of an artifact by the viewer.",
  fields: (t) => ({
    artifactId: t.globalID({ required: true, for: ArtifactRef, description: "The artifact's global ID." }),
    rating: t.int({ required: true, description: "1–5.", validate: rating }),
    feedback: t.string({ description: `At most ${MAX_FEEDBACK} characters.`, validate: feedback }),
    shareWithCommunity: t.boolean({ defaultValue: false, description: "Include it in ratingsExport (without who rated)." }),
  }),
});

export const UpdateRatingInput = builder.inputType("UpdateRatingInput", {
  description: "Only the fields given change; feedback: null clears it.",
  fields: (t) => ({
    id: t.globalID({ required: true, for: RatingRef, description: "The rating's global ID (one of the viewer's own)." }),
    rating: t.int({ description: "A new rating, 1–5.", validate: rating }),
    feedback: t.string({ description: `New feedback, at most ${MAX_FEEDBACK} characters; null clears it.`, validate: feedback }),
    shareWithCommunity: t.boolean({ description: "Whether it is included in ratingsExport (without who rated)." }),
  }),
});

export const CommunityScoreInput = builder.inputType("CommunityScoreInput", {
  description: "One community signal for one artifact.",
  fields: (t) => ({
    artifactId: t.globalID({ required: true, for: ArtifactRef, description: "The artifact's global ID." }),
    source: t.string({
      required: true,
      description: "Where the signal comes from, e.g. github-stars; one score per artifact and source.",
      validate: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
    }),
    score: t.float({ required: true, description: "0–100.", validate: z.number().min(0, "must be from 0 to 100").max(100, "must be from 0 to 100") }),
    lastUpdated: t.field({ type: "DateTime", required: true, description: "When the source measured it; decay runs from here." }),
  }),
});

export const ImportCommunityScoresInput = builder.inputType("ImportCommunityScoresInput", {
  description: `Up to ${MAX_IMPORT_ROWS} rows, upserted in one transaction; send them as variables (the query text has a token limit).`,
  fields: (t) => ({
    importedFrom: t.string({
      required: true,
      description: "Where the batch came from (a feed or file name); kept on every row.",
      validate: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
    }),
    rows: t.field({
      type: [CommunityScoreInput],
      required: true,
      description: `The scores, at most ${MAX_IMPORT_ROWS}.`,
      validate: z.array(z.unknown()).max(MAX_IMPORT_ROWS, `must have at most ${MAX_IMPORT_ROWS} rows`),
    }),
  }),
});

export const RecordMatchInput = builder.inputType("RecordMatchInput", {
  description: "A search query that matched an artifact.",
  fields: (t) => ({
    query: t.string({
      required: true,
      description: "The search text that was matched.",
      validate: z.string().trim().min(1, "must not be empty").max(500, "must be at most 500 characters"),
    }),
    artifactId: t.globalID({ required: true, for: ArtifactRef, description: "The matched artifact's global ID." }),
    confidence: t.float({ required: true, description: "0–1.", validate: z.number().min(0, "must be from 0 to 1").max(1, "must be from 0 to 1") }),
  }),
});

export const ConfirmMatchInput = builder.inputType("ConfirmMatchInput", {
  description: "The verdict on a recorded match.",
  fields: (t) => ({
    id: t.globalID({ required: true, for: ArtifactMatchRef, description: "The match's global ID (recordMatch)." }),
    confirmed: t.boolean({ required: true, description: "True when the match was right, false when it was wrong." }),
  }),
});
