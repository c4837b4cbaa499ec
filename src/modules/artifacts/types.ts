// GraphQL types of the artifacts domain. Columns are selected only when a request asks for the
// fields that need them (the Prisma plugin's select mode).
import { builder } from "../../graphql/builder.js";
import { ArtifactOrigin, ArtifactType } from "../../generated/prisma/enums.js";
import { artifactKey } from "./names.js";

export const ArtifactTypeEnum = builder.enumType(ArtifactType, {
  name: "ArtifactType",
  description: "What kind of artifact it is; lower-cased it is the first part of a key (skill:name).",
});

export const ArtifactOriginEnum = builder.enumType(ArtifactOrigin, {
  name: "ArtifactOrigin",
  description: "Where the artifact came from.",
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

export const ArtifactRef = builder.prismaNode("Artifact", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  authScopes: { read: true },
  description: "A skill, command, agent, hook, MCP server, workflow or composite, kept in a collection.",
  select: { id: true },
  fields: (t) => ({
    key: t.string({
      description: "type:name, unique within the collection (e.g. skill:pdf-processor).",
      select: { type: true, name: true },
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
      select: { sourceOwner: true, sourceRepo: true, sourcePath: true, sourceVersion: true },
      resolve: (a) =>
        a.sourceOwner && a.sourceRepo ? { owner: a.sourceOwner, repo: a.sourceRepo, path: a.sourcePath, version: a.sourceVersion } : null,
    }),
    versionSpec: t.exposeString("versionSpec", { nullable: true, description: "The version asked for (e.g. latest, v1.2.0)." }),
    resolvedVersion: t.exposeString("resolvedVersion", { nullable: true, description: "The version it resolved to." }),
    resolvedSha: t.exposeString("resolvedSha", { nullable: true, description: "The commit it resolved to." }),
    metadata: t.field({
      type: ArtifactMetadataType,
      description: "Title, description, author, licence, version and tools.",
      select: { title: true, description: true, author: true, license: true, version: true, tools: true },
      resolve: (a) => ({
        title: a.title,
        description: a.description,
        author: a.author,
        license: a.license,
        version: a.version,
        tools: Array.isArray(a.tools) ? a.tools.filter((x): x is string => typeof x === "string") : [],
      }),
    }),
    collection: t.relation("collection", { description: "The collection that holds it." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was added." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it, its tags or its groups last changed." }),
  }),
});
