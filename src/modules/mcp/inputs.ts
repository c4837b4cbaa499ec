// Inputs of the MCP module. McpServerInput mirrors server.json field for field (enum values map
// to its strings), so either form converts to the same document; both are validated by the
// server.json schema at the edge, naming the field and the rule.
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { McpArgumentTypeEnum, McpRegistryTypeEnum, McpRemoteTypeEnum, McpTransportTypeEnum } from "./types.js";
import { serverJsonSchema, withoutNulls } from "./server-json.js";

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer X> ? X : never;
const inputFields = (t: PothosSchemaTypes.InputFieldBuilder<Types, "InputObject">) => ({
  description: t.string(),
  isRequired: t.boolean(),
  isSecret: t.boolean({ description: "A secret never carries a value here: set it with setMcpServerEnv." }),
  format: t.string({ description: "string, number, boolean or filepath" }),
  value: t.string(),
  default: t.string(),
  placeholder: t.string(),
  choices: t.stringList(),
});

export const McpKeyValueInput = builder.inputType("McpKeyValueInput", {
  fields: (t) => ({ name: t.string({ required: true }), ...inputFields(t) }),
});

export const McpArgumentInput = builder.inputType("McpArgumentInput", {
  fields: (t) => ({
    type: t.field({ type: McpArgumentTypeEnum, required: true }),
    name: t.string({ description: "For a named argument, e.g. --port." }),
    valueHint: t.string(),
    isRepeated: t.boolean(),
    ...inputFields(t),
  }),
});

export const McpTransportInput = builder.inputType("McpTransportInput", {
  fields: (t) => ({
    type: t.field({ type: McpTransportTypeEnum, required: true }),
    url: t.string(),
    headers: t.field({ type: [McpKeyValueInput] }),
  }),
});

export const McpPackageInput = builder.inputType("McpPackageInput", {
  fields: (t) => ({
    registryType: t.field({ type: McpRegistryTypeEnum, required: true }),
    registryBaseUrl: t.string(),
    identifier: t.string({ required: true }),
    version: t.string({ description: "Exact, no ranges." }),
    fileSha256: t.string(),
    runtimeHint: t.string(),
    transport: t.field({ type: McpTransportInput, required: true }),
    runtimeArguments: t.field({ type: [McpArgumentInput] }),
    packageArguments: t.field({ type: [McpArgumentInput] }),
    environmentVariables: t.field({ type: [McpKeyValueInput] }),
  }),
});

export const McpRemoteInput = builder.inputType("McpRemoteInput", {
  fields: (t) => ({
    type: t.field({ type: McpRemoteTypeEnum, required: true }),
    url: t.string({ required: true }),
    headers: t.field({ type: [McpKeyValueInput] }),
  }),
});

export const McpRepositoryInput = builder.inputType("McpRepositoryInput", {
  fields: (t) => ({
    url: t.string({ required: true }),
    source: t.string({ required: true }),
    id: t.string(),
    subfolder: t.string(),
  }),
});

export const McpServerInput = builder.inputType("McpServerInput", {
  description: "server.json (2025-09-29) as typed input. For $schema, _meta or icons, pass the document as serverJson instead.",
  fields: (t) => ({
    name: t.string({ required: true, description: "Reverse-DNS, e.g. io.github.owner/server." }),
    title: t.string(),
    description: t.string({ required: true, description: "1–100 characters." }),
    version: t.string({ required: true, description: "Exact, no ranges." }),
    websiteUrl: t.string(),
    repository: t.field({ type: McpRepositoryInput }),
    packages: t.field({ type: [McpPackageInput] }),
    remotes: t.field({ type: [McpRemoteInput] }),
  }),
});

/** The server.json rules, on either input form (nulls mean "not given"). */
export const serverDocument = z.unknown().transform(withoutNulls).pipe(serverJsonSchema);

export const McpEnvValueInput = builder.inputType("McpEnvValueInput", {
  fields: (t) => ({
    name: t.string({
      required: true,
      validate: z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, "must be 1–255 letters, digits, _ . or -"),
    }),
    value: t.string({ description: "null unsets it.", validate: z.string().max(8192, "must be at most 8192 characters") }),
    isSecret: t.boolean({ description: "For a variable the server.json does not declare (default true). Declared secrets stay secret." }),
  }),
});

export const DeployMcpServerInput = builder.inputType("DeployMcpServerInput", {
  fields: (t) => ({
    settingsPath: t.string({
      description: "The settings file, relative to the settings folder (SKILLGRAPH_MCP_SETTINGS_ROOT) or absolute inside it. Default: the configured file (Claude Desktop's).",
      validate: z.string().min(1, "must not be empty").max(4096, "must be at most 4096 characters"),
    }),
    dryRun: t.boolean({ defaultValue: false, description: "Only report the changes; write nothing." }),
  }),
});
