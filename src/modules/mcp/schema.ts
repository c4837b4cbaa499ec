// MCP servers in GraphQL: the types (types.ts, inputs.ts), queries, mutations and the
// mcpHealthChanged subscription. Other modules' schemas import the refs exported here.
import "./queries.js";
import "./mutations.js";
import "./subscriptions.js";

export { McpHealthStatusEnum, McpServerRef } from "./types.js";
