// Collections: the Collection type, its queries and createCollection. The artifacts, tags and
// groups modules add Collection's fields that read their tables.
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import { writeErrors } from "../../graphql/errors.js";
import { COLLECTION_NAME, COLLECTION_NAME_RULE } from "./service.js";

export const CollectionRef = builder.prismaNode("Collection", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  description: "A named set of artifacts, with its groups.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "Unique name (letters, digits, . _ -)." }),
    version: t.exposeString("version", { description: "The collection's own version, as its manifest states it." }),
    description: t.exposeString("description", { nullable: true, description: "What the collection is for." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was created." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
  }),
});

builder.queryFields((t) => ({
  collections: t.prismaConnection({
    type: "Collection",
    cursor: "id",
    description: "All collections, by name.",
    resolve: (query, _root, _args, ctx) => ctx.services.collections.list(query),
    totalCount: (_c, _a, ctx) => ctx.services.collections.count(),
  }, connectionFor(CollectionRef, "Collection", "collections")),
  collection: t.prismaField({
    type: "Collection",
    nullable: true,
    description: "One collection by name; null when absent.",
    args: { name: t.arg.string({ required: true, description: "The collection's name.", validate: z.string().min(1, "must not be empty") }) },
    resolve: (query, _root, args, ctx) => ctx.services.collections.findByName(args.name, query),
  }),
}));

const CreateCollectionInput = builder.inputType("CreateCollectionInput", {
  description: "A new collection.",
  fields: (t) => ({
    name: t.string({ required: true, description: "Unique; 1–64 letters, digits or . _ -.", validate: z.string().regex(COLLECTION_NAME, COLLECTION_NAME_RULE) }),
    version: t.string({ description: 'Defaults to "1.0.0".', validate: z.string().max(64, "must be at most 64 characters") }),
    description: t.string({ description: "What the collection is for (up to 2000 characters).", validate: z.string().max(2000, "must be at most 2000 characters") }),
  }),
});

const CreateCollectionPayload = builder.simpleObject("CreateCollectionPayload", {
  description: "The result of createCollection.",
  fields: (t) => ({ collection: t.field({ type: CollectionRef, description: "The new collection." }) }),
});

builder.mutationFields((t) => ({
  createCollection: t.field({
    type: CreateCollectionPayload,
    description: "Creates an empty collection. Fails with AlreadyExistsError when the name is taken.",
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: CreateCollectionInput, required: true, description: "The collection to create." }) },
    resolve: async (_root, { input }, ctx) => ({ collection: await ctx.services.collections.create(input) }),
  }),
}));
