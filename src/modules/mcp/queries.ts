// MCP servers: the queries.
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import { McpServerRef } from "./types.js";

builder.queryFields((t) => ({
  mcpServers: t.prismaConnection({
    type: "McpServer",
    cursor: "id",
    description: "Registered MCP servers, by name.",
    args: { search: t.arg.string({ description: "Case-insensitive text in the name or title.", validate: z.string().max(200, "must be at most 200 characters") }) },
    resolve: (query, _root, args, ctx) => ctx.services.mcp.registry.list(ctx.principal, args.search, query),
    totalCount: (_c, args, ctx) => ctx.services.mcp.registry.count(ctx.principal, args.search),
  }, connectionFor(McpServerRef, "McpServer", "MCP servers")),
  mcpServer: t.prismaField({
    type: "McpServer",
    nullable: true,
    description: "One server by its reverse-DNS name; null when absent.",
    args: { name: t.arg.string({ required: true, description: "The server's reverse-DNS name, e.g. io.github.owner/weather." }) },
    resolve: (query, _root, args, ctx) => ctx.services.mcp.registry.get(ctx.principal, { name: args.name }, query),
  }),
}));

