// GraphQL types of the MCP module: McpServer (server.json's shape), its env, deployments, health.
import type { Context } from "../../graphql/context.js";
import { tracedLoad } from "../../graphql/loaders.js";
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import { McpHealthStatus } from "../../generated/prisma/enums.js";
import { declaredInputs, launchTarget, missingEnv } from "./launch.js";
import { parseRecentErrors, type HealthError, type HealthView } from "./health.js";
import { HEALTH_REASONS, REASON_TEXT, reasonOf, type HealthReason } from "./health-reasons.js";
import type { LaunchView } from "./launch-hash.js";
import { documentOf } from "./registry.js";
import { shortName, type McpArgument, type McpKeyValue, type McpPackage, type McpRemote } from "./server-json.js";

export const McpHealthStatusEnum = builder.enumType("McpHealthStatus", {
  values: {
    HEALTHY: { value: McpHealthStatus.HEALTHY, description: "Answered the handshake and tools/list in time." },
    DEGRADED: { value: McpHealthStatus.DEGRADED, description: "Answered, but slowly or tools/list failed." },
    UNHEALTHY: { value: McpHealthStatus.UNHEALTHY, description: "Did not start, crashed, refused or timed out." },
    UNKNOWN: { value: McpHealthStatus.UNKNOWN, description: "Deployed, not checked yet." },
    NOT_DEPLOYED: { value: McpHealthStatus.NOT_DEPLOYED, description: "Deployed nowhere and not checked." },
    NOT_APPROVED: { value: "NOT_APPROVED", description: "Its launch specification is not approved as it stands; nothing is run or reached." },
  } as const,
  description:
    "HEALTHY: answered the handshake and tools/list in time. DEGRADED: answered, but slowly or tools/list failed. UNHEALTHY: did not start, crashed, refused or timed out. UNKNOWN: deployed, not checked yet. NOT_DEPLOYED: deployed nowhere and not checked. NOT_APPROVED: an admin has not approved its launch specification as it stands (approveMcpServerLaunch); nothing is run or reached until then.",
});

export const McpHealthReasonEnum = builder.enumType("McpHealthReason", {
  values: Object.fromEntries(HEALTH_REASONS.map((r) => [r, { description: REASON_TEXT[r] }])) as Record<HealthReason, { description: string }>,
  description: "Why a check was not healthy, classified. The detail (process output) is shown to admins only.",
});

/** The detail of a check for admins; for everyone else the reason's sentence (process output may hold anything). */
const detailFor = (ctx: { principal: { scopes: ReadonlySet<string> } }, reason: HealthReason, detail: string | null): string | null =>
  detail === null ? null : ctx.principal.scopes.has("admin") ? detail : REASON_TEXT[reason];

