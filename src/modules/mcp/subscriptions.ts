// MCP servers: the mcpHealthChanged subscription.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { filter, pipe } from "graphql-yoga";
import { builder } from "../../graphql/builder.js";
import type { McpHealthChangedEvent } from "./events.js";
import { McpHealthStatusEnum, McpServerRef } from "./types.js";

const McpHealthChange = builder.objectRef<McpHealthChangedEvent>("McpHealthChange").implement({
  description: "An MCP server's health status changed.",
  fields: (t) => ({
    serverId: t.id({ description: "The server's global ID.", resolve: (e) => encodeGlobalID("McpServer", e.serverId) }),
    name: t.exposeString("name", { description: "Its reverse-DNS name." }),
    previousStatus: t.field({ type: McpHealthStatusEnum, description: "The status before the change.", resolve: (e) => e.previousStatus }),
    status: t.field({ type: McpHealthStatusEnum, description: "The status now.", resolve: (e) => e.status }),
    at: t.field({ type: "DateTime", description: "When the check that changed it ran.", resolve: (e) => new Date(e.at) }),
    server: t.prismaField({
      type: "McpServer",
      nullable: true,
      description: "The server now; null once removed.",
      resolve: (query, e, _args, ctx) => ctx.services.mcp.registry.get(ctx.principal, { id: e.serverId }, query),
    }),
  }),
});

builder.subscriptionFields((t) => ({
  mcpHealthChanged: t.field({
    type: McpHealthChange,
    description: "Emits on every health status change of a server (all servers when serverId is omitted).",
    args: { serverId: t.arg.globalID({ for: McpServerRef, description: "Only this server's changes (global ID)." }) },
    subscribe: (_root, args, ctx) => {
      const source = ctx.pubsub.subscribe("mcp:health-changed");
      const id = args.serverId?.id;
      return id ? pipe(source, filter((e: McpHealthChangedEvent) => e.serverId === id)) : source;
    },
    resolve: (e) => e,
  }),
}));
