// Artifacts: queries, mutations and the artifactChanged subscription.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { GraphQLError } from "graphql";
import { filter, pipe } from "graphql-yoga";
import { builder } from "../../graphql/builder.js";
import { writeErrors } from "../../graphql/errors.js";
import type { Prisma } from "../../db/client.js";
import type { ArtifactChangedEvent } from "../../lib/events.js";
import { parseArtifactKey } from "./names.js";
import { artifactWhere } from "./service.js";
import { ArtifactFilterInput, ArtifactOrderInput, AddArtifactInput, UpdateArtifactInput } from "./inputs.js";
import { ArtifactRef } from "./types.js";
import { z } from "zod";

const orderColumn = { NAME: "name", TYPE: "type", CREATED_AT: "createdAt", UPDATED_AT: "updatedAt", QUALITY_SCORE: "qualityScore" } as const;

/** Sorting plus the id as tie-breaker, so cursors are stable. */
export function artifactOrder(order: { field: keyof typeof orderColumn; direction?: "ASC" | "DESC" | null } | null | undefined) {
  const dir = order?.direction === "DESC" ? "desc" : "asc";
  const column = orderColumn[order?.field ?? "NAME"];
  return [{ [column]: dir }, { id: dir }] as Prisma.ArtifactOrderByWithRelationInput[];
}

builder.queryFields((t) => ({
  artifacts: t.prismaConnection({
    type: "Artifact",
    cursor: "id",
    description: "Artifacts across collections, filtered and ordered (by name unless told).",
    args: {
      filter: t.arg({ type: ArtifactFilterInput }),
      orderBy: t.arg({ type: ArtifactOrderInput }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.artifact.findMany({ ...query, where: artifactWhere(ctx.db, args.filter), orderBy: artifactOrder(args.orderBy) }),
    totalCount: (_conn, args, ctx) => ctx.db.artifact.count({ where: artifactWhere(ctx.db, args.filter) }),
  }),
  artifact: t.prismaField({
    type: "Artifact",
    nullable: true,
    description: 'One artifact by key (type:name), in the named collection or "default". Null when absent.',
    args: {
      key: t.arg.string({
        required: true,
        validate: z.string().refine((k) => parseArtifactKey(k) !== null, "must be type:name, e.g. skill:pdf-processor"),
      }),
      collection: t.arg.string(),
    },
    resolve: (query, _root, args, ctx) => {
      const parsed = parseArtifactKey(args.key);
      if (!parsed) return null;
      return ctx.services.artifacts.findByKey(parsed, args.collection, query);
    },
  }),
}));

const AddArtifactPayload = builder.simpleObject("AddArtifactPayload", {
  fields: (t) => ({ artifact: t.field({ type: ArtifactRef }) }),
});
const UpdateArtifactPayload = builder.simpleObject("UpdateArtifactPayload", {
  fields: (t) => ({ artifact: t.field({ type: ArtifactRef }) }),
});
const RemoveArtifactPayload = builder.simpleObject("RemoveArtifactPayload", {
  fields: (t) => ({
    removedArtifactId: t.id({ description: "Global ID of the artifact that was removed." }),
    key: t.string(),
  }),
});

builder.mutationFields((t) => ({
  addArtifact: t.field({
    type: AddArtifactPayload,
    description: "Adds an artifact to a collection. Fails with AlreadyExistsError when the key is taken.",
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: AddArtifactInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({ artifact: await ctx.services.artifacts.addArtifact(input) }),
  }),
  updateArtifact: t.field({
    type: UpdateArtifactPayload,
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: UpdateArtifactInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const { id, ...patch } = input;
      return { artifact: await ctx.services.artifacts.updateArtifact(id.id, patch) };
    },
  }),
  removeArtifact: t.field({
    type: RemoveArtifactPayload,
    errors: { types: writeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: ArtifactRef }) },
    resolve: async (_root, args, ctx) => {
      const removed = await ctx.services.artifacts.removeArtifact(args.id.id);
      return { removedArtifactId: encodeGlobalID("Artifact", removed.id), key: `${removed.type.toLowerCase()}:${removed.name}` };
    },
  }),
}));

const ArtifactChangeKindEnum = builder.enumType("ArtifactChangeKind", { values: ["ADDED", "UPDATED", "REMOVED"] as const });

const ArtifactChange = builder.objectRef<ArtifactChangedEvent>("ArtifactChange").implement({
  description: "One change to an artifact.",
  fields: (t) => ({
    kind: t.expose("kind", { type: ArtifactChangeKindEnum }),
    artifactId: t.id({ resolve: (e) => encodeGlobalID("Artifact", e.artifactId) }),
    key: t.exposeString("key"),
    at: t.field({ type: "DateTime", resolve: (e) => new Date(e.at) }),
    artifact: t.field({
      type: ArtifactRef,
      nullable: true,
      description: "The artifact as it is now; null once removed.",
      resolve: (e, _args, ctx) => ctx.db.artifact.findUnique({ where: { id: e.artifactId } }),
    }),
  }),
});

builder.subscriptionFields((t) => ({
  artifactChanged: t.field({
    type: ArtifactChange,
    description: "Emits when an artifact is added, updated or removed; in one collection when named.",
    args: { collection: t.arg.string() },
    subscribe: async (_root, args, ctx) => {
      const source = ctx.pubsub.subscribe("artifact:changed");
      if (!args.collection) return source;
      const c = await ctx.db.collection.findUnique({ where: { name: args.collection }, select: { id: true } });
      if (!c) {
        await source.return?.();
        throw new GraphQLError(`Collection "${args.collection}" was not found.`, { extensions: { code: "NOT_FOUND" } });
      }
      return pipe(source, filter((e: ArtifactChangedEvent) => e.collectionId === c.id));
    },
    resolve: (e) => e,
  }),
}));