export const McpRegistryTypeEnum = builder.enumType("McpRegistryType", {
  description: "Where a package is published.",
  values: {
    NPM: { value: "npm", description: "The npm registry (run with npx)." },
    PYPI: { value: "pypi", description: "The Python Package Index (run with uvx)." },
    OCI: { value: "oci", description: "An OCI container image (run with docker)." },
    NUGET: { value: "nuget", description: "NuGet (run with dnx)." },
    MCPB: { value: "mcpb", description: "An MCP bundle file downloaded from a URL, checked against fileSha256." },
  } as const,
});
export const McpTransportTypeEnum = builder.enumType("McpTransportType", {
  description: "How a client talks to the server.",
  values: {
    STDIO: { value: "stdio", description: "A local process, over its standard input and output." },
    STREAMABLE_HTTP: { value: "streamable-http", description: "MCP's Streamable HTTP transport, at a URL." },
    SSE: { value: "sse", description: "The older HTTP+SSE transport, at a URL." },
  } as const,
});
export const McpRemoteTypeEnum = builder.enumType("McpRemoteType", {
  description: "The HTTP transport of a hosted endpoint.",
  values: {
    STREAMABLE_HTTP: { value: "streamable-http", description: "MCP's Streamable HTTP transport." },
    SSE: { value: "sse", description: "The older HTTP+SSE transport." },
  } as const,
});
export const McpArgumentTypeEnum = builder.enumType("McpArgumentType", {
  description: "How a command-line argument is passed.",
  values: {
    POSITIONAL: { value: "positional", description: "A bare value, in order." },
    NAMED: { value: "named", description: "A flag with its value, e.g. --port 8080." },
  } as const,
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer X> ? X : never;
type InputLike = { description?: string; isRequired?: boolean; isSecret?: boolean; format?: string; value?: string; default?: string; choices?: string[] };
const inputFields = <T extends InputLike>(t: PothosSchemaTypes.ObjectFieldBuilder<Types, T>) => ({
  description: t.string({ nullable: true, description: "What the input is for, as the server.json says; null when it says nothing.", resolve: (v) => v.description ?? null }),
  isRequired: t.boolean({ description: "True when the server cannot run without it.", resolve: (v) => v.isRequired ?? false }),
  isSecret: t.boolean({ description: "True when its value is a secret (stored encrypted, never returned).", resolve: (v) => v.isSecret ?? false }),
  format: t.string({ nullable: true, description: "string, number, boolean or filepath", resolve: (v) => v.format ?? null }),
  value: t.string({ nullable: true, description: "A fixed value (may hold {placeholders}); never a secret.", resolve: (v) => v.value ?? null }),
  default: t.string({ nullable: true, description: "The value used when none is set; null when there is none.", resolve: (v) => v.default ?? null }),
  choices: t.stringList({ nullable: true, description: "The only values allowed; null when any value is.", resolve: (v) => v.choices ?? null }),
});

export const McpKeyValueRef = builder.objectRef<McpKeyValue>("McpKeyValue").implement({
  description: "A named input: an environment variable of a package, or a header of a remote.",
  fields: (t) => ({ name: t.string({ description: "The variable's or header's name.", resolve: (v) => v.name }), ...inputFields(t) }),
});

export const McpArgumentRef = builder.objectRef<McpArgument>("McpArgument").implement({
  description: "A command-line argument: positional (a value) or named (--flag value).",
  fields: (t) => ({
    type: t.field({ type: McpArgumentTypeEnum, description: "Positional or named.", resolve: (a) => a.type }),
    name: t.string({ nullable: true, description: "The flag of a named argument, e.g. --port; null for a positional one.", resolve: (a) => a.name ?? null }),
    valueHint: t.string({ nullable: true, description: "A label for the value in help text (e.g. file_path); null when none.", resolve: (a) => a.valueHint ?? null }),
    isRepeated: t.boolean({ description: "True when the argument may be given more than once.", resolve: (a) => a.isRepeated ?? false }),
    ...inputFields(t),
  }),
});

type Transport = McpPackage["transport"];
export const McpTransportRef = builder.objectRef<Transport>("McpTransport").implement({
  description: "How a client talks to a package once it runs.",
  fields: (t) => ({
    type: t.field({ type: McpTransportTypeEnum, description: "stdio, or an HTTP transport.", resolve: (x) => x.type }),
    url: t.string({ nullable: true, description: "The URL the running package serves (may hold {placeholders}); null for stdio.", resolve: (x) => (x.type === "stdio" ? null : x.url) }),
    headers: t.field({ type: [McpKeyValueRef], description: "HTTP headers a client sends; empty for stdio.", resolve: (x) => (x.type === "stdio" ? [] : (x.headers ?? [])) }),
  }),
});

export const McpPackageRef = builder.objectRef<McpPackage>("McpPackage").implement({
  description: "A way to install and run the server locally.",
  fields: (t) => ({
    registryType: t.field({ type: McpRegistryTypeEnum, description: "The registry the package is published in.", resolve: (p) => p.registryType }),
    registryBaseUrl: t.string({ nullable: true, description: "The registry's base URL, e.g. https://registry.npmjs.org; null for the registry type's default.", resolve: (p) => p.registryBaseUrl ?? null }),
    identifier: t.string({ description: "The package's name in its registry (or the bundle's URL for MCPB).", resolve: (p) => p.identifier }),
    version: t.string({ nullable: true, description: "The exact package version; null when not pinned.", resolve: (p) => p.version ?? null }),
    fileSha256: t.string({ nullable: true, description: "SHA-256 (hex) of the downloaded file, for MCPB bundles; null otherwise.", resolve: (p) => p.fileSha256 ?? null }),
    runtimeHint: t.string({ nullable: true, description: "The command that runs it (npx, uvx, docker, dnx, …).", resolve: (p) => p.runtimeHint ?? null }),
    transport: t.field({ type: McpTransportRef, description: "How a client talks to it once it runs.", resolve: (p) => p.transport }),
    runtimeArguments: t.field({ type: [McpArgumentRef], description: "Arguments for the runtime (before the package), e.g. docker's -p.", resolve: (p) => p.runtimeArguments ?? [] }),
    packageArguments: t.field({ type: [McpArgumentRef], description: "Arguments for the package itself (after its identifier).", resolve: (p) => p.packageArguments ?? [] }),
    environmentVariables: t.field({ type: [McpKeyValueRef], description: "Environment variables the package reads.", resolve: (p) => p.environmentVariables ?? [] }),
  }),
});

export const McpRemoteRef = builder.objectRef<McpRemote>("McpRemote").implement({
  description: "A hosted endpoint of the server.",
  fields: (t) => ({
    type: t.field({ type: McpRemoteTypeEnum, description: "The endpoint's HTTP transport.", resolve: (r) => r.type }),
    url: t.string({ description: "The endpoint's URL (may hold {placeholders}).", resolve: (r) => r.url }),
    headers: t.field({ type: [McpKeyValueRef], description: "HTTP headers a client sends, e.g. an API key.", resolve: (r) => r.headers ?? [] }),
  }),
});

export const McpRepositoryRef = builder.simpleObject("McpRepository", {
  description: "Where the server's source code lives.",
  fields: (t) => ({
    url: t.string({ description: "The repository's URL." }),
    source: t.string({ description: "e.g. github" }),
    id: t.string({ nullable: true, description: "The hosting service's stable id of the repository; null when not given." }),
    subfolder: t.string({ nullable: true, description: "The server's folder in a monorepo; null when at the root." }),
  }),
});

export interface EnvVariableView {
  name: string;
  declared: boolean;
  description: string | null;
  isRequired: boolean;
  isSecret: boolean;
  isSet: boolean;
  value: string | null;
  default: string | null;
}

export const McpEnvVariableRef = builder.objectRef<EnvVariableView>("McpEnvVariable").implement({
  description: "An environment value of the server: declared by its package (or a remote header) and/or set. A secret's value is never returned.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The variable's name." }),
    declared: t.exposeBoolean("declared", { description: "Declared by the server.json (else set only)." }),
    description: t.exposeString("description", { nullable: true, description: "What it is for, from the server.json; null when set only or undescribed." }),
    isRequired: t.exposeBoolean("isRequired", { description: "Required by the server.json (deploy and checks refuse while it is missing and has no default)." }),
    isSecret: t.exposeBoolean("isSecret", { description: "Write-only: stored encrypted; the API says whether it is set, never what it is." }),
    isSet: t.exposeBoolean("isSet", { description: "True when a value is stored (setMcpServerEnv)." }),
    value: t.exposeString("value", { nullable: true, description: "The stored value; null for secrets and unset variables." }),
    default: t.exposeString("default", { nullable: true, description: "The server.json's default, used when unset; null when none." }),
  }),
});

