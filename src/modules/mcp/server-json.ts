// The official MCP registry's server.json (schema 2025-09-29), validated with zod. Unknown keys
// are kept (the document round-trips verbatim); known keys are checked with rules that name the
// field. A secret input never carries a literal value: secrets are set with setMcpServerEnv.
import { z } from "zod";

export const SERVER_SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json";

/** A string, with "is required" (not zod's default wording) when it is missing. */
const str = () => z.string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") });

const text = (min: number, max: number) =>
  str().min(min, min === 1 ? "must not be empty" : `must be at least ${min} characters`).max(max, `must be at most ${max} characters`);
const httpUrl = str()
  .max(2048, "must be at most 2048 characters")
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an http(s) URL");
/** Remote and transport URLs may carry {placeholders}; they must still parse once filled. */
const templatedUrl = str()
  .max(2048, "must be at most 2048 characters")
  .refine((v) => {
    try {
      const u = new URL(v.replace(/\{[A-Za-z0-9_.-]+\}/g, "x"));
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an http(s) URL");

/** An exact version: no ranges, wildcards or `latest`. */
export function versionProblem(v: string): string | null {
  if (v.trim() !== v || v === "") return "must be an exact version, e.g. 1.0.2";
  if (v === "latest") return "must be an exact version, not `latest`";
  if (/^[\^~<>=]|\s|\|\||(^|[.-])[xX*](?=$|[.-])|\*/.test(v)) return "must be an exact version, not a range (e.g. 1.0.2, not ^1.0.2)";
  return null;
}
const exactVersion = str()
  .max(255, "must be at most 255 characters")
  .superRefine((v, ctx) => {
    const p = versionProblem(v);
    if (p) ctx.addIssue({ code: "custom", message: p });
  });

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

const inputFields = {
  description: text(1, 1000).optional(),
  isRequired: z.boolean().optional(),
  format: z.enum(["string", "number", "boolean", "filepath"], { message: "must be string, number, boolean or filepath" }).optional(),
  value: z.string().max(4096, "must be at most 4096 characters").optional(),
  isSecret: z.boolean().optional(),
  default: z.string().max(4096, "must be at most 4096 characters").optional(),
  placeholder: z.string().max(1000).optional(),
  choices: z.array(z.string().max(1000)).max(100, "must list at most 100 choices").optional(),
};

function noSecretLiteral(v: { isSecret?: boolean; value?: string; default?: string }, ctx: z.RefinementCtx) {
  if (!v.isSecret) return;
  for (const k of ["value", "default"] as const) {
    if (v[k] !== undefined && !/^[^{}]*(\{[A-Za-z0-9_.-]+\}[^{}]*)+$/.test(v[k])) {
      ctx.addIssue({ code: "custom", path: [k], message: "must not be given for a secret input (set it with setMcpServerEnv)" });
    }
  }
}

const keyValue = (namePattern: RegExp, nameRule: string) =>
  z
    .looseObject({
      name: str().min(1, "must not be empty").max(255, "must be at most 255 characters").regex(namePattern, nameRule),
      ...inputFields,
      variables: z.record(z.string(), z.looseObject(inputFields)).optional(),
    })
    .superRefine(noSecretLiteral);

export const envVarSchema = keyValue(ENV_NAME, "must be an environment variable name (letters, digits, _; not starting with a digit)");
export const headerSchema = keyValue(HEADER_NAME, "must be an HTTP header name");

const uniqueNames = <T extends { name: string }>(what: string) => (list: T[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const key = what === "header" ? item.name.toLowerCase() : item.name;
    if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `must be unique: ${what} "${item.name}" is listed twice` });
    seen.add(key);
  });
};

const argumentSchema = z
  .looseObject({
    type: z.enum(["positional", "named"], { message: "must be positional or named" }),
    name: z.string().min(1, "must not be empty").max(255).optional(),
    valueHint: z.string().max(255).optional(),
    isRepeated: z.boolean().optional(),
    ...inputFields,
    variables: z.record(z.string(), z.looseObject(inputFields)).optional(),
  })
  .superRefine((a, ctx) => {
    if (a.type === "named" && !a.name) ctx.addIssue({ code: "custom", path: ["name"], message: "is required for a named argument" });
    if (a.type === "positional" && a.value === undefined && a.valueHint === undefined && a.default === undefined) {
      ctx.addIssue({ code: "custom", path: ["value"], message: "a positional argument needs a value, valueHint or default" });
    }
    noSecretLiteral(a, ctx);
  });

