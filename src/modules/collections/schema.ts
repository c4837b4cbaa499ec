// Collections: the containers of artifacts and groups.
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { writeErrors } from "../../graphql/errors.js";
import { artifactOrder } from "../artifacts/schema.js";
import { artifactWhere } from "../artifacts/service.js";
import { ArtifactFilterInput, ArtifactOrderInput, CreateCollectionInput } from "../artifacts/inputs.js";
import { TagRef } from "../artifacts/types.js";

export const CollectionRef = builder.prismaNode("Collection", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  authScopes: { read: true },
  description: "A named set of artifacts, with its groups.",
  fields: (t) => ({
    name: t.exposeString("name"),
    version: t.exposeString("version"),
    description: t.exposeString("description", { nullable: true }),
    artifacts: t.relatedConnection("artifacts", {
      cursor: "id",
      description: "The collection's artifacts, filtered and ordered (by name unless told).",
      args: {
        filter: t.arg({ type: ArtifactFilterInput }),
        orderBy: t.arg({ type: ArtifactOrderInput }),
      },
      query: (args, ctx) => ({ where: artifactWhere(ctx.db, args.filter), orderBy: artifactOrder(args.orderBy) }),
      totalCount: true,
    }),
    artifactCount: t.relationCount("artifacts"),
    groups: t.relation("groups", {
      description: "Groups in their order.",
      query: { orderBy: { position: "asc" } },
    }),
    tags: t.loadableList({
      type: TagRef,
      description: "Tags used by the collection's artifacts, by name.",
      load: async (collectionIds: string[], ctx) => {
        const rows = await ctx.db.artifactTag.findMany({
          where: { artifact: { collectionId: { in: collectionIds } } },
          select: { tag: true, artifact: { select: { collectionId: true } } },
        });
        const byCollection = new Map(collectionIds.map((id) => [id, new Map<string, (typeof rows)[number]["tag"]>()]));
        for (const r of rows) byCollection.get(r.artifact.collectionId)?.set(r.tag.id, r.tag);
        return collectionIds.map((id) => [...(byCollection.get(id)?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name)));
      },
      resolve: (c) => c.id,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

builder.queryFields((t) => ({
  collections: t.prismaConnection({
    type: "Collection",
    cursor: "id",
    description: "All collections, by name.",
    resolve: (query, _root, _args, ctx) => ctx.db.collection.findMany({ ...query, orderBy: [{ name: "asc" }, { id: "asc" }] }),
    totalCount: (_c, _a, ctx) => ctx.db.collection.count(),
  }),
  collection: t.prismaField({
    type: "Collection",
    nullable: true,
    description: "One collection by name; null when absent.",
    args: { name: t.arg.string({ required: true, validate: z.string().min(1, "must not be empty") }) },
    resolve: (query, _root, args, ctx) => ctx.db.collection.findUnique({ ...query, where: { name: args.name } }),
  }),
}));

const CreateCollectionPayload = builder.simpleObject("CreateCollectionPayload", {
  fields: (t) => ({ collection: t.field({ type: CollectionRef }) }),
});

builder.mutationFields((t) => ({
  createCollection: t.field({
    type: CreateCollectionPayload,
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: CreateCollectionInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({ collection: await ctx.services.artifacts.createCollection(input) }),
  }),
}));
