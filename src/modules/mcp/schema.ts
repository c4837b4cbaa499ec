// MCP servers: queries, mutations (register, update, remove, env, deploy, health) and the
// mcpHealthChanged / healthStatus subscriptions.
import type { ArgBuilder } from "@pothos/core";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { filter, pipe, Repeater } from "graphql-yoga";
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { ErrorInterface, writeErrors } from "../../graphql/errors.js";
import type { Context } from "../../graphql/context.js";
import type { Prisma } from "../../db/client.js";
import { isPostgres } from "../artifacts/service.js";
import type { McpHealthChangedEvent } from "../../lib/events.js";
import { InvalidInputError } from "../../lib/errors.js";
import { MissingEnvError, SecretKeyError, SettingsFileError } from "./errors.js";
import { DeployMcpServerInput, McpEnvValueInput, McpServerInput, serverDocument } from "./inputs.js";
import type { DeployResult } from "./service.js";
import type { ServerJson } from "./server-json.js";
import { McpHealthRef, McpHealthStatusEnum, McpServerRef } from "./types.js";

builder.objectType(SettingsFileError, {
  name: "SettingsFileError",
  description: "The client settings file cannot be changed safely (e.g. it is not valid JSON); it was left unchanged.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof SettingsFileError,
  fields: (t) => ({
    path: t.exposeString("path"),
    reason: t.exposeString("reason"),
  }),
});

builder.objectType(MissingEnvError, {
  name: "MissingEnvError",
  description: "Required environment variables are not set (see McpServer.missingEnv).",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof MissingEnvError,
  fields: (t) => ({ names: t.exposeStringList("names") }),
});

builder.objectType(SecretKeyError, {
  name: "SecretKeyError",
  description: "Secret values cannot be stored or read: no key is configured, or it is not the key they were sealed with.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof SecretKeyError,
  fields: () => ({}),
});

/** Exactly one of the typed input and the verbatim document. */
function documentFrom(input: unknown, serverJson: unknown): ServerJson {
  const given = [input, serverJson].filter((v) => v !== null && v !== undefined);
  if (given.length !== 1) throw new InvalidInputError("input", "give exactly one of input or serverJson");
  const parsed = serverDocument.safeParse(given[0]);
  // The args were validated at the edge; this only narrows the type.
  if (!parsed.success) throw new InvalidInputError(input != null ? "input" : "serverJson", parsed.error.issues[0]?.message ?? "is not a valid server.json");
  return parsed.data;
}

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer X> ? X : never;
const serverArgs = (t: { arg: ArgBuilder<Types> }) => ({
  input: t.arg({ type: McpServerInput, validate: serverDocument }),
  serverJson: t.arg({
    type: "JSON",
    description: "A server.json document (2025-09-29), verbatim, instead of input.",
    validate: serverDocument,
  }),
});

const ServerPayload = (name: string) =>
  builder.simpleObject(name, { fields: (t) => ({ server: t.field({ type: McpServerRef }) }) });
const RegisterMcpServerPayload = ServerPayload("RegisterMcpServerPayload");
const UpdateMcpServerPayload = ServerPayload("UpdateMcpServerPayload");
const SetMcpServerEnvPayload = ServerPayload("SetMcpServerEnvPayload");

const RemoveMcpServerPayload = builder.simpleObject("RemoveMcpServerPayload", {
  fields: (t) => ({ removedServerId: t.id(), name: t.string() }),
});

const SettingsChangeKindEnum = builder.enumType("McpSettingsChangeKind", { values: ["ADDED", "CHANGED", "REMOVED"] as const });
const McpSettingsChange = builder.simpleObject("McpSettingsChange", {
  description: "One leaf changed in the settings file. Secret values show as ****.",
  fields: (t) => ({
    kind: t.field({ type: SettingsChangeKindEnum }),
    path: t.string({ description: "Dotted path, e.g. mcpServers.weather.env.API_KEY." }),
    before: t.field({ type: "JSON", nullable: true }),
    after: t.field({ type: "JSON", nullable: true }),
  }),
});

