// Content: Artifact.files, file(path), contentHash, versions, diff; ArtifactVersion; the
// importArtifact and recoverCollection mutations. Files and versions of a list of artifacts are
// loaded with one statement each per request (dataloaders keyed by version and artifact).
import { createContextCache } from "@pothos/core";
import { resolveArrayConnection } from "@pothos/plugin-relay";
import { tracedLoader } from "../../graphql/loaders.js";
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import { ErrorInterface } from "../../graphql/errors.js";
import type { Context } from "../../graphql/context.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../graphql/pagination.js";
import { fieldNeeds } from "../../graphql/selection.js";
import type { ArtifactVersion } from "../../generated/prisma/client.js";
import { ArtifactTypeEnum } from "../artifacts/schema.js";
import { JobRef } from "../jobs/schema.js";
import { ContentRuleError } from "./errors.js";
import { textOf } from "./hash.js";
import type { FileDiff, FileInfo } from "./service.js";

const filesLoader = createContextCache((ctx: Context) => tracedLoader<string, FileInfo[]>("Artifact.files", (ids) => ctx.services.content.filesOf(ids)));
/** Files with their bytes by "versionId\npath": one statement for a page of artifacts. */
const fileLoader = createContextCache(
  (ctx: Context) =>
    tracedLoader<string, (FileInfo & { data: Uint8Array }) | null>("Artifact.file", (keys) =>
      ctx.services.content.filesData(keys.map((k) => ({ versionId: k.slice(0, k.indexOf("\n")), path: k.slice(k.indexOf("\n") + 1) }))),
    ),
);
const versionsLoader = createContextCache((ctx: Context) => tracedLoader<string, ArtifactVersion[]>("Artifact.versions", (ids) => ctx.services.content.versionsOf(ids)));

builder.objectType(ContentRuleError, {
  name: "ContentRuleError",
  description: "A file breaks a content rule (front matter, symlink, path outside its root, limits); nothing was stored.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof ContentRuleError,
  fields: (t) => ({
    file: t.exposeString("file", { description: "The file, relative to the imported root (. for the root itself)." }),
    rule: t.exposeString("rule", { description: "The rule broken, e.g. front-matter.name or limits.file-size." }),
  }),
});

const ArtifactFileRef = builder.objectRef<FileInfo>("ArtifactFile").implement({
  description: "One file of an artifact's version.",
  fields: (t) => ({
    path: t.exposeString("path", { description: "Relative path, / separated." }),
    size: t.exposeInt("size", { description: "Bytes." }),
    sha256: t.exposeString("sha256", { description: "SHA-256 of the bytes, hex: the key of its stored blob." }),
    mediaType: t.exposeString("mediaType", { description: "Media type, from the file name (text/markdown …)." }),
  }),
});

const ArtifactFileContentRef = builder.objectRef<FileInfo & { data: Uint8Array }>("ArtifactFileContent").implement({
  description: "One file with its content.",
  fields: (t) => ({
    path: t.exposeString("path", { description: "Relative path, / separated." }),
    size: t.exposeInt("size", { description: "Bytes." }),
    sha256: t.exposeString("sha256", { description: "SHA-256 of the bytes, hex." }),
    mediaType: t.exposeString("mediaType", { description: "Media type." }),
    text: t.string({ nullable: true, description: "The content as UTF-8 text; null for a binary file.", resolve: (f) => textOf(f.data) }),
  }),
});

const FileDiffStatusEnum = builder.enumType("FileDiffStatus", {
  description: "How a file differs between two versions.",
  values: { ADDED: { description: "Only in the newer version." }, REMOVED: { description: "Only in the older version." }, MODIFIED: { description: "In both, with other content." } } as const,
});

const FileDiffRef = builder.objectRef<FileDiff>("FileDiff").implement({
  description: "One changed file between two versions.",
  fields: (t) => ({
    path: t.exposeString("path", { description: "The file's path." }),
    status: t.expose("status", { type: FileDiffStatusEnum, description: "Added, removed or modified." }),
    patch: t.exposeString("patch", { nullable: true, description: "Unified diff of the text; null for a binary file." }),
  }),
});