export const McpServerInfoRef = builder.simpleObject("McpServerInfo", {
  description: "What the server said about itself in the handshake.",
  fields: (t) => ({ name: t.string({ description: "The name in its serverInfo." }), version: t.string({ description: "The version in its serverInfo (empty when it sent none)." }) }),
});

export const McpHealthErrorRef = builder.objectRef<HealthError>("McpHealthError").implement({
  description: "One failed health check, as kept in the server's recent errors.",
  fields: (t) => ({
    at: t.field({ type: "DateTime", description: "When the check failed.", resolve: (e) => new Date(e.at) }),
    reason: t.field({ type: McpHealthReasonEnum, description: "Why it failed, classified.", resolve: (e) => e.reason }),
    message: t.string({
      description: "Admins: the detail, truncated, secrets masked as ****. Everyone else: the reason in a sentence.",
      resolve: (e, _args, ctx) => detailFor(ctx, e.reason, e.message) ?? REASON_TEXT[e.reason],
    }),
  }),
});

export const McpHealthRef = builder.objectRef<HealthView>("McpHealth").implement({
  description: "The server's health: the last check, or UNKNOWN / NOT_DEPLOYED before any.",
  fields: (t) => ({
    status: t.field({ type: McpHealthStatusEnum, description: "The status of the last check, or UNKNOWN / NOT_DEPLOYED / NOT_APPROVED before one.", resolve: (h) => h.status }),
    latencyMs: t.int({ nullable: true, description: "Handshake plus tools/list, in ms.", resolve: (h) => h.row?.latencyMs ?? null }),
    toolCount: t.int({ nullable: true, description: "How many tools tools/list returned at the last check; null before one or when it failed.", resolve: (h) => h.row?.toolCount ?? null }),
    serverInfo: t.field({
      type: McpServerInfoRef,
      nullable: true,
      description: "What the server said about itself at the last successful handshake; null before one.",
      resolve: (h) => (h.row?.serverName != null ? { name: h.row.serverName, version: h.row.serverVersion ?? "" } : null),
    }),
    protocolVersion: t.string({ nullable: true, description: "The MCP protocol version it negotiated, e.g. 2025-06-18; null before a handshake.", resolve: (h) => h.row?.protocolVersion ?? null }),
    checkedAt: t.field({ type: "DateTime", nullable: true, description: "When it was last checked; null before any check.", resolve: (h) => h.row?.checkedAt ?? null }),
    lastSeen: t.field({ type: "DateTime", nullable: true, description: "When it last answered the handshake.", resolve: (h) => h.row?.lastSeen ?? null }),
    errorCount: t.int({ description: "Failed checks in a row.", resolve: (h) => h.row?.errorCount ?? 0 }),
    recentErrors: t.field({
      type: [McpHealthErrorRef],
      description: "The last 10 errors, newest first.",
      resolve: (h) => parseRecentErrors(h.row?.recentErrors),
    }),
  }),
});

