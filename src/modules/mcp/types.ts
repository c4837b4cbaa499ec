// GraphQL types of the MCP module: McpServer (server.json's shape), its env, deployments, health.
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
  values: [...Object.values(McpHealthStatus), "NOT_APPROVED"] as const,
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
  values: { NPM: { value: "npm" }, PYPI: { value: "pypi" }, OCI: { value: "oci" }, NUGET: { value: "nuget" }, MCPB: { value: "mcpb" } } as const,
});
export const McpTransportTypeEnum = builder.enumType("McpTransportType", {
  values: { STDIO: { value: "stdio" }, STREAMABLE_HTTP: { value: "streamable-http" }, SSE: { value: "sse" } } as const,
});
export const McpRemoteTypeEnum = builder.enumType("McpRemoteType", {
  values: { STREAMABLE_HTTP: { value: "streamable-http" }, SSE: { value: "sse" } } as const,
});
export const McpArgumentTypeEnum = builder.enumType("McpArgumentType", {
  values: { POSITIONAL: { value: "positional" }, NAMED: { value: "named" } } as const,
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer X> ? X : never;
type InputLike = { description?: string; isRequired?: boolean; isSecret?: boolean; format?: string; value?: string; default?: string; choices?: string[] };
const inputFields = <T extends InputLike>(t: PothosSchemaTypes.ObjectFieldBuilder<Types, T>) => ({
  description: t.string({ nullable: true, resolve: (v) => v.description ?? null }),
  isRequired: t.boolean({ resolve: (v) => v.isRequired ?? false }),
  isSecret: t.boolean({ resolve: (v) => v.isSecret ?? false }),
  format: t.string({ nullable: true, description: "string, number, boolean or filepath", resolve: (v) => v.format ?? null }),
  value: t.string({ nullable: true, description: "A fixed value (may hold {placeholders}); never a secret.", resolve: (v) => v.value ?? null }),
  default: t.string({ nullable: true, resolve: (v) => v.default ?? null }),
  choices: t.stringList({ nullable: true, resolve: (v) => v.choices ?? null }),
});

export const McpKeyValueRef = builder.objectRef<McpKeyValue>("McpKeyValue").implement({
  description: "A named input: an environment variable of a package, or a header of a remote.",
  fields: (t) => ({ name: t.string({ resolve: (v) => v.name }), ...inputFields(t) }),
});

export const McpArgumentRef = builder.objectRef<McpArgument>("McpArgument").implement({
  description: "A command-line argument: positional (a value) or named (--flag value).",
  fields: (t) => ({
    type: t.field({ type: McpArgumentTypeEnum, resolve: (a) => a.type }),
    name: t.string({ nullable: true, resolve: (a) => a.name ?? null }),
    valueHint: t.string({ nullable: true, resolve: (a) => a.valueHint ?? null }),
    isRepeated: t.boolean({ resolve: (a) => a.isRepeated ?? false }),
    ...inputFields(t),
  }),
});

type Transport = McpPackage["transport"];
export const McpTransportRef = builder.objectRef<Transport>("McpTransport").implement({
  fields: (t) => ({
    type: t.field({ type: McpTransportTypeEnum, resolve: (x) => x.type }),
    url: t.string({ nullable: true, resolve: (x) => (x.type === "stdio" ? null : x.url) }),
    headers: t.field({ type: [McpKeyValueRef], resolve: (x) => (x.type === "stdio" ? [] : (x.headers ?? [])) }),
  }),
});

export const McpPackageRef = builder.objectRef<McpPackage>("McpPackage").implement({
  description: "A way to install and run the server locally.",
  fields: (t) => ({
    registryType: t.field({ type: McpRegistryTypeEnum, resolve: (p) => p.registryType }),
    registryBaseUrl: t.string({ nullable: true, resolve: (p) => p.registryBaseUrl ?? null }),
    identifier: t.string({ resolve: (p) => p.identifier }),
    version: t.string({ nullable: true, resolve: (p) => p.version ?? null }),
    fileSha256: t.string({ nullable: true, resolve: (p) => p.fileSha256 ?? null }),
    runtimeHint: t.string({ nullable: true, description: "The command that runs it (npx, uvx, docker, dnx, …).", resolve: (p) => p.runtimeHint ?? null }),
    transport: t.field({ type: McpTransportRef, resolve: (p) => p.transport }),
    runtimeArguments: t.field({ type: [McpArgumentRef], resolve: (p) => p.runtimeArguments ?? [] }),
    packageArguments: t.field({ type: [McpArgumentRef], resolve: (p) => p.packageArguments ?? [] }),
    environmentVariables: t.field({ type: [McpKeyValueRef], resolve: (p) => p.environmentVariables ?? [] }),
  }),
});

export const McpRemoteRef = builder.objectRef<McpRemote>("McpRemote").implement({
  description: "A hosted endpoint of the server.",
  fields: (t) => ({
    type: t.field({ type: McpRemoteTypeEnum, resolve: (r) => r.type }),
    url: t.string({ resolve: (r) => r.url }),
    headers: t.field({ type: [McpKeyValueRef], resolve: (r) => r.headers ?? [] }),
  }),
});

export const McpRepositoryRef = builder.simpleObject("McpRepository", {
  fields: (t) => ({
    url: t.string(),
    source: t.string({ description: "e.g. github" }),
    id: t.string({ nullable: true }),
    subfolder: t.string({ nullable: true }),
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
    name: t.exposeString("name"),
    declared: t.exposeBoolean("declared", { description: "Declared by the server.json (else set only)." }),
    description: t.exposeString("description", { nullable: true }),
    isRequired: t.exposeBoolean("isRequired"),
    isSecret: t.exposeBoolean("isSecret", { description: "Write-only: stored encrypted; the API says whether it is set, never what it is." }),
    isSet: t.exposeBoolean("isSet"),
    value: t.exposeString("value", { nullable: true, description: "The stored value; null for secrets and unset variables." }),
    default: t.exposeString("default", { nullable: true }),
  }),
});

export const McpServerInfoRef = builder.simpleObject("McpServerInfo", {
  description: "What the server said about itself in the handshake.",
  fields: (t) => ({ name: t.string(), version: t.string() }),
});

export const McpHealthErrorRef = builder.objectRef<HealthError>("McpHealthError").implement({
  fields: (t) => ({
    at: t.field({ type: "DateTime", resolve: (e) => new Date(e.at) }),
    reason: t.field({ type: McpHealthReasonEnum, resolve: (e) => e.reason }),
    message: t.string({
      description: "Admins: the detail, truncated, secrets masked as ****. Everyone else: the reason in a sentence.",
      resolve: (e, _args, ctx) => detailFor(ctx, e.reason, e.message) ?? REASON_TEXT[e.reason],
    }),
  }),
});

export const McpHealthRef = builder.objectRef<HealthView>("McpHealth").implement({
  description: "The server's health: the last check, or UNKNOWN / NOT_DEPLOYED before any.",
  fields: (t) => ({
    status: t.field({ type: McpHealthStatusEnum, resolve: (h) => h.status }),
    latencyMs: t.int({ nullable: true, description: "Handshake plus tools/list, in ms.", resolve: (h) => h.row?.latencyMs ?? null }),
    toolCount: t.int({ nullable: true, resolve: (h) => h.row?.toolCount ?? null }),
    serverInfo: t.field({
      type: McpServerInfoRef,
      nullable: true,
      resolve: (h) => (h.row?.serverName != null ? { name: h.row.serverName, version: h.row.serverVersion ?? "" } : null),
    }),
    protocolVersion: t.string({ nullable: true, resolve: (h) => h.row?.protocolVersion ?? null }),
    checkedAt: t.field({ type: "DateTime", nullable: true, resolve: (h) => h.row?.checkedAt ?? null }),
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
    settingsPath: t.exposeString("settingsPath"),
    entryName: t.exposeString("entryName", { description: "The key under mcpServers." }),
    deployedAt: t.expose("deployedAt", { type: "DateTime" }),
  }),
});

const McpHealthCheckRef = builder.prismaObject("McpHealthCheck", {
  description: "One health check, as history.",
  fields: (t) => ({
    status: t.expose("status", { type: McpHealthStatusEnum }),
    latencyMs: t.exposeInt("latencyMs", { nullable: true }),
    toolCount: t.exposeInt("toolCount", { nullable: true }),
    reason: t.field({ type: McpHealthReasonEnum, nullable: true, resolve: (c) => (c.error === null && c.reason === null ? null : reasonOf(c.reason)) }),
    error: t.string({
      nullable: true,
      description: "Admins: the detail, truncated, secrets masked as ****. Everyone else: the reason in a sentence.",
      resolve: (c, _args, ctx) => detailFor(ctx, reasonOf(c.reason), c.error),
    }),
    checkedAt: t.expose("checkedAt", { type: "DateTime" }),
  }),
});

const McpHealthCheckConnection = connectionFor(McpHealthCheckRef, "McpHealthCheck", "health checks");

const McpPinnedEnvRef = builder.simpleObject("McpPinnedEnv", {
  description: "A variable whose value decides what code a process loads (NODE_OPTIONS, LD_PRELOAD …): its value is part of the approval.",
  fields: (t) => ({ name: t.string(), value: t.string({ description: "Secret values are masked as ****." }) }),
});

const McpLaunchRef = builder.objectRef<LaunchView>("McpLaunch").implement({
  description: "What a check (or a client) would run or reach, as an admin reviews it before approving it. Secret values are masked as ****.",
  fields: (t) => ({
    kind: t.field({ type: McpTransportTypeEnum, resolve: (l) => l.kind }),
    command: t.string({ nullable: true, resolve: (l) => l.command }),
    args: t.stringList({ resolve: (l) => l.args }),
    envNames: t.stringList({ description: "Names of the environment variables it gets (declared or set).", resolve: (l) => l.envNames }),
    pinnedEnv: t.field({ type: [McpPinnedEnvRef], resolve: (l) => l.pinnedEnv }),
    url: t.string({ nullable: true, resolve: (l) => l.url }),
    headerNames: t.stringList({ resolve: (l) => l.headerNames }),
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
    title: t.exposeString("title", { nullable: true }),
    description: t.exposeString("description"),
    version: t.exposeString("version"),
    websiteUrl: t.string({ nullable: true, resolve: (s) => documentOf(s).websiteUrl ?? null }),
    repository: t.field({
      type: McpRepositoryRef,
      nullable: true,
      resolve: (s) => {
        const r = documentOf(s).repository;
        return r ? { url: r.url, source: r.source, id: r.id ?? null, subfolder: r.subfolder ?? null } : null;
      },
    }),
    packages: t.field({ type: [McpPackageRef], resolve: (s) => documentOf(s).packages ?? [] }),
    remotes: t.field({ type: [McpRemoteRef], resolve: (s) => documentOf(s).remotes ?? [] }),
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
    deployments: t.relation("deployments", { query: { orderBy: { deployedAt: "asc" } } }),
    health: t.loadable({
      type: McpHealthRef,
      description: "Current health (batched across a list).",
      load: (ids: string[], ctx) => ctx.services.mcp.health.views(ids),
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
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});
