// Inputs of the artifacts domain, validated at the edge: a bad value names the field and rule.
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { ArtifactOriginEnum, ArtifactTypeEnum } from "./types.js";
import { artifactNameProblem } from "./names.js";
import { parseSourceSpec } from "./source-spec.js";

const artifactName = z.string().superRefine((v, ctx) => {
  const problem = artifactNameProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const sourceSpec = z.string().superRefine((v, ctx) => {
  const r = parseSourceSpec(v);
  if (!r.ok) ctx.addIssue({ code: "custom", message: r.reason });
});
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

export const ArtifactMetadataInput = builder.inputType("ArtifactMetadataInput", {
  description: "Descriptive metadata of an artifact; each field optional.",
  fields: (t) => ({
    title: t.string({ description: "A human title (up to 200 characters).", validate: text(200) }),
    description: t.string({ description: "What it does (up to 5000 characters).", validate: text(5000) }),
    author: t.string({ description: "Who wrote it (up to 200 characters).", validate: text(200) }),
    license: t.string({ description: "Licence identifier, e.g. MIT (up to 100 characters).", validate: text(100) }),
    version: t.string({ description: "The artifact's own declared version (up to 64 characters).", validate: text(64) }),
    tools: t.stringList({ description: "Tools it uses or needs (at most 100).", validate: z.array(text(100)).max(100, "must list at most 100 tools") }),
  }),
});

export const ArtifactFilterInput = builder.inputType("ArtifactFilter", {
  description: "All given conditions must hold.",
  fields: (t) => ({
    type: t.field({ type: ArtifactTypeEnum, description: "Only artifacts of this type." }),
    origin: t.field({ type: ArtifactOriginEnum, description: "Only artifacts of this origin." }),
    tag: t.string({ description: "Tag name or slug." }),
    collection: t.string({ description: "Collection name." }),
    search: t.string({
      description: "Case-insensitive text in the name, title or description.",
      validate: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"),
    }),
  }),
});

export const ArtifactOrderField = builder.enumType("ArtifactOrderField", {
  description: "What artifacts are sorted by (ties by id).",
  values: {
    NAME: { description: "The name, alphabetically." },
    TYPE: { description: "The type, then the name." },
    CREATED_AT: { description: "When it was added." },
    UPDATED_AT: { description: "When it, its tags or its groups last changed." },
    QUALITY_SCORE: { description: "The quality score as of the artifact's last rating, signal or recomputeScores (0–100)." },
  } as const,
});
export const OrderDirection = builder.enumType("OrderDirection", {
  description: "Which way a sort runs.",
  values: { ASC: { description: "Smallest, earliest or A first." }, DESC: { description: "Largest, latest or Z first." } } as const,
});

export const ArtifactOrderInput = builder.inputType("ArtifactOrder", {
  description: "A sort order for artifacts.",
  fields: (t) => ({
    field: t.field({ type: ArtifactOrderField, required: true, description: "What to sort by." }),
    direction: t.field({ type: OrderDirection, defaultValue: "ASC", description: "Which way; ascending unless told." }),
  }),
});

export const AddArtifactInput = builder.inputType("AddArtifactInput", {
  description: "An artifact to add to a collection.",
  fields: (t) => ({
    collection: t.string({ description: 'Collection name; defaults to "default" (created on first use).' }),
    type: t.field({ type: ArtifactTypeEnum, required: true, description: "What kind of artifact it is." }),
    name: t.string({
      required: true,
      description: "No / or \\, no .., no leading dot; at most 128 characters.",
      validate: artifactName,
    }),
    origin: t.field({ type: ArtifactOriginEnum, required: true, description: "Where it comes from; GITHUB needs a source." }),
    source: t.string({ description: "owner/repo[/path][@version]; required for GITHUB.", validate: sourceSpec }),
    versionSpec: t.string({ description: "Defaults to the source's @version.", validate: text(128) }),
    resolvedVersion: t.string({ description: "The version the spec resolved to, if known.", validate: text(128) }),
    resolvedSha: t.string({ description: "The commit it resolved to: 7–64 hex digits.", validate: z.string().regex(/^[0-9a-f]{7,64}$/, "must be a hex commit sha (7–64 characters)") }),
    metadata: t.field({ type: ArtifactMetadataInput, description: "Title, description, author, licence, version and tools." }),
    tags: t.stringList({
      description: "Tag names; missing tags are created.",
      validate: z.array(text(64)).max(50, "must list at most 50 tags"),
    }),
  }),
});

export const UpdateArtifactInput = builder.inputType("UpdateArtifactInput", {
  description: "Only the fields given change; null clears an optional field.",
  fields: (t) => ({
    id: t.globalID({ required: true, description: "The artifact's global ID." }),
    name: t.string({ description: "A new name (same rules as addArtifact).", validate: artifactName }),
    source: t.string({ description: "A new source spec owner/repo[/path][@version].", validate: sourceSpec }),
    versionSpec: t.string({ description: "The version asked for (up to 128 characters).", validate: text(128) }),
    resolvedVersion: t.string({ description: "The version it resolved to.", validate: text(128) }),
    resolvedSha: t.string({ description: "The commit it resolved to: 7–64 hex digits.", validate: z.string().regex(/^[0-9a-f]{7,64}$/, "must be a hex commit sha (7–64 characters)") }),
    metadata: t.field({ type: ArtifactMetadataInput, description: "Metadata fields to change; those omitted stay." }),
  }),
});
