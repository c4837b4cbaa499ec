// The MCP module's events.
export type McpHealthStatusName = "HEALTHY" | "DEGRADED" | "UNHEALTHY" | "UNKNOWN" | "NOT_DEPLOYED" | "NOT_APPROVED";

/** An MCP server's shown health status changed (a check, a deploy or an undeploy). */
export interface McpHealthChangedEvent {
  serverId: string;
  name: string;
  previousStatus: McpHealthStatusName;
  status: McpHealthStatusName;
  at: string;
}

declare module "../../lib/events.js" {
  interface EventMap {
    "mcp:health-changed": [McpHealthChangedEvent];
  }
}
