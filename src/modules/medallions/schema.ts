// Medallions: scope queries, one by id, and the writes (checkpointSession, create, update, status).
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import { writeErrors } from "../../graphql/errors.js";
import {
  checkpointSchema,
  createMedallionSchema,
  MEDALLION_ID,
  MEDALLION_STATUSES,
  medallionContentSchema,
  queryScopeSchema,
} from "./document.js";
import { CheckpointSessionInput, CreateMedallionInput, MedallionContentInput, MedallionScopeInput } from "./inputs.js";
import { MedallionRef, MedallionStatusEnum } from "./types.js";

const medallionId = z.string().regex(MEDALLION_ID, "must be med- followed by 12 lower-case hex digits");
const statuses = z
  .array(z.enum(MEDALLION_STATUSES))
  .min(1, "must list at least one status (omit it for ACTIVE only)")
  .nullish();

builder.queryFields((t) => ({
  medallions: t.prismaConnection({
    type: "Medallion",
    cursor: "id",
    description:
      "Medallions for part of the code graph, newest updatedAt first. One matches when every requested graph node is in its scope and, if tags are requested, it shares at least one. No scope lists all. Only ACTIVE ones unless `status` says otherwise.",
    args: {
      scope: t.arg({
        type: MedallionScopeInput,
        description: "At least one graph node or tag; omit to list all.",
        validate: queryScopeSchema,
      }),
      status: t.arg({
        type: [MedallionStatusEnum],
        description: "Which statuses to include (default ACTIVE). A single value is accepted too: status: STALE.",
        validate: statuses,
      }),
    },
    // The page's ids come from the scope SQL (node/tag tables first); the rows by id.
    resolve: async (query, _root, args, ctx) => {
      const { take, skip, cursor, ...selection } = query;
      const ids = await ctx.services.medallions.pageIds(args.scope, args.status, { take, skip, cursorId: cursor?.id });
      return ctx.services.medallions.rows(ids, selection);
    },
    totalCount: (_conn, args, ctx) => ctx.services.medallions.countMatches(args.scope, args.status),
  }, connectionFor(MedallionRef, "Medallion", "medallions")),
  medallion: t.prismaField({
    type: "Medallion",
    nullable: true,
    description: "One medallion by its medallionId (med-…); null when there is none.",
    args: { medallionId: t.arg.string({ required: true, description: "med- followed by 12 lower-case hex digits.", validate: medallionId }) },
    resolve: (query, _root, args, ctx) => ctx.services.medallions.get(args.medallionId, query),
  }),
}));

const CheckpointSessionPayload = builder.simpleObject("CheckpointSessionPayload", {
  description: "The result of checkpointSession.",
  fields: (t) => ({
    medallion: t.field({ type: MedallionRef, description: "The medallion created or updated." }),
    created: t.boolean({ description: "true when a new medallion was created; false when the ACTIVE one of the exact scope was updated." }),
  }),
});
const CreateMedallionPayload = builder.simpleObject("CreateMedallionPayload", {
  description: "The result of createMedallion.",
  fields: (t) => ({ medallion: t.field({ type: MedallionRef, description: "The new medallion." }) }),
});
const UpdateMedallionPayload = builder.simpleObject("UpdateMedallionPayload", {
  description: "The result of updateMedallion.",
  fields: (t) => ({ medallion: t.field({ type: MedallionRef, description: "The medallion with its new content." }) }),
});
const SetMedallionStatusPayload = builder.simpleObject("SetMedallionStatusPayload", {
  description: "The result of setMedallionStatus.",
  fields: (t) => ({ medallion: t.field({ type: MedallionRef, description: "The medallion in its new status." }) }),
});

builder.mutationFields((t) => ({
  checkpointSession: t.field({
    type: CheckpointSessionPayload,
    description:
      "Saves what a session learned. Updates the ACTIVE medallion of exactly this scope with the evidence (same id, createdAt kept) or creates one. Concurrent checkpoints of one scope produce one medallion.",
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: CheckpointSessionInput, required: true, description: "The session's scope and evidence.", validate: checkpointSchema }) },
    resolve: (_root, { input }, ctx) => ctx.services.medallions.checkpoint(input),
  }),
  createMedallion: t.field({
    type: CreateMedallionPayload,
    description: "Stores a full medallion.v1 document. AlreadyExistsError when the id, or an ACTIVE medallion of the exact scope, exists.",
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: CreateMedallionInput, required: true, description: "The whole medallion.v1 document.", validate: createMedallionSchema }) },
    resolve: async (_root, { input }, ctx) => ({ medallion: await ctx.services.medallions.create(input) }),
  }),
  updateMedallion: t.field({
    type: UpdateMedallionPayload,
    description: "Replaces a medallion's content (id, status and createdAt are kept; updatedAt is now).",
    errors: { types: writeErrors, directResult: true },
    args: {
      medallionId: t.arg.string({ required: true, description: "The medallion's medallionId (med-…).", validate: medallionId }),
      input: t.arg({ type: MedallionContentInput, required: true, description: "The new content, replacing the old.", validate: medallionContentSchema }),
    },
    resolve: async (_root, { medallionId: id, input }, ctx) => ({ medallion: await ctx.services.medallions.update(id, input) }),
  }),
  setMedallionStatus: t.field({
    type: SetMedallionStatusPayload,
    description: "Marks a medallion ACTIVE, STALE or SUPERSEDED; SUPERSEDED may name the successor.",
    errors: { types: writeErrors, directResult: true },
    args: {
      medallionId: t.arg.string({ required: true, description: "The medallion's medallionId (med-…).", validate: medallionId }),
      status: t.arg({ type: MedallionStatusEnum, required: true, description: "The new status." }),
      supersededBy: t.arg.string({ description: "The successor's medallionId; only with SUPERSEDED.", validate: medallionId }),
    },
    resolve: async (_root, args, ctx) => ({
      medallion: await ctx.services.medallions.setStatus(args.medallionId, args.status, args.supersededBy),
    }),
  }),
}));