builder.prismaObject("McpDeployment", {
  description: "An entry of the server in a client settings file.",
  fields: (t) => ({
    settingsPath: t.exposeString("settingsPath", { description: "The client settings file it was written to (absolute path on the server)." }),
    entryName: t.exposeString("entryName", { description: "The key under mcpServers." }),
    deployedAt: t.expose("deployedAt", { type: "DateTime", description: "When the entry was (last) written." }),
  }),
});

const McpHealthCheckRef = builder.prismaObject("McpHealthCheck", {
  description: "One health check, as history.",
  fields: (t) => ({
    status: t.expose("status", { type: McpHealthStatusEnum, description: "What the check found." }),
    latencyMs: t.exposeInt("latencyMs", { nullable: true, description: "Handshake plus tools/list, in ms; null when it did not answer." }),
    toolCount: t.exposeInt("toolCount", { nullable: true, description: "How many tools tools/list returned; null when it failed." }),
    reason: t.field({ type: McpHealthReasonEnum, nullable: true, description: "Why it was not healthy; null for a healthy check.", resolve: (c) => (c.error === null && c.reason === null ? null : reasonOf(c.reason)) }),
    error: t.string({
      nullable: true,
      description: "Admins: the detail, truncated, secrets masked as ****. Everyone else: the reason in a sentence.",
      resolve: (c, _args, ctx) => detailFor(ctx, reasonOf(c.reason), c.error),
    }),
    checkedAt: t.expose("checkedAt", { type: "DateTime", description: "When the check ran." }),
  }),
});

const McpHealthCheckConnection = connectionFor(McpHealthCheckRef, "McpHealthCheck", "health checks");

const McpPinnedEnvRef = builder.simpleObject("McpPinnedEnv", {
  description: "A variable whose value decides what code a process loads (NODE_OPTIONS, LD_PRELOAD …): its value is part of the approval.",
  fields: (t) => ({ name: t.string({ description: "The variable's name." }), value: t.string({ description: "Secret values are masked as ****." }) }),
});

const McpLaunchRef = builder.objectRef<LaunchView>("McpLaunch").implement({
  description: "What a check (or a client) would run or reach, as an admin reviews it before approving it. Secret values are masked as ****.",
  fields: (t) => ({
    kind: t.field({ type: McpTransportTypeEnum, description: "STDIO: a process is started; otherwise a URL is reached.", resolve: (l) => l.kind }),
    command: t.string({ nullable: true, description: "The program started (npx, uvx, docker …); null for a URL.", resolve: (l) => l.command }),
    args: t.stringList({ description: "Its arguments, in order; empty for a URL.", resolve: (l) => l.args }),
    envNames: t.stringList({ description: "Names of the environment variables it gets (declared or set).", resolve: (l) => l.envNames }),
    pinnedEnv: t.field({ type: [McpPinnedEnvRef], description: "Variables whose values are part of the approval.", resolve: (l) => l.pinnedEnv }),
    url: t.string({ nullable: true, description: "The URL reached; null for a process.", resolve: (l) => l.url }),
    headerNames: t.stringList({ description: "Names of the HTTP headers sent (values are not shown).", resolve: (l) => l.headerNames }),
    hash: t.string({ description: "SHA-256 of the specification: pass it to approveMcpServerLaunch.", resolve: (l) => l.hash }),
  }),
});