export const ArtifactVersionRef = builder.prismaNode("ArtifactVersion", {
  id: { field: "id" },
  nullable: true,
  description: "An immutable snapshot of an artifact's files.",
  fields: (t) => ({
    number: t.exposeInt("number", { description: "1, 2, 3 … per artifact." }),
    contentHash: t.exposeString("contentHash", { description: "SHA-256 over the file tree (paths and file hashes)." }),
    sourceRef: t.exposeString("sourceRef", { nullable: true, description: "Where it was imported from: a path, or a git URL#path." }),
    commit: t.exposeString("commit", { nullable: true, description: "The git commit it was imported from." }),
    createdBy: t.exposeString("createdBy", { nullable: true, description: "Who made it (token name, cli:user, system)." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was made." }),
    files: t.field({ type: [ArtifactFileRef], description: "Its files, by path.", resolve: (v, _a, ctx) => filesLoader(ctx).load(v.id) }),
  }),
});

const ArtifactVersionConnection = connectionFor(ArtifactVersionRef, "ArtifactVersion", "versions");

fieldNeeds("Artifact", { contentHash: ["contentHash"], files: ["currentVersionId"], file: ["currentVersionId"], versions: [], diff: [] });
builder.prismaObjectFields("Artifact", (t) => ({
  contentHash: t.exposeString("contentHash", { nullable: true, description: "SHA-256 over the current file tree (the same on every machine); null without content." }),
  files: t.field({
    type: [ArtifactFileRef],
    description: "The files of the current version, by path; empty without content.",
    resolve: (a, _args, ctx) => (a.currentVersionId ? filesLoader(ctx).load(a.currentVersionId) : []),
  }),
  file: t.field({
    type: ArtifactFileContentRef,
    nullable: true,
    description: "One file of the current version with its text; null when there is no such file.",
    args: { path: t.arg.string({ required: true, description: "The file's path, e.g. SKILL.md." }) },
    resolve: (a, args, ctx) => (a.currentVersionId ? fileLoader(ctx).load(`${a.currentVersionId}\n${args.path}`) : null),
  }),
  versions: t.connection(
    {
      type: ArtifactVersionRef,
      description: "Its versions, newest first.",
      resolve: async (a, args, ctx) => {
        const all = await versionsLoader(ctx).load(a.id);
        return { ...resolveArrayConnection({ args, defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE }, all), totalCount: all.length };
      },
    },
    ArtifactVersionConnection,
  ),
  diff: t.field({
    type: [FileDiffRef],
    description: "Per-file unified diffs between two versions (by number) of the text files; unchanged files are left out.",
    args: {
      from: t.arg.int({ required: true, description: "The older version's number." }),
      to: t.arg.int({ required: true, description: "The newer version's number." }),
    },
    resolve: (a, args, ctx) => ctx.services.content.diff(a.id, args.from, args.to),
  }),
}));

const GitSourceInput = builder.inputType("GitSourceInput", {
  description: "A path in a git repository.",
  fields: (t) => ({
    url: t.string({ required: true, description: "Any URL git understands (https, ssh, file://); local ones must be under SKILLGRAPH_IMPORT_ROOTS." }),
    ref: t.string({ description: "Branch, tag or commit; the default branch when omitted." }),
    path: t.string({ description: "Folder or file inside the repository; its root when omitted." }),
  }),
});

const ImportArtifactInput = builder.inputType("ImportArtifactInput", {
  description: "Where to import an artifact from: exactly one of path or git.",
  fields: (t) => ({
    collection: t.string({ description: 'Collection name; "default" when omitted.' }),
    path: t.string({ description: "A local folder (a skill, with SKILL.md) or markdown file (a command or agent), under SKILLGRAPH_IMPORT_ROOTS." }),
    git: t.field({ type: GitSourceInput, description: "A git repository." }),
    type: t.field({ type: ArtifactTypeEnum, description: "For a single markdown file: COMMAND or AGENT (default: from its folder's name)." }),
  }),
});

const ImportArtifactPayload = builder.simpleObject("ImportArtifactPayload", {
  description: "The import job; its result names the artifact and version once it succeeds.",
  fields: (t) => ({ job: t.field({ type: JobRef, description: "The content.import job (watch it with jobUpdated)." }) }),
});

builder.mutationFields((t) => ({
  importArtifact: t.field({
    type: ImportArtifactPayload,
    description:
      "Imports an artifact (files and metadata from its front matter) as a content.import job. Importing one that exists adds a version. A rule broken by a file fails the job with the file and the rule; nothing is stored.",
    errors: { types: [InvalidInputError, NotFoundError], directResult: true },
    args: { input: t.arg({ type: ImportArtifactInput, required: true, description: "What to import and where." }) },
    resolve: async (_root, { input }, ctx) => {
      ctx.services.content.checkInput(input);
      if (input.collection) await ctx.services.collections.byName(input.collection);
      if (input.type && input.type !== "SKILL" && input.type !== "COMMAND" && input.type !== "AGENT") throw new InvalidInputError("input.type", "must be SKILL, COMMAND or AGENT");
      const job = await ctx.services.jobs.enqueue("content.import", input, ctx.principal);
      return { job };
    },
  }),
}));

const RecoverSkip = builder.simpleObject("RecoverSkip", {
  description: "Something recovery could not restore, and why.",
  fields: (t) => ({
    item: t.string({ description: "The artifact key, tag or group member." }),
    reason: t.string({ description: "Why it was skipped." }),
  }),
});

const RecoverCollectionPayload = builder.simpleObject("RecoverCollectionPayload", {
  description: "What recovery from the collection folder did.",
  fields: (t) => ({
    collection: t.string({ description: "The collection's name." }),
    created: t.stringList({ description: "Keys of the artifacts created." }),
    updated: t.stringList({ description: "Keys of the artifacts that got a new version or new fields." }),
    unchanged: t.stringList({ description: "Keys of the artifacts already as the folder has them." }),
    skipped: t.field({ type: [RecoverSkip], description: "What could not be restored (not fatal)." }),
  }),
});

builder.mutationFields((t) => ({
  recoverCollection: t.field({
    type: RecoverCollectionPayload,
    authScopes: { admin: true },
    description: "Rebuilds a collection's rows (artifacts, content, tags, groups, ordered membership) from its folder's collection.toml and files. Needs admin.",
    errors: { types: [InvalidInputError, NotFoundError, ContentRuleError], directResult: true },
    args: { name: t.arg.string({ required: true, description: "The collection's name (its folder's name)." }) },
    resolve: (_root, args, ctx) => ctx.services.content.folders.recover(args.name),
  }),
}));
