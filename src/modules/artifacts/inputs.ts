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
  fields: (t) => ({
    title: t.string({ validate: text(200) }),
    description: t.string({ validate: text(5000) }),
    author: t.string({ validate: text(200) }),
    license: t.string({ validate: text(100) }),
    version: t.string({ validate: text(64) }),
    tools: t.stringList({ validate: z.array(text(100)).max(100, "must list at most 100 tools") }),
  }),
});

export const ArtifactFilterInput = builder.inputType("ArtifactFilter", {
  description: "All given conditions must hold.",
  fields: (t) => ({
    type: t.field({ type: ArtifactTypeEnum }),
    origin: t.field({ type: ArtifactOriginEnum }),
    tag: t.string({ description: "Tag name or slug." }),
    collection: t.string({ description: "Collection name." }),
    search: t.string({
      description: "Case-insensitive text in the name, title or description.",
      validate: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"),
    }),
  }),
});

export const ArtifactOrderField = builder.enumType("ArtifactOrderField", {
  values: {
    NAME: {},
    TYPE: {},
    CREATED_AT: {},
    UPDATED_AT: {},
    QUALITY_SCORE: { description: "The quality score as of the artifact's last rating, signal or recomputeScores (0–100)." },
  } as const,
});
export const OrderDirection = builder.enumType("OrderDirection", { values: ["ASC", "DESC"] as const });

export const ArtifactOrderInput = builder.inputType("ArtifactOrder", {
  fields: (t) => ({
    field: t.field({ type: ArtifactOrderField, required: true }),
    direction: t.field({ type: OrderDirection, defaultValue: "ASC" }),
  }),
});

export const AddArtifactInput = builder.inputType("AddArtifactInput", {
  fields: (t) => ({
    collection: t.string({ description: 'Collection name; defaults to "default" (created on first use).' }),
    type: t.field({ type: ArtifactTypeEnum, required: true }),
    name: t.string({
      required: true,
      description: "No / or \\, no .., no leading dot; at most 128 characters.",
      validate: artifactName,
    }),
    origin: t.field({ type: ArtifactOriginEnum, required: true }),
    source: t.string({ description: "owner/repo[/path][@version]; required for GITHUB.", validate: sourceSpec }),
    versionSpec: t.string({ description: "Defaults to the source's @version.", validate: text(128) }),
    resolvedVersion: t.string({ validate: text(128) }),
    resolvedSha: t.string({ validate: z.string().regex(/^[0-9a-f]{7,64}$/, "must be a hex commit sha (7–64 characters)") }),
    metadata: t.field({ type: ArtifactMetadataInput }),
    tags: t.stringList({
      description: "Tag names; missing tags are created.",
      validate: z.array(text(64)).max(50, "must list at most 50 tags"),
    }),
  }),
});

export const UpdateArtifactInput = builder.inputType("UpdateArtifactInput", {
  description: "Only the fields given change; null clears an optional field.",
  fields: (t) => ({
    id: t.globalID({ required: true }),
    name: t.string({ validate: artifactName }),
    source: t.string({ validate: sourceSpec }),
    versionSpec: t.string({ validate: text(128) }),
    resolvedVersion: t.string({ validate: text(128) }),
    resolvedSha: t.string({ validate: z.string().regex(/^[0-9a-f]{7,64}$/, "must be a hex commit sha (7–64 characters)") }),
    metadata: t.field({ type: ArtifactMetadataInput }),
  }),
});
