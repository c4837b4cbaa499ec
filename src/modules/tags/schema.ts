// Tags: the Tag type, queries and mutations, and the tag fields of Artifact and Collection.
import { createContextCache } from "@pothos/core";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { tracedLoader, tracedLoad } from "../../graphql/loaders.js";
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import { fieldNeeds } from "../../graphql/selection.js";
import type { Context } from "../../graphql/context.js";
import type { Tag } from "../../generated/prisma/client.js";
import { changeErrors, writeErrors } from "../../graphql/errors.js";
import { COLOR, COLOR_RULE } from "../../lib/rules.js";
import { preloadedTags } from "../artifacts/index.js";
import { ArtifactRef } from "../artifacts/schema.js";

/** Per request: the tags of every artifact resolved without them, in one statement. */
const tagsLoader = createContextCache((ctx: Context) => tracedLoader<string, Tag[]>("Artifact.tags", (ids) => ctx.services.tags.ofArtifacts(ids)));

const tagName = z.string().trim().min(1, "must not be empty").max(64, "must be at most 64 characters");
const tagColor = z.string().regex(COLOR, COLOR_RULE);
const tagDescription = z.string().max(500, "must be at most 500 characters");

export const TagRef = builder.prismaNode("Tag", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  description: "A label for artifacts. Names and slugs are unique.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "Unique name as written." }),
    slug: t.exposeString("slug", { description: "URL-safe form of the name; filters accept either." }),
    color: t.exposeString("color", { nullable: true, description: "#RRGGBB" }),
    description: t.exposeString("description", { nullable: true, description: "What the tag means." }),
    artifactCount: t.relationCount("artifacts", { description: "How many artifacts carry the tag." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was created." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
  }),
});

fieldNeeds("Artifact", { tags: [] });
fieldNeeds("Collection", { tags: [] });
fieldNeeds("Tag", { artifactCount: [] });
builder.prismaObjectFields("Artifact", (t) => ({
  tags: t.field({
    type: [TagRef],
    description: "Tags on the artifact, by name.",
    // Read with the artifact when its list or lookup was asked for them; else batched per request.
    resolve: (a, _args, ctx) => preloadedTags(a) ?? tagsLoader(ctx).load(a.id),
  }),
}));

builder.prismaObjectFields("Collection", (t) => ({
  tags: t.loadableList({
    type: TagRef,
    description: "Tags used by the collection's artifacts, by name.",
    load: tracedLoad("Collection.tags", (collectionIds: string[], ctx: Context) => ctx.services.tags.ofCollections(collectionIds)),
    resolve: (c) => c.id,
  }),
}));

builder.queryFields((t) => ({
  tags: t.prismaConnection({
    type: "Tag",
    cursor: "id",
    description: "All tags, by name.",
    resolve: (query, _root, _args, ctx) => ctx.services.tags.list(query),
    totalCount: (_c, _a, ctx) => ctx.services.tags.count(),
  }, connectionFor(TagRef, "Tag", "tags")),
  tag: t.prismaField({
    type: "Tag",
    nullable: true,
    description: "One tag by name or slug; null when absent.",
    args: { name: t.arg.string({ required: true, description: "The tag's name or slug.", validate: z.string().min(1, "must not be empty") }) },
    resolve: (query, _root, args, ctx) => ctx.services.tags.find(args.name, query),
  }),
}));

const CreateTagInput = builder.inputType("CreateTagInput", {
  description: "A new tag.",
  fields: (t) => ({
    name: t.string({ required: true, description: "1–64 characters with at least one letter or digit; unique (and so is its slug).", validate: tagName }),
    color: t.string({ description: "#RRGGBB", validate: tagColor }),
    description: t.string({ description: "At most 500 characters.", validate: tagDescription }),
  }),
});
const UpdateTagInput = builder.inputType("UpdateTagInput", {
  description: "Only the fields given change; null clears an optional field.",
  fields: (t) => ({
    id: t.globalID({ required: true, for: TagRef, description: "The tag's global ID." }),
    name: t.string({ description: "A new name (its slug follows).", validate: tagName }),
    color: t.string({ description: "#RRGGBB; null clears it.", validate: tagColor }),
    description: t.string({ description: "Null clears it.", validate: tagDescription }),
  }),
});

const TagPayload = builder.simpleObject("TagPayload", { description: "A tag after a mutation.", fields: (t) => ({ tag: t.field({ type: TagRef, description: "The tag after the change." }) }) });
const DeleteTagPayload = builder.simpleObject("DeleteTagPayload", { description: "The result of deleteTag.", fields: (t) => ({ deletedTagId: t.id({ description: "Global ID of the deleted tag." }) }) });
const TagArtifactPayload = builder.simpleObject("TagArtifactPayload", {
  description: "The result of tagging or untagging an artifact.",
  fields: (t) => ({
    artifact: t.field({ type: ArtifactRef, description: "The artifact after the change." }),
    tag: t.field({ type: TagRef, description: "The tag." }),
  }),
});

builder.mutationFields((t) => ({
  createTag: t.field({
    type: TagPayload,
    description: "Creates a tag. Fails with AlreadyExistsError when its name or slug is taken.",
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: CreateTagInput, required: true, description: "The tag to create." }) },
    resolve: async (_r, { input }, ctx) => ({ tag: await ctx.services.tags.create(input) }),
  }),
  updateTag: t.field({
    type: TagPayload,
    description: "Renames or recolours a tag.",
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: UpdateTagInput, required: true, description: "The tag and the fields to change." }) },
    resolve: async (_r, { input }, ctx) => {
      const { id, ...patch } = input;
      return { tag: await ctx.services.tags.update(id.id, patch) };
    },
  }),
  deleteTag: t.field({
    type: DeleteTagPayload,
    description: "Deletes a tag and removes it from every artifact.",
    errors: { types: changeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: TagRef, description: "The tag's global ID." }) },
    resolve: async (_r, args, ctx) => {
      const tag = await ctx.services.tags.delete(args.id.id);
      return { deletedTagId: encodeGlobalID("Tag", tag.id) };
    },
  }),
  tagArtifact: t.field({
    type: TagArtifactPayload,
    description: "Puts a tag on an artifact; doing it twice is harmless.",
    errors: { types: changeErrors, directResult: true },
    args: {
      artifactId: t.arg.globalID({ required: true, for: ArtifactRef, description: "The artifact's global ID." }),
      tagId: t.arg.globalID({ required: true, for: TagRef, description: "The tag's global ID." }),
    },
    resolve: async (_r, args, ctx) => {
      await ctx.services.tags.tagArtifact(args.artifactId.id, args.tagId.id);
      return { artifact: await ctx.services.artifacts.byId(args.artifactId.id), tag: await ctx.services.tags.byId(args.tagId.id) };
    },
  }),
  untagArtifact: t.field({
    type: TagArtifactPayload,
    description: "Takes a tag off an artifact; harmless when it was not on.",
    errors: { types: changeErrors, directResult: true },
    args: {
      artifactId: t.arg.globalID({ required: true, for: ArtifactRef, description: "The artifact's global ID." }),
      tagId: t.arg.globalID({ required: true, for: TagRef, description: "The tag's global ID." }),
    },
    resolve: async (_r, args, ctx) => {
      await ctx.services.tags.untagArtifact(args.artifactId.id, args.tagId.id);
      return { artifact: await ctx.services.artifacts.byId(args.artifactId.id), tag: await ctx.services.tags.byId(args.tagId.id) };
    },
  }),
}));
