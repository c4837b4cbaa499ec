// Artifacts: the Artifact type, its queries, mutations and the artifactChanged subscription, and
// Collection.artifacts. Other modules' schemas import the refs exported here.
import { encodeGlobalID, resolveCursorConnection } from "@pothos/plugin-relay";
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { filter, pipe } from "graphql-yoga";
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { changeErrors, writeErrors } from "../../graphql/errors.js";
import { connectionFor } from "../../graphql/connections.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../graphql/pagination.js";
import { columnsFor, fieldNeeds, selectedFields } from "../../graphql/selection.js";
import { modelColumns } from "../../db/index.js";
import type { Artifact } from "../../generated/prisma/client.js";
import type { ArtifactChangedEvent } from "./events.js";
import { ArtifactFilterInput, ArtifactOrderInput, AddArtifactInput, UpdateArtifactInput } from "./inputs.js";
import { artifactKey, parseArtifactKey } from "./names.js";
import { artifactOrder, type ReadPlan } from "./service.js";
import { ArtifactRef } from "./types.js";

export { ArtifactRef, ArtifactTypeEnum, ArtifactOriginEnum } from "./types.js";
export { ArtifactFilterInput, ArtifactOrderInput } from "./inputs.js";

/** Cursors are artifact ids, opaque to clients. */
const toCursor = (a: { id: string }) => Buffer.from(`A:${a.id}`).toString("base64url");
function fromCursor(cursor: string | undefined, arg: "after" | "before"): string | undefined {
  if (cursor === undefined) return undefined;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!text.startsWith("A:") || text.length < 3) throw new GraphQLError(`${arg}: is not a cursor of this list (start again without it)`, { extensions: { code: "BAD_USER_INPUT" } });
  return text.slice(2);
}

const columnsOf = (model: "Artifact" | "Tag" | "Collection") => Object.keys(modelColumns(model));

/** What a lookup or page reads for the selection at `path`: the artifact columns its fields need, and tags and collection in the same statement when shown. */
function readPlan(info: GraphQLResolveInfo, path: readonly string[]): ReadPlan {
  const fields = selectedFields(info, path);
  const plan: ReadPlan = { columns: columnsFor("Artifact", columnsOf("Artifact"), fields), include: {} };
  if (fields.has("tags")) plan.include.tags = columnsFor("Tag", columnsOf("Tag"), selectedFields(info, [...path, "tags"]));
  if (fields.has("collection")) plan.include.collection = columnsFor("Collection", columnsOf("Collection"), selectedFields(info, [...path, "collection"]));
  return plan;
}

/** The one connection type for lists of artifacts (Query.artifacts, Collection.artifacts). */
export const ArtifactConnection = connectionFor(ArtifactRef, "Artifact", "artifacts");

builder.queryFields((t) => ({
  artifacts: t.connection(
    {
      type: ArtifactRef,
      description: "Artifacts across collections, filtered and ordered (by name unless told).",
      args: {
        filter: t.arg({ type: ArtifactFilterInput, description: "Only artifacts matching every condition given." }),
        orderBy: t.arg({ type: ArtifactOrderInput, description: "Sort order; by name unless told." }),
      },
      resolve: async (_root, args, ctx, info) => {
        const plan = readPlan(info, ["edges", "node"]);
        const connection = await resolveCursorConnection<Promise<Artifact[]>>({ args, toCursor, defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE }, (page) =>
          ctx.services.artifacts.page(ctx.principal, args.filter, args.orderBy, { ...page, after: fromCursor(page.after, "after"), before: fromCursor(page.before, "before") }, plan),
        );
        // Counted only when a client selects totalCount.
        return { ...connection, totalCount: () => ctx.services.artifacts.count(ctx.principal, args.filter) };
      },
    },
    ArtifactConnection,
  ),
  artifact: t.field({
    type: ArtifactRef,
    nullable: true,
    description: 'One artifact by key (type:name), in the named collection or "default". Null when absent.',
    args: {
      key: t.arg.string({
        required: true,
        description: "type:name, e.g. skill:pdf-processor.",
        validate: z.string().refine((k) => parseArtifactKey(k) !== null, "must be type:name, e.g. skill:pdf-processor"),
      }),
      collection: t.arg.string({ description: 'Collection name; "default" when omitted.' }),
    },
    resolve: (_root, args, ctx, info) => {
      const parsed = parseArtifactKey(args.key);
      return parsed ? ctx.services.artifacts.findByKey(ctx.principal, parsed, args.collection, readPlan(info, [])) : null;
    },
  }),
}));