const McpSettingsUpdate = builder.objectRef<DeployResult>("McpSettingsUpdate").implement({
  description: "What a deploy or undeploy did (or, in a dry run, would do) to a settings file.",
  fields: (t) => ({
    server: t.field({ type: McpServerRef, resolve: (r) => r.server }),
    settingsPath: t.exposeString("settingsPath"),
    entryName: t.exposeString("entryName"),
    dryRun: t.exposeBoolean("dryRun"),
    changed: t.exposeBoolean("changed", { description: "False when the entry was already as wanted (nothing written)." }),
    changes: t.field({ type: [McpSettingsChange], resolve: (r) => r.changes }),
    backupPath: t.exposeString("backupPath", { nullable: true, description: "The copy made before writing; null when nothing was written or the file is new." }),
  }),
});

const CheckMcpServerHealthPayload = builder.simpleObject("CheckMcpServerHealthPayload", {
  fields: (t) => ({ server: t.field({ type: McpServerRef }), health: t.field({ type: McpHealthRef }) }),
});

const deployErrors = [...writeErrors, SettingsFileError, MissingEnvError, SecretKeyError];

/** LIKE is case-insensitive on SQLite; PostgreSQL needs to be told. */
function searchWhere(ctx: Context, search: string | null | undefined): Prisma.McpServerWhereInput {
  if (!search) return {};
  const contains = (isPostgres(ctx.db) ? { contains: search, mode: "insensitive" } : { contains: search }) as { contains: string };
  return { OR: [{ name: contains }, { title: contains }] };
}

builder.queryFields((t) => ({
  mcpServers: t.prismaConnection({
    type: "McpServer",
    cursor: "id",
    description: "Registered MCP servers, by name.",
    args: { search: t.arg.string({ description: "Case-insensitive text in the name or title.", validate: z.string().max(200, "must be at most 200 characters") }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.mcpServer.findMany({ ...query, where: searchWhere(ctx, args.search), orderBy: [{ name: "asc" }, { id: "asc" }] }),
    totalCount: (_c, args, ctx) => ctx.db.mcpServer.count({ where: searchWhere(ctx, args.search) }),
  }),
  mcpServer: t.prismaField({
    type: "McpServer",
    nullable: true,
    description: "One server by its reverse-DNS name; null when absent.",
    args: { name: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => ctx.db.mcpServer.findUnique({ ...query, where: { name: args.name } }),
  }),
}));

builder.mutationFields((t) => ({
  registerMcpServer: t.field({
    type: RegisterMcpServerPayload,
    description: "Registers a server from server.json (typed input, or the document verbatim). AlreadyExistsError when the name is taken.",
    errors: { types: writeErrors, directResult: true },
    args: serverArgs(t),
    resolve: async (_root, args, ctx) => ({ server: await ctx.services.mcp.register(documentFrom(args.input, args.serverJson)) }),
  }),
  updateMcpServer: t.field({
    type: UpdateMcpServerPayload,
    description: "Replaces the server's definition with a new server.json; env values and deployments are kept (redeploy to apply).",
    errors: { types: writeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: McpServerRef }), ...serverArgs(t) },
    resolve: async (_root, args, ctx) => ({ server: await ctx.services.mcp.update(args.id.id, documentFrom(args.input, args.serverJson)) }),
  }),
  removeMcpServer: t.field({
    type: RemoveMcpServerPayload,
    description: "Removes a server that is deployed nowhere (undeploy first).",
    errors: { types: writeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: McpServerRef }) },
    resolve: async (_root, args, ctx) => {
      const removed = await ctx.services.mcp.remove(args.id.id);
      return { removedServerId: encodeGlobalID("McpServer", removed.id), name: removed.name };
    },
  }),
  setMcpServerEnv: t.field({
    type: SetMcpServerEnvPayload,
    description: "Sets (or, with value null, unsets) environment values. Secrets are write-only and encrypted at rest.",
    errors: { types: [...writeErrors, SecretKeyError], directResult: true },
    args: {
      id: t.arg.globalID({ required: true, for: McpServerRef }),
      values: t.arg({ type: [McpEnvValueInput], required: true, validate: z.array(z.unknown()).max(100, "must list at most 100 values") }),
    },
    resolve: async (_root, args, ctx) => ({
      server: await ctx.services.mcp.setEnv(
        args.id.id,
        args.values.map((v) => ({ name: v.name, value: v.value ?? null, isSecret: v.isSecret ?? null })),
      ),
    }),
  }),
  deployMcpServer: t.field({
    type: McpSettingsUpdate,
    description: "Writes mcpServers[<shortName>] = {command, args, env} into a client settings file (backed up, atomic, idempotent). dryRun returns the diff only.",
    errors: { types: deployErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: McpServerRef }), input: t.arg({ type: DeployMcpServerInput }) },
    resolve: (_root, args, ctx) => ctx.services.mcp.deploy(args.id.id, { settingsPath: args.input?.settingsPath, dryRun: args.input?.dryRun }),
  }),
  undeployMcpServer: t.field({
    type: McpSettingsUpdate,
    description: "Removes exactly this server's entry from the settings file it was deployed to.",
    errors: { types: deployErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: McpServerRef }), input: t.arg({ type: DeployMcpServerInput }) },
    resolve: (_root, args, ctx) => ctx.services.mcp.undeploy(args.id.id, { settingsPath: args.input?.settingsPath, dryRun: args.input?.dryRun }),
  }),
  checkMcpServerHealth: t.field({
    type: CheckMcpServerHealthPayload,
    description: "Runs a health check now (MCP handshake and tools/list) and records it.",
    errors: { types: writeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: McpServerRef }) },
    resolve: async (_root, args, ctx) => {
      const check = await ctx.services.mcp.checkHealth(args.id.id);
      const server = await ctx.db.mcpServer.findUniqueOrThrow({ where: { id: args.id.id }, include: { health: true } });
      return { server, health: { serverId: server.id, status: check.status, row: server.health } };
    },
  }),
}));

