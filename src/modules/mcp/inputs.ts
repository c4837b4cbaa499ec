// Inputs of the MCP module. McpServerInput mirrors server.json field for field (enum values map
// to its strings), so either form converts to the same document; both are validated by the
// server.json schema at the edge, naming the field and the rule.
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { McpArgumentTypeEnum, McpRegistryTypeEnum, McpRemoteTypeEnum, McpTransportTypeEnum } from "./types.js";
import { serverJsonSchema, withoutNulls } from "./server-json.js";

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer X> ? X : never;
const inputFields = (t: PothosSchemaTypes.InputFieldBuilder<Types, "InputObject">) => ({
  description: t.string({ description: "What the input is for." }),
  isRequired: t.boolean({ description: "True when the server cannot run without it (default false)." }),
  isSecret: t.boolean({ description: "A secret never carries a value here: set it with setMcpServerEnv." }),
  format: t.string({ description: "string, number, boolean or filepath" }),
  value: t.string({ description: "A fixed value (may hold {placeholders}); never a secret." }),
  default: t.string({ description: "The value used when none is set." }),
  placeholder: t.string({ description: "Example text a client shows in an empty field." }),
  choices: t.stringList({ description: "The only values allowed." }),
});

export const McpKeyValueInput = builder.inputType("McpKeyValueInput", {
  description: "A named input: an environment variable of a package, or a header of a remote or transport.",
  fields: (t) => ({ name: t.string({ required: true, description: "The variable's or header's name." }), ...inputFields(t) }),
});

export const McpArgumentInput = builder.inputType("McpArgumentInput", {
  description: "A command-line argument: positional (a value) or named (--flag value).",
  fields: (t) => ({
    type: t.field({ type: McpArgumentTypeEnum, required: true, description: "Positional or named." }),
    name: t.string({ description: "For a named argument, e.g. --port." }),
    valueHint: t.string({ description: "A label for the value in help text, e.g. file_path." }),
    isRepeated: t.boolean({ description: "True when it may be given more than once (default false)." }),
    ...inputFields(t),
  }),
});

export const McpTransportInput = builder.inputType("McpTransportInput", {
  description: "How a client talks to a package once it runs.",
  fields: (t) => ({
    type: t.field({ type: McpTransportTypeEnum, required: true, description: "stdio, or an HTTP transport." }),
    url: t.string({ description: "For an HTTP transport: the URL the running package serves (may hold {placeholders})." }),
    headers: t.field({ type: [McpKeyValueInput], description: "For an HTTP transport: headers a client sends." }),
  }),
});

export const McpPackageInput = builder.inputType("McpPackageInput", {
  description: "A way to install and run the server locally (server.json packages[]).",
  fields: (t) => ({
    registryType: t.field({ type: McpRegistryTypeEnum, required: true, description: "The registry the package is published in." }),
    registryBaseUrl: t.string({ description: "The registry's base URL; the registry type's default when omitted." }),
    identifier: t.string({ required: true, description: "The package's name in its registry (or the bundle's URL for MCPB)." }),
    version: t.string({ description: "Exact, no ranges." }),
    fileSha256: t.string({ description: "SHA-256 (64 hex digits) of the downloaded file; for MCPB bundles." }),
    runtimeHint: t.string({ description: "The command that runs it (npx, uvx, docker, dnx, …)." }),
    transport: t.field({ type: McpTransportInput, required: true, description: "How a client talks to it once it runs." }),
    runtimeArguments: t.field({ type: [McpArgumentInput], description: "Arguments for the runtime (before the package)." }),
    packageArguments: t.field({ type: [McpArgumentInput], description: "Arguments for the package itself." }),
    environmentVariables: t.field({ type: [McpKeyValueInput], description: "Environment variables the package reads." }),
  }),
});

export const McpRemoteInput = builder.inputType("McpRemoteInput", {
  description: "A hosted endpoint of the server (server.json remotes[]).",
  fields: (t) => ({
    type: t.field({ type: McpRemoteTypeEnum, required: true, description: "The endpoint's HTTP transport." }),
    url: t.string({ required: true, description: "The endpoint's URL (may hold {placeholders})." }),
    headers: t.field({ type: [McpKeyValueInput], description: "HTTP headers a client sends, e.g. an API key." }),
  }),
});

export const McpRepositoryInput = builder.inputType("McpRepositoryInput", {
  description: "Where the server's source code lives.",
  fields: (t) => ({
    url: t.string({ required: true, description: "The repository's URL." }),
    source: t.string({ required: true, description: "The hosting service, e.g. github." }),
    id: t.string({ description: "The hosting service's stable id of the repository." }),
    subfolder: t.string({ description: "The server's folder in a monorepo." }),
  }),
});

export const McpServerInput = builder.inputType("McpServerInput", {
  description: "server.json (2025-09-29) as typed input. For $schema, _meta or icons, pass the document as serverJson instead.",
  fields: (t) => ({
    name: t.string({ required: true, description: "Reverse-DNS, e.g. io.github.owner/server." }),
    title: t.string({ description: "A human-readable name." }),
    description: t.string({ required: true, description: "1–100 characters." }),
    version: t.string({ required: true, description: "Exact, no ranges." }),
    websiteUrl: t.string({ description: "Its homepage or documentation." }),
    repository: t.field({ type: McpRepositoryInput, description: "Where its source code lives." }),
    packages: t.field({ type: [McpPackageInput], description: "Ways to install and run it locally; the first is what checks and deploys run." }),
    remotes: t.field({ type: [McpRemoteInput], description: "Hosted endpoints, used when it has no package." }),
  }),
});

/** The server.json rules, on either input form (nulls mean "not given"). */
export const serverDocument = z.unknown().transform(withoutNulls).pipe(serverJsonSchema);

export const McpEnvValueInput = builder.inputType("McpEnvValueInput", {
  description: "One environment value of a server to set or unset.",
  fields: (t) => ({
    name: t.string({
      required: true,
      description: "The variable's name.",
      validate: z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, "must be 1–255 letters, digits, _ . or -"),
    }),
    value: t.string({ description: "null unsets it.", validate: z.string().max(8192, "must be at most 8192 characters") }),
    isSecret: t.boolean({ description: "For a variable the server.json does not declare (default true). Declared secrets stay secret." }),
  }),
});

export const DeployMcpServerInput = builder.inputType("DeployMcpServerInput", {
  description: "Where and how to deploy (or undeploy) a server to a client settings file.",
  fields: (t) => ({
    settingsPath: t.string({
      description: "The settings file, relative to the settings folder (SKILLGRAPH_MCP_SETTINGS_ROOT) or absolute inside it. Default: the configured file (Claude Desktop's).",
      validate: z.string().min(1, "must not be empty").max(4096, "must be at most 4096 characters"),
    }),
    dryRun: t.boolean({ defaultValue: false, description: "Only report the changes; write nothing." }),
  }),
});