export const McpServerRef = builder.prismaNode("McpServer", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  description: "An MCP server, shaped like the official registry's server.json (2025-09-29).",
  fields: (t) => ({
    name: t.exposeString("name", { description: "Reverse-DNS name, e.g. io.github.owner/server." }),
    shortName: t.string({ description: "The last part of the name: its key in a client's mcpServers.", resolve: (s) => shortName(s.name) }),
    title: t.exposeString("title", { nullable: true, description: "A human-readable name; null when the server.json has none." }),
    description: t.exposeString("description", { description: "What the server does (1–100 characters)." }),
    version: t.exposeString("version", { description: "The server's exact version." }),
    websiteUrl: t.string({ nullable: true, description: "Its homepage or documentation; null when none.", resolve: (s) => documentOf(s).websiteUrl ?? null }),
    repository: t.field({
      type: McpRepositoryRef,
      nullable: true,
      description: "Where its source code lives; null when not given.",
      resolve: (s) => {
        const r = documentOf(s).repository;
        return r ? { url: r.url, source: r.source, id: r.id ?? null, subfolder: r.subfolder ?? null } : null;
      },
    }),
    packages: t.field({ type: [McpPackageRef], description: "Ways to install and run it locally (the first one is what checks and deploys run).", resolve: (s) => documentOf(s).packages ?? [] }),
    remotes: t.field({ type: [McpRemoteRef], description: "Hosted endpoints (used when it has no package).", resolve: (s) => documentOf(s).remotes ?? [] }),
    serverJson: t.field({ type: "JSON", description: "The server.json document, as registered (it never holds secret values).", resolve: (s) => s.document }),
    env: t.field({
      type: [McpEnvVariableRef],
      description: "Declared variables (of the package it runs, or the remote's headers), then any others that are set.",
      select: { env: { select: { name: true, isSecret: true, value: true }, orderBy: { name: "asc" } } },
      resolve: (s) => {
        const set = new Map(s.env.map((e) => [e.name, e]));
        const declared = declaredInputs(launchTarget(documentOf(s)));
        const views: EnvVariableView[] = declared.map((d) => {
          const row = set.get(d.name);
          const isSecret = d.isSecret === true || row?.isSecret === true;
          return {
            name: d.name,
            declared: true,
            description: d.description ?? null,
            isRequired: d.isRequired ?? false,
            isSecret,
            isSet: row !== undefined,
            value: isSecret ? null : (row?.value ?? null),
            default: d.default ?? null,
          };
        });
        const names = new Set(declared.map((d) => d.name));
        for (const row of s.env) {
          if (names.has(row.name)) continue;
          views.push({ name: row.name, declared: false, description: null, isRequired: false, isSecret: row.isSecret, isSet: true, value: row.isSecret ? null : row.value, default: null });
        }
        return views;
      },
    }),
    missingEnv: t.stringList({
      description: "Required variables that are not set and have no default: deploy and health checks refuse until they are.",
      select: { env: { select: { name: true } } },
      resolve: (s) => missingEnv(documentOf(s), new Set(s.env.map((e) => e.name))),
    }),
    deployments: t.relation("deployments", { description: "Where it is deployed: its entries in client settings files, oldest first.", query: { orderBy: { deployedAt: "asc" } } }),
    health: t.loadable({
      type: McpHealthRef,
      description: "Current health (batched across a list).",
      load: tracedLoad("McpServer.health", (ids: string[], ctx: Context) => ctx.services.mcp.health.views(ids)),
      resolve: (s) => s.id,
    }),
    healthHistory: t.relatedConnection("checks", {
      cursor: "id",
      description: "Past checks, newest first.",
      totalCount: true,
      query: () => ({ orderBy: [{ checkedAt: "desc" }, { id: "desc" }] }),
    }, McpHealthCheckConnection),
    launchApproved: t.boolean({
      description: "True when an admin approved the launch specification as it stands; until then nothing is run or reached (health NOT_APPROVED).",
      select: { launchHash: true, approvedLaunchHash: true },
      resolve: (s) => s.approvedLaunchHash !== null && s.approvedLaunchHash === s.launchHash,
    }),
    launch: t.field({
      type: McpLaunchRef,
      nullable: true,
      authScopes: { admin: true },
      description: "Admin: the launch specification as it stands (secrets masked) and its hash, to review before approveMcpServerLaunch. Null when there is nothing to run or reach.",
      resolve: async (s, _args, ctx) => ctx.services.mcp.approvals.view(await ctx.services.mcp.registry.find(s.id)),
    }),
    approvedBy: t.string({ nullable: true, authScopes: { admin: true }, description: "Admin: who approved the current launch specification.", select: { approvedBy: true, launchHash: true, approvedLaunchHash: true }, resolve: (s) => (s.approvedLaunchHash !== null && s.approvedLaunchHash === s.launchHash ? s.approvedBy : null) }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was registered." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When its server.json last changed." }),
  }),
});
