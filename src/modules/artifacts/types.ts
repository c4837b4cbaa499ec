// GraphQL types of the artifacts domain.
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
    owner: t.string(),
    repo: t.string(),
    path: t.string({ nullable: true, description: "Folder inside the repository, if any." }),
    version: t.string({ nullable: true, description: "The part after @ (a tag, branch, sha or `latest`)." }),
  }),
});

export const ArtifactMetadataType = builder.simpleObject("ArtifactMetadata", {
  description: "Descriptive metadata, as the artifact's own manifest states it.",
  fields: (t) => ({
    title: t.string({ nullable: true }),
    description: t.string({ nullable: true }),
    author: t.string({ nullable: true }),
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
  fields: (t) => ({
    key: t.string({
      description: "type:name, unique within the collection (e.g. skill:pdf-processor).",
      resolve: (a) => artifactKey(a.type, a.name),
    }),
    name: t.exposeString("name"),
    type: t.expose("type", { type: ArtifactTypeEnum }),
    origin: t.expose("origin", { type: ArtifactOriginEnum }),
    source: t.exposeString("source", { nullable: true, description: "The source spec as given." }),
    sourceSpec: t.field({
      type: SourceSpecType,
      nullable: true,
      description: "The source spec, parsed; null when there is no source.",
      resolve: (a) =>
        a.sourceOwner && a.sourceRepo
          ? { owner: a.sourceOwner, repo: a.sourceRepo, path: a.sourcePath, version: a.sourceVersion }
          : null,
    }),
    versionSpec: t.exposeString("versionSpec", { nullable: true, description: "The version asked for (e.g. latest, v1.2.0)." }),
    resolvedVersion: t.exposeString("resolvedVersion", { nullable: true, description: "The version it resolved to." }),
    resolvedSha: t.exposeString("resolvedSha", { nullable: true, description: "The commit it resolved to." }),
    metadata: t.field({
      type: ArtifactMetadataType,
      resolve: (a) => ({
        title: a.title,
        description: a.description,
        author: a.author,
        license: a.license,
        version: a.version,
        tools: Array.isArray(a.tools) ? a.tools.filter((x): x is string => typeof x === "string") : [],
      }),
    }),
    tags: t.field({
      type: [TagRef],
      description: "Tags on the artifact, by name.",
      select: (_args, _ctx, nested) => ({
        tags: { select: { tag: nested(true) }, orderBy: { tag: { name: "asc" } } },
      }),
      resolve: (a) => a.tags.map((x) => x.tag),
    }),
    collection: t.relation("collection"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const TagRef = builder.prismaNode("Tag", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  authScopes: { read: true },
  description: "A label for artifacts. Names and slugs are unique.",
  fields: (t) => ({
    name: t.exposeString("name"),
    slug: t.exposeString("slug", { description: "URL-safe form of the name; filters accept either." }),
    color: t.exposeString("color", { nullable: true, description: "#RRGGBB" }),
    description: t.exposeString("description", { nullable: true }),
    artifactCount: t.relationCount("artifacts", { description: "How many artifacts carry the tag." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

export const GroupRef = builder.prismaNode("Group", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  authScopes: { read: true },
  description: "An ordered set of artifacts within a collection.",
  fields: (t) => ({
    name: t.exposeString("name"),
    description: t.exposeString("description", { nullable: true }),
    color: t.exposeString("color", { nullable: true, description: "#RRGGBB" }),
    icon: t.exposeString("icon", { nullable: true }),
    position: t.exposeInt("position", { description: "0-based place among the collection's groups." }),
    collection: t.relation("collection"),
    members: t.field({
      type: [ArtifactRef],
      description: "The artifacts in the group, in order.",
      select: (_args, _ctx, nested) => ({
        members: { select: { artifact: nested(true) }, orderBy: { position: "asc" } },
      }),
      resolve: (g) => g.members.map((m) => m.artifact),
    }),
    memberCount: t.relationCount("members"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

// Added after GroupRef exists: Artifact and Group refer to each other.
builder.prismaObjectFields("Artifact", (t) => ({
  groups: t.field({
    type: [GroupRef],
    description: "Groups the artifact is a member of, in their collection order.",
    select: (_args, _ctx, nested) => ({
      groupMemberships: { select: { group: nested(true) }, orderBy: { group: { position: "asc" } } },
    }),
    resolve: (a) => a.groupMemberships.map((m) => m.group),
  }),
}));
