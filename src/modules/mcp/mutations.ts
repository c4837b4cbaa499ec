// MCP servers: the mutations (register, update, remove, env, deploy, undeploy, check health) and
// the errors only they return.
import type { ArgBuilder } from "@pothos/core";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { ErrorInterface, changeErrors, writeErrors } from "../../graphql/errors.js";
import { InvalidInputError } from "../../lib/errors.js";
import type { DeployResult } from "./deploy.js";
import { LaunchNotApprovedError, MissingEnvError, SecretKeyError, SettingsFileError } from "./errors.js";
import { DeployMcpServerInput, McpEnvValueInput, McpServerInput, serverDocument } from "./inputs.js";
import type { ServerJson } from "./server-json.js";
import { McpHealthRef, McpServerRef } from "./types.js";

builder.objectType(SettingsFileError, {
  name: "SettingsFileError",
  description: "The client settings file cannot be changed safely (e.g. it is not valid JSON); it was left unchanged.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof SettingsFileError,
  fields: (t) => ({
    path: t.exposeString("path", { description: "The settings file (absolute path on the server)." }),
    reason: t.exposeString("reason", { description: "Why it cannot be changed, e.g. that it is not valid JSON." }),
  }),
});

builder.objectType(MissingEnvError, {
  name: "MissingEnvError",
  description: "Required environment variables are not set (see McpServer.missingEnv).",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof MissingEnvError,
  fields: (t) => ({ names: t.exposeStringList("names", { description: "The required variables that are neither set nor defaulted." }) }),
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
  input: t.arg({ type: McpServerInput, description: "The server.json as typed input; give this or serverJson.", validate: serverDocument }),
  serverJson: t.arg({
    type: "JSON",
    description: "A server.json document (2025-09-29), verbatim, instead of input.",
    validate: serverDocument,
  }),
});

const ServerPayload = (name: string, description: string, server: string) =>
  builder.simpleObject(name, { description, fields: (t) => ({ server: t.field({ type: McpServerRef, description: server }) }) });
const RegisterMcpServerPayload = ServerPayload("RegisterMcpServerPayload", "The result of registerMcpServer.", "The server as registered.");
const UpdateMcpServerPayload = ServerPayload("UpdateMcpServerPayload", "The result of updateMcpServer.", "The server after the change.");
const SetMcpServerEnvPayload = ServerPayload("SetMcpServerEnvPayload", "The result of setMcpServerEnv.", "The server with its environment after the change (secret values never shown).");

const RemoveMcpServerPayload = builder.simpleObject("RemoveMcpServerPayload", {
  description: "The result of removeMcpServer.",
  fields: (t) => ({ removedServerId: t.id({ description: "Global ID of the server that was removed." }), name: t.string({ description: "Its reverse-DNS name." }) }),
});

const SettingsChangeKindEnum = builder.enumType("McpSettingsChangeKind", {
  description: "What happened to one leaf of a settings file.",
  values: { ADDED: { description: "It was not there and is written." }, CHANGED: { description: "Its value is replaced." }, REMOVED: { description: "It is deleted." } } as const,
});
const McpSettingsChange = builder.simpleObject("McpSettingsChange", {
  description: "One leaf changed in the settings file. Secret values show as ****.",
  fields: (t) => ({
    kind: t.field({ type: SettingsChangeKindEnum, description: "Added, changed or removed." }),
    path: t.string({ description: "Dotted path, e.g. mcpServers.weather.env.API_KEY." }),
    before: t.field({ type: "JSON", nullable: true, description: "The value before; null when ADDED." }),
    after: t.field({ type: "JSON", nullable: true, description: "The value after; null when REMOVED." }),
  }),
});

const McpSettingsUpdate = builder.objectRef<DeployResult>("McpSettingsUpdate").implement({
  description: "What a deploy or undeploy did (or, in a dry run, would do) to a settings file.",
  fields: (t) => ({
    server: t.field({ type: McpServerRef, description: "The server deployed or undeployed.", resolve: (r) => r.server }),
    settingsPath: t.exposeString("settingsPath", { description: "The settings file (absolute path on the server)." }),
    entryName: t.exposeString("entryName", { description: "The key under mcpServers." }),
    dryRun: t.exposeBoolean("dryRun", { description: "True when nothing was written (changes are what would happen)." }),
    changed: t.exposeBoolean("changed", { description: "False when the entry was already as wanted (nothing written)." }),
    changes: t.field({ type: [McpSettingsChange], description: "Each leaf that changed (or would), in path order.", resolve: (r) => r.changes }),
    backupPath: t.exposeString("backupPath", { nullable: true, description: "The copy made before writing; null when nothing was written or the file is new." }),
  }),
});

const CheckMcpServerHealthPayload = builder.simpleObject("CheckMcpServerHealthPayload", {
  description: "The result of checkMcpServerHealth.",
  fields: (t) => ({
    server: t.field({ type: McpServerRef, description: "The server checked." }),
    health: t.field({ type: McpHealthRef, description: "Its health after this check." }),
  }),
});

builder.objectType(LaunchNotApprovedError, {
  name: "LaunchNotApprovedError",
  description: "The server's launch specification is not approved as it stands (McpServer.launchApproved): an admin must approve it first.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof LaunchNotApprovedError,
  fields: () => ({}),
});