const headers = z.array(headerSchema).max(50, "must list at most 50 headers").superRefine(uniqueNames("header"));

const transportSchema = z.discriminatedUnion(
  "type",
  [
    z.looseObject({ type: z.literal("stdio") }),
    z.looseObject({ type: z.literal("streamable-http"), url: templatedUrl, headers: headers.optional() }),
    z.looseObject({ type: z.literal("sse"), url: templatedUrl, headers: headers.optional() }),
  ],
  { message: "type must be stdio, streamable-http or sse" },
);

export const REGISTRY_TYPES = ["npm", "pypi", "oci", "nuget", "mcpb"] as const;
export type RegistryType = (typeof REGISTRY_TYPES)[number];

const packageSchema = z
  .looseObject({
    registryType: z.enum(REGISTRY_TYPES, { message: "must be one of npm, pypi, oci, nuget, mcpb" }),
    registryBaseUrl: httpUrl.optional(),
    identifier: text(1, 255),
    version: exactVersion.optional(),
    fileSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits").optional(),
    runtimeHint: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be a bare command name (e.g. npx, uvx, docker), not a path")
      .optional(),
    transport: transportSchema,
    runtimeArguments: z.array(argumentSchema).max(100, "must list at most 100 arguments").optional(),
    packageArguments: z.array(argumentSchema).max(100, "must list at most 100 arguments").optional(),
    environmentVariables: z.array(envVarSchema).max(100, "must list at most 100 variables").superRefine(uniqueNames("variable")).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.registryType === "mcpb" && !p.fileSha256) ctx.addIssue({ code: "custom", path: ["fileSha256"], message: "is required for an mcpb package" });
    if (p.registryType !== "oci" && p.registryType !== "mcpb" && p.version === undefined) {
      ctx.addIssue({ code: "custom", path: ["version"], message: `is required for a ${p.registryType} package` });
    }
  });

const remoteSchema = z.looseObject({
  type: z.enum(["streamable-http", "sse"], { message: "must be streamable-http or sse" }),
  url: templatedUrl,
  headers: headers.optional(),
});

export const serverJsonSchema = z.looseObject({
  $schema: z
    .string()
    .refine((v) => v.includes("2025-09-29"), `must be the 2025-09-29 server.json schema (${SERVER_SCHEMA_URL})`)
    .optional(),
  name: str()
    .min(3, "must be at least 3 characters")
    .max(200, "must be at most 200 characters")
    .regex(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/, "must be reverse-DNS namespace/name, e.g. io.github.owner/server"),
  title: text(1, 100).optional(),
  description: text(1, 100),
  version: exactVersion,
  websiteUrl: httpUrl.optional(),
  repository: z
    .looseObject({
      url: httpUrl,
      source: text(1, 64),
      id: z.string().max(255).optional(),
      subfolder: z
        .string()
        .max(500)
        .refine((v) => !v.startsWith("/") && !v.split("/").includes(".."), "must be a relative path inside the repository (no .., not absolute)")
        .optional(),
    })
    .optional(),
  icons: z.array(z.looseObject({ src: httpUrl })).max(20).optional(),
  packages: z.array(packageSchema).max(20, "must list at most 20 packages").optional(),
  remotes: z.array(remoteSchema).max(20, "must list at most 20 remotes").optional(),
  _meta: z.record(z.string(), z.unknown()).optional(),
});

export type ServerJson = z.output<typeof serverJsonSchema>;
export type McpPackage = NonNullable<ServerJson["packages"]>[number];
export type McpRemote = NonNullable<ServerJson["remotes"]>[number];
export type McpArgument = NonNullable<McpPackage["runtimeArguments"]>[number];
export type McpKeyValue = z.output<typeof envVarSchema>;

/** Drops null values recursively (GraphQL inputs use null for "not given"; server.json omits). */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
    return out;
  }
  return value;
}

/** The last segment of the name: the key of the entry in a client's mcpServers. */
export function shortName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}
