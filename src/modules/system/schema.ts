// System health in GraphQL: the healthStatus subscription for dashboards.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { builder } from "../../graphql/builder.js";
import { McpHealthStatusEnum } from "../mcp/schema.js";
import { DATABASE_TICK_MS, type ServerStatusView, type SystemHealthView } from "./service.js";

const McpServerStatus = builder.objectRef<ServerStatusView>("McpServerStatus").implement({
  description: "One MCP server's health, as a dashboard shows it.",
  fields: (t) => ({
    serverId: t.id({ description: "The server's global ID.", resolve: (s) => encodeGlobalID("McpServer", s.serverId) }),
    name: t.exposeString("name", { description: "Its reverse-DNS name." }),
    status: t.field({ type: McpHealthStatusEnum, description: "Its health status now.", resolve: (s) => s.status }),
    checkedAt: t.field({ type: "DateTime", nullable: true, description: "When it was last checked; null before any check.", resolve: (s) => s.checkedAt }),
  }),
});

const DatabaseHealth = builder.simpleObject("DatabaseHealth", {
  description: "The database check: a trivial statement, timed.",
  fields: (t) => ({
    ok: t.boolean({ description: "True when the statement succeeded." }),
    latencyMs: t.float({ nullable: true, description: "How long it took, in ms; null when it failed." }),
  }),
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
    at: t.field({ type: "DateTime", description: "When this picture was taken.", resolve: (h) => h.at }),
    database: t.field({ type: DatabaseHealth, description: "The last database check.", resolve: (h) => ({ ok: h.databaseOk, latencyMs: h.databaseLatencyMs }) }),
    jobQueueDepth: t.int({
      nullable: true,
      description: "Unfinished jobs: pending + running + waiting for an answer (see jobQueue); null when the database cannot be read.",
      resolve: (h) => (h.jobQueue ? h.jobQueue.pending + h.jobQueue.running + h.jobQueue.waiting : null),
    }),
    jobQueue: t.field({ type: JobQueueCounts, nullable: true, description: "The job queue by status; null when the database cannot be read.", resolve: (h) => h.jobQueue }),
    mcpServers: t.field({ type: [McpServerStatus], description: "Every registered server, by name.", resolve: (h) => h.servers }),
  }),
});

builder.subscriptionFields((t) => ({
  healthStatus: t.field({
    type: SystemHealth,
    description: `The system's health now, then again whenever it changes: on every MCP health status change, when the job queue's counts change, and when the database check (every ${DATABASE_TICK_MS / 1000} s) changes.`,
    subscribe: (_root, _args, ctx) => ctx.services.system.watch(ctx.principal),
    resolve: (view) => view,
  }),
}));