const McpHealthChange = builder.objectRef<McpHealthChangedEvent>("McpHealthChange").implement({
  description: "An MCP server's health status changed.",
  fields: (t) => ({
    serverId: t.id({ resolve: (e) => encodeGlobalID("McpServer", e.serverId) }),
    name: t.exposeString("name"),
    previousStatus: t.field({ type: McpHealthStatusEnum, resolve: (e) => e.previousStatus }),
    status: t.field({ type: McpHealthStatusEnum, resolve: (e) => e.status }),
    at: t.field({ type: "DateTime", resolve: (e) => new Date(e.at) }),
    server: t.prismaField({
      type: "McpServer",
      nullable: true,
      description: "The server now; null once removed.",
      resolve: (query, e, _args, ctx) => ctx.db.mcpServer.findUnique({ ...query, where: { id: e.serverId } }),
    }),
  }),
});

interface ServerStatusView {
  serverId: string;
  name: string;
  status: McpHealthChangedEvent["status"];
  checkedAt: Date | null;
}
interface SystemHealthView {
  at: Date;
  databaseOk: boolean;
  databaseLatencyMs: number | null;
  /** null when the database cannot be read. */
  jobQueue: { pending: number; running: number; waiting: number } | null;
  servers: ServerStatusView[];
}

const McpServerStatus = builder.objectRef<ServerStatusView>("McpServerStatus").implement({
  fields: (t) => ({
    serverId: t.id({ resolve: (s) => encodeGlobalID("McpServer", s.serverId) }),
    name: t.exposeString("name"),
    status: t.field({ type: McpHealthStatusEnum, resolve: (s) => s.status }),
    checkedAt: t.field({ type: "DateTime", nullable: true, resolve: (s) => s.checkedAt }),
  }),
});

const DatabaseHealth = builder.simpleObject("DatabaseHealth", {
  fields: (t) => ({ ok: t.boolean(), latencyMs: t.float({ nullable: true }) }),
});

const JobQueueCounts = builder.simpleObject("JobQueueCounts", {
  description: "Unfinished jobs by status.",
  fields: (t) => ({
    pending: t.int({ description: "Queued (PENDING), including retries waiting for their backoff." }),
    running: t.int({ description: "Running on a worker now (RUNNING)." }),
    waiting: t.int({ description: "Waiting for a person's answer (PENDING_HITL)." }),
  }),
});