const deployErrors = [...writeErrors, SettingsFileError, MissingEnvError, SecretKeyError, LaunchNotApprovedError];

const ApproveMcpServerLaunchInput = builder.inputType("ApproveMcpServerLaunchInput", {
  description: "The server and the launch specification hash an admin reviewed.",
  fields: (t) => ({
    id: t.globalID({ required: true, for: McpServerRef, description: "The server's global ID." }),
    launchHash: t.string({
      required: true,
      description: "McpServer.launch.hash as reviewed: if the specification changed since, nothing is approved.",
      validate: z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 in hex (McpServer.launch.hash)"),
    }),
  }),
});
const McpServerLaunchPayload = ServerPayload("McpServerLaunchPayload", "The result of approveMcpServerLaunch or revokeMcpServerLaunchApproval.", "The server, with launchApproved as it now stands.");

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
    args: { id: t.arg.globalID({ required: true, for: McpServerRef, description: "The server's global ID." }), ...serverArgs(t) },
    resolve: async (_root, args, ctx) => ({ server: await ctx.services.mcp.update(args.id.id, documentFrom(args.input, args.serverJson)) }),
  }),
  removeMcpServer: t.field({
    type: RemoveMcpServerPayload,
    description: "Removes a server that is deployed nowhere (undeploy first).",
    errors: { types: changeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: McpServerRef, description: "The server's global ID." }) },
    resolve: async (_root, args, ctx) => {
      const removed = await ctx.services.mcp.registry.remove(args.id.id);
      return { removedServerId: encodeGlobalID("McpServer", removed.id), name: removed.name };
    },
  }),
  setMcpServerEnv: t.field({
    type: SetMcpServerEnvPayload,
    description: "Sets (or, with value null, unsets) environment values. Secrets are write-only and encrypted at rest.",
    errors: { types: [...writeErrors, SecretKeyError], directResult: true },
    args: {
      id: t.arg.globalID({ required: true, for: McpServerRef, description: "The server's global ID." }),
      values: t.arg({ type: [McpEnvValueInput], required: true, description: "The values to set or unset (at most 100); others are left as they are.", validate: z.array(z.unknown()).max(100, "must list at most 100 values") }),
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
    description:
      "Writes mcpServers[<shortName>] = {command, args, env} into a client settings file (backed up, atomic, idempotent). dryRun returns the diff only. Only an approved launch specification is deployed (LaunchNotApprovedError).",
    errors: { types: deployErrors, directResult: true },
    args: {
      id: t.arg.globalID({ required: true, for: McpServerRef, description: "The server's global ID." }),
      input: t.arg({ type: DeployMcpServerInput, description: "Which settings file, and whether to only report; the configured file when omitted." }),
    },
    resolve: (_root, args, ctx) => ctx.services.mcp.deployments.deploy(args.id.id, { settingsPath: args.input?.settingsPath, dryRun: args.input?.dryRun }),
  }),
  undeployMcpServer: t.field({
    type: McpSettingsUpdate,
    description: "Removes exactly this server's entry from the settings file it was deployed to.",
    errors: { types: deployErrors, directResult: true },
    args: {
      id: t.arg.globalID({ required: true, for: McpServerRef, description: "The server's global ID." }),
      input: t.arg({ type: DeployMcpServerInput, description: "Which settings file, and whether to only report; the file it was deployed to when omitted." }),
    },
    resolve: (_root, args, ctx) => ctx.services.mcp.deployments.undeploy(args.id.id, { settingsPath: args.input?.settingsPath, dryRun: args.input?.dryRun }),
  }),
  approveMcpServerLaunch: t.field({
    type: McpServerLaunchPayload,
    authScopes: { admin: true },
    description:
      "Admin: approves the server's launch specification as reviewed (McpServer.launch). Health checks run it only while it stays exactly that; any change to the command, arguments or environment names needs a new approval.",
    errors: { types: [...changeErrors, SecretKeyError], directResult: true },
    args: { input: t.arg({ type: ApproveMcpServerLaunchInput, required: true, description: "The server and the hash reviewed." }) },
    resolve: async (_root, { input }, ctx) => ({ server: await ctx.services.mcp.approveLaunch(input.id.id, input.launchHash, ctx.principal) }),
  }),
  revokeMcpServerLaunchApproval: t.field({
    type: McpServerLaunchPayload,
    authScopes: { admin: true },
    description: "Admin: withdraws the approval of the server's launch specification; nothing runs until it is approved again.",
    errors: { types: changeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: McpServerRef, description: "The server's global ID." }) },
    resolve: async (_root, args, ctx) => ({ server: await ctx.services.mcp.revokeLaunchApproval(args.id.id) }),
  }),
  checkMcpServerHealth: t.field({
    type: CheckMcpServerHealthPayload,
    description: "Runs a health check now (MCP handshake and tools/list) and records it. Nothing runs while the launch specification is not approved (health NOT_APPROVED).",
    errors: { types: changeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: McpServerRef, description: "The server's global ID." }) },
    resolve: async (_root, args, ctx) => {
      await ctx.services.mcp.health.check(args.id.id);
      const [server, health] = await Promise.all([ctx.services.mcp.registry.find(args.id.id), ctx.services.mcp.health.views([args.id.id])]);
      return { server, health: health[0] ?? { serverId: server.id, status: "UNKNOWN" as const, row: null } };
    },
  }),
}));

