// Tags: queries and mutations.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { writeErrors } from "../../graphql/errors.js";
import { TagFields } from "../artifacts/inputs.js";
import { ArtifactRef, TagRef } from "../artifacts/types.js";

builder.queryFields((t) => ({
  tags: t.prismaConnection({
    type: "Tag",
    cursor: "id",
    description: "All tags, by name.",
    resolve: (query, _root, _args, ctx) => ctx.db.tag.findMany({ ...query, orderBy: [{ name: "asc" }, { id: "asc" }] }),
    totalCount: (_c, _a, ctx) => ctx.db.tag.count(),
  }),
  tag: t.prismaField({
    type: "Tag",
    nullable: true,
    description: "One tag by name or slug; null when absent.",
    args: { name: t.arg.string({ required: true, validate: z.string().min(1, "must not be empty") }) },
    resolve: (query, _root, args, ctx) => ctx.db.tag.findFirst({ ...query, where: { OR: [{ name: args.name }, { slug: args.name }] } }),
  }),
}));

const CreateTagInput = builder.inputType("CreateTagInput", {
  fields: (t) => ({
    name: t.string({ required: true, validate: TagFields.name }),
    color: t.string({ description: "#RRGGBB", validate: TagFields.color }),
    description: t.string({ validate: TagFields.description }),
  }),
});
const UpdateTagInput = builder.inputType("UpdateTagInput", {
  fields: (t) => ({
    id: t.globalID({ required: true, for: TagRef }),
    name: t.string({ validate: TagFields.name }),
    color: t.string({ description: "#RRGGBB; null clears it.", validate: TagFields.color }),
    description: t.string({ validate: TagFields.description }),
  }),
});

const TagPayload = builder.simpleObject("TagPayload", { fields: (t) => ({ tag: t.field({ type: TagRef }) }) });
const DeleteTagPayload = builder.simpleObject("DeleteTagPayload", { fields: (t) => ({ deletedTagId: t.id() }) });
const TagArtifactPayload = builder.simpleObject("TagArtifactPayload", {
  fields: (t) => ({ artifact: t.field({ type: ArtifactRef }), tag: t.field({ type: TagRef }) }),
});

builder.mutationFields((t) => ({
  createTag: t.field({
    type: TagPayload,
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: CreateTagInput, required: true }) },
    resolve: async (_r, { input }, ctx) => ({ tag: await ctx.services.tags.create(input) }),
  }),
  updateTag: t.field({
    type: TagPayload,
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: UpdateTagInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const { id, ...patch } = input;
      return { tag: await ctx.services.tags.update(id.id, patch) };
    },
  }),
  deleteTag: t.field({
    type: DeleteTagPayload,
    description: "Deletes a tag and removes it from every artifact.",
    errors: { types: writeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: TagRef }) },
    resolve: async (_r, args, ctx) => {
      const tag = await ctx.services.tags.delete(args.id.id);
      return { deletedTagId: encodeGlobalID("Tag", tag.id) };
    },
  }),
  tagArtifact: t.field({
    type: TagArtifactPayload,
    description: "Puts a tag on an artifact; doing it twice is harmless.",
    errors: { types: writeErrors, directResult: true },
    args: {
      artifactId: t.arg.globalID({ required: true, for: ArtifactRef }),
      tagId: t.arg.globalID({ required: true, for: TagRef }),
    },
    resolve: async (_r, args, ctx) => {
      await ctx.services.tags.tagArtifact(args.artifactId.id, args.tagId.id);
      return { artifact: await ctx.services.artifacts.byId(args.artifactId.id), tag: await ctx.services.tags.byId(args.tagId.id) };
    },
  }),
  untagArtifact: t.field({
    type: TagArtifactPayload,
    errors: { types: writeErrors, directResult: true },
    args: {
      artifactId: t.arg.globalID({ required: true, for: ArtifactRef }),
      tagId: t.arg.globalID({ required: true, for: TagRef }),
    },
    resolve: async (_r, args, ctx) => {
      await ctx.services.tags.untagArtifact(args.artifactId.id, args.tagId.id);
      return { artifact: await ctx.services.artifacts.byId(args.artifactId.id), tag: await ctx.services.tags.byId(args.tagId.id) };
    },
  }),
}));