const SystemHealth = builder.objectRef<SystemHealthView>("SystemHealth").implement({
  description: "The whole picture for a dashboard.",
  fields: (t) => ({
    at: t.field({ type: "DateTime", resolve: (h) => h.at }),
    database: t.field({ type: DatabaseHealth, resolve: (h) => ({ ok: h.databaseOk, latencyMs: h.databaseLatencyMs }) }),
    jobQueueDepth: t.int({
      nullable: true,
      description: "Unfinished jobs: pending + running + waiting for an answer (see jobQueue); null when the database cannot be read.",
      resolve: (h) => (h.jobQueue ? h.jobQueue.pending + h.jobQueue.running + h.jobQueue.waiting : null),
    }),
    jobQueue: t.field({ type: JobQueueCounts, nullable: true, description: "The job queue by status; null when the database cannot be read.", resolve: (h) => h.jobQueue }),
    mcpServers: t.field({ type: [McpServerStatus], description: "Every registered server, by name.", resolve: (h) => h.servers }),
  }),
});

async function systemHealth(ctx: Context): Promise<SystemHealthView> {
  const started = performance.now();
  let databaseOk = true;
  let databaseLatencyMs: number | null = null;
  try {
    await ctx.db.$queryRawUnsafe("SELECT 1");
    databaseLatencyMs = Math.round((performance.now() - started) * 100) / 100;
  } catch {
    databaseOk = false;
  }
  const [rows, jobQueue] = databaseOk ? await Promise.all([ctx.services.mcp.overview(), ctx.services.jobs.queueDepth()]) : [[], null];
  return {
    at: new Date(),
    databaseOk,
    databaseLatencyMs,
    jobQueue,
    servers: rows.map((r) => ({ serverId: r.id, name: r.name, status: r.status, checkedAt: r.checkedAt })),
  };
}

const DATABASE_TICK_MS = 10_000;

/**
 * Snapshots on start, on MCP status changes, on job status changes (the queue) and on a timer;
 * only the ones that differ are sent. Triggers that arrive while a snapshot is being taken fold
 * into one more snapshot, so a burst of job events costs two snapshots, not one each.
 */
async function* healthStream(ctx: Context): AsyncGenerator<SystemHealthView> {
  const triggers = new Repeater<null>(async (push, stop) => {
    let queued = false;
    const poke = () => {
      if (queued) return;
      queued = true;
      void push(null).then(() => {
        queued = false;
      });
    };
    poke();
    const timer = setInterval(poke, DATABASE_TICK_MS);
    const mcp = ctx.pubsub.subscribe("mcp:health-changed");
    const jobs = ctx.pubsub.subscribe("jobs:updated");
    const pumps = [
      (async () => {
        for await (const _ of mcp) poke();
      })(),
      (async () => {
        for await (const e of jobs) if (e.type === "STATUS") poke();
      })(),
    ];
    await stop;
    clearInterval(timer);
    await Promise.all([mcp.return(), jobs.return()]);
    await Promise.allSettled(pumps);
  });
  let last = "";
  try {
    for await (const _ of triggers) {
      const view = await systemHealth(ctx);
      const key = JSON.stringify([view.databaseOk, view.jobQueue, view.servers.map((s) => [s.serverId, s.status])]);
      if (key === last) continue;
      last = key;
      yield view;
    }
  } finally {
    await triggers.return();
  }
}

builder.subscriptionFields((t) => ({
  mcpHealthChanged: t.field({
    type: McpHealthChange,
    description: "Emits on every health status change of a server (all servers when serverId is omitted).",
    args: { serverId: t.arg.globalID({ for: McpServerRef }) },
    subscribe: (_root, args, ctx) => {
      const source = ctx.pubsub.subscribe("mcp:health-changed");
      const id = args.serverId?.id;
      return id ? pipe(source, filter((e: McpHealthChangedEvent) => e.serverId === id)) : source;
    },
    resolve: (e) => e,
  }),
  healthStatus: t.field({
    type: SystemHealth,
    description: `The system's health now, then again whenever it changes: on every MCP health status change, when the job queue's counts change, and when the database check (every ${DATABASE_TICK_MS / 1000} s) changes.`,
    subscribe: (_root, _args, ctx) => healthStream(ctx),
    resolve: (view) => view,
  }),
}));

