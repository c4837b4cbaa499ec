// GraphQL types of the artifacts domain. An artifact is a whole row (every column) whether the
// artifacts module read it in SQL (store.ts: lists, by key) or the Prisma plugin loaded it (through
// another type's relation); its tags and collection come with it when they were read together
// (relations.ts), else from one batched statement per request.
import { createContextCache } from "@pothos/core";
import { tracedLoader } from "../../graphql/loaders.js";
import { builder } from "../../graphql/builder.js";
import { fieldNeeds } from "../../graphql/selection.js";
import type { Context } from "../../graphql/context.js";
import type { Collection } from "../../generated/prisma/client.js";
import { ArtifactOrigin, ArtifactType } from "../../generated/prisma/enums.js";
import { CollectionRef } from "../collections/schema.js";
import { artifactKey } from "./names.js";
import { preloadedCollection } from "./relations.js";

/** Per request: the collections of every artifact resolved without one, in one statement. */
const collectionLoader = createContextCache((ctx: Context) => tracedLoader<string, Collection | null>("Artifact.collection", (ids) => ctx.services.collections.byIds(ids)));

export const ArtifactTypeEnum = builder.enumType("ArtifactType", {
  description: "What kind of artifact it is; lower-cased it is the first part of a key (skill:name).",
  values: {
    SKILL: { value: ArtifactType.SKILL, description: "A skill: a folder with SKILL.md that an agent loads when relevant." },
    COMMAND: { value: ArtifactType.COMMAND, description: "A slash command: a prompt file run by name." },
    AGENT: { value: ArtifactType.AGENT, description: "A subagent definition: a prompt with its own tools." },
    HOOK: { value: ArtifactType.HOOK, description: "A hook: a command run on an agent lifecycle event." },
    MCP: { value: ArtifactType.MCP, description: "An MCP server configuration." },
    WORKFLOW: { value: ArtifactType.WORKFLOW, description: "A workflow: steps that use other artifacts." },
    COMPOSITE: { value: ArtifactType.COMPOSITE, description: "A bundle of other artifacts, deployed together." },
  } as const,
});

export const ArtifactOriginEnum = builder.enumType("ArtifactOrigin", {
  description: "Where the artifact came from.",
  values: {
    LOCAL: { value: ArtifactOrigin.LOCAL, description: "Written here (a local folder or the API)." },
    GITHUB: { value: ArtifactOrigin.GITHUB, description: "Imported from a GitHub repository (its source spec says where)." },
    MARKETPLACE: { value: ArtifactOrigin.MARKETPLACE, description: "Installed from a marketplace listing." },
  } as const,
});

export const SourceSpecType = builder.simpleObject("SourceSpec", {
  description: "A source spec owner/repo[/path][@version], parsed.",
  fields: (t) => ({
    owner: t.string({ description: "The repository's owner (user or organisation)." }),
    repo: t.string({ description: "The repository's name." }),
    path: t.string({ nullable: true, description: "Folder inside the repository, if any." }),
    version: t.string({ nullable: true, description: "The part after @ (a tag, branch, sha or `latest`)." }),
  }),
});

export const ArtifactMetadataType = builder.simpleObject("ArtifactMetadata", {
  description: "Descriptive metadata, as the artifact's own manifest states it.",
  fields: (t) => ({
    title: t.string({ nullable: true, description: "A human title." }),
    description: t.string({ nullable: true, description: "What it does." }),
    author: t.string({ nullable: true, description: "Who wrote it." }),
    license: t.string({ nullable: true, description: "Licence identifier, e.g. MIT." }),
    version: t.string({ nullable: true, description: "The artifact's own declared version." }),
    tools: t.stringList({ description: "Tools the artifact uses or needs." }),
  }),
});

// The columns each computed field reads (lists and lookups read only what the request selects).
fieldNeeds("Artifact", {
  key: ["type", "name"],
  sourceSpec: ["sourceOwner", "sourceRepo", "sourcePath", "sourceVersion"],
  metadata: ["title", "description", "author", "license", "version", "tools"],
  collection: ["collectionId"],
});

export const ArtifactRef = builder.prismaNode("Artifact", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  description: "A skill, command, agent, hook, MCP server, workflow or composite, kept in a collection.",
  fields: (t) => ({
    key: t.string({
      description: "type:name, unique within the collection (e.g. skill:pdf-processor).",
      resolve: (a) => artifactKey(a.type, a.name),
    }),
    name: t.exposeString("name", { description: "The name, unique per type within the collection." }),
    type: t.expose("type", { type: ArtifactTypeEnum, description: "What kind of artifact it is." }),
    origin: t.expose("origin", { type: ArtifactOriginEnum, description: "Where it came from." }),
    source: t.exposeString("source", { nullable: true, description: "The source spec as given." }),
    sourceSpec: t.field({
      type: SourceSpecType,
      nullable: true,
      description: "The source spec, parsed; null when there is no source.",
      resolve: (a) =>
        a.sourceOwner && a.sourceRepo ? { owner: a.sourceOwner, repo: a.sourceRepo, path: a.sourcePath, version: a.sourceVersion } : null,
    }),
    versionSpec: t.exposeString("versionSpec", { nullable: true, description: "The version asked for (e.g. latest, v1.2.0)." }),
    resolvedVersion: t.exposeString("resolvedVersion", { nullable: true, description: "The version it resolved to." }),
    resolvedSha: t.exposeString("resolvedSha", { nullable: true, description: "The commit it resolved to." }),
    metadata: t.field({
      type: ArtifactMetadataType,
      description: "Title, description, author, licence, version and tools.",
      resolve: (a) => ({
        title: a.title,
        description: a.description,
        author: a.author,
        license: a.license,
        version: a.version,
        tools: Array.isArray(a.tools) ? a.tools.filter((x): x is string => typeof x === "string") : [],
      }),
    }),
    collection: t.field({
      type: CollectionRef,
      description: "The collection that holds it.",
      resolve: async (a, _args, ctx) => {
        const collection = preloadedCollection(a) ?? (await collectionLoader(ctx).load(a.collectionId));
        // The foreign key guarantees it; a missing one means the row was removed mid-request.
        if (!collection) throw new Error(`artifact ${a.id}: its collection ${a.collectionId} was not found`);
        return collection;
      },
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was added." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it, its tags or its groups last changed." }),
  }),
});