fieldNeeds("Collection", { artifacts: [], artifactCount: [] });
builder.prismaObjectFields("Collection", (t) => ({
  artifacts: t.relatedConnection("artifacts", {
    cursor: "id",
    description: "The collection's artifacts, filtered and ordered (by name unless told).",
    args: {
      filter: t.arg({ type: ArtifactFilterInput, description: "Only artifacts matching every condition given." }),
      orderBy: t.arg({ type: ArtifactOrderInput, description: "Sort order; by name unless told." }),
    },
    query: (args, ctx) => ({ where: ctx.services.artifacts.where(args.filter), orderBy: artifactOrder(args.orderBy) }),
    totalCount: true,
  }, ArtifactConnection),
  artifactCount: t.relationCount("artifacts", { description: "How many artifacts the collection holds." }),
}));

const AddArtifactPayload = builder.simpleObject("AddArtifactPayload", {
  description: "The result of addArtifact.",
  fields: (t) => ({ artifact: t.field({ type: ArtifactRef, description: "The new artifact." }) }),
});
const UpdateArtifactPayload = builder.simpleObject("UpdateArtifactPayload", {
  description: "The result of updateArtifact.",
  fields: (t) => ({ artifact: t.field({ type: ArtifactRef, description: "The artifact after the change." }) }),
});
const RemoveArtifactPayload = builder.simpleObject("RemoveArtifactPayload", {
  description: "The result of removeArtifact.",
  fields: (t) => ({
    removedArtifactId: t.id({ description: "Global ID of the artifact that was removed." }),
    key: t.string({ description: "Its key (type:name)." }),
  }),
});

builder.mutationFields((t) => ({
  addArtifact: t.field({
    type: AddArtifactPayload,
    description: "Adds an artifact to a collection. Fails with AlreadyExistsError when the key is taken.",
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: AddArtifactInput, required: true, description: "The artifact to add." }) },
    resolve: async (_root, { input }, ctx) => ({ artifact: await ctx.services.artifacts.add(input) }),
  }),
  updateArtifact: t.field({
    type: UpdateArtifactPayload,
    description: "Changes an artifact's name, source or metadata; only the fields given change.",
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: UpdateArtifactInput, required: true, description: "The artifact and the fields to change." }) },
    resolve: async (_root, { input }, ctx) => {
      const { id, ...patch } = input;
      return { artifact: await ctx.services.artifacts.update(id.id, patch) };
    },
  }),
  removeArtifact: t.field({
    type: RemoveArtifactPayload,
    description: "Removes an artifact with its tags, group memberships and ratings.",
    errors: { types: changeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: ArtifactRef, description: "The artifact's global ID." }) },
    resolve: async (_root, args, ctx) => {
      const removed = await ctx.services.artifacts.remove(args.id.id);
      return { removedArtifactId: encodeGlobalID("Artifact", removed.id), key: artifactKey(removed.type, removed.name) };
    },
  }),
}));

const ArtifactChangeKindEnum = builder.enumType("ArtifactChangeKind", {
  description: "What happened to the artifact.",
  values: { ADDED: { description: "It was added." }, UPDATED: { description: "It, its tags or groups changed." }, REMOVED: { description: "It was removed." } } as const,
});

const ArtifactChange = builder.objectRef<ArtifactChangedEvent>("ArtifactChange").implement({
  description: "One change to an artifact.",
  fields: (t) => ({
    kind: t.expose("kind", { type: ArtifactChangeKindEnum, description: "What happened." }),
    artifactId: t.id({ description: "The artifact's global ID.", resolve: (e) => encodeGlobalID("Artifact", e.artifactId) }),
    key: t.exposeString("key", { description: "Its key (type:name) at the time of the change." }),
    at: t.field({ type: "DateTime", description: "When it happened.", resolve: (e) => new Date(e.at) }),
    artifact: t.prismaField({
      type: "Artifact",
      nullable: true,
      description: "The artifact as it is now; null once removed.",
      resolve: (query, e, _args, ctx) => ctx.services.artifacts.get(ctx.principal, e.artifactId, query),
    }),
  }),
});

builder.subscriptionFields((t) => ({
  artifactChanged: t.field({
    type: ArtifactChange,
    description: "Emits when an artifact is added, updated or removed; in one collection when named.",
    args: { collection: t.arg.string({ description: "Only changes in this collection." }) },
    subscribe: async (_root, args, ctx) => {
      const source = ctx.pubsub.subscribe("artifact:changed");
      if (!args.collection) return source;
      const collectionId = await ctx.services.collections.idOf(args.collection);
      if (!collectionId) {
        await source.return?.();
        throw new GraphQLError(`Collection "${args.collection}" was not found.`, { extensions: { code: "NOT_FOUND" } });
      }
      return pipe(source, filter((e: ArtifactChangedEvent) => e.collectionId === collectionId));
    },
    resolve: (e) => e,
  }),
}));
