// mcp: MCP servers (owns the McpServer, McpServerEnv, McpDeployment, McpHealth and McpHealthCheck
// tables): the registry, sealed environment values, deployment and live health.
import type { McpService } from "./service.js";
import "./events.js";

export { McpService } from "./service.js";
export { mcpHealthSweepKind, MCP_HEALTH_SWEEP } from "./health-sweep-job.js";
export { mcpHealthScheduler, enqueueSweep } from "./scheduler.js";
export type { McpHealthChangedEvent, McpHealthStatusName } from "./events.js";

declare module "../../lib/services.js" {
  interface Services {
    mcp: McpService;
  }
}
// Used by sharing (bundle signing keys are sealed the same way as secret environment values).
export { loadSecretBox, redact, requireSecretBox, type SecretBox } from "./secrets.js";
export { SecretKeyError } from "./errors.js";
// Used by the marketplace (MCP registry brokers list and install server.json documents).
export { serverJsonSchema, shortName, withoutNulls, type ServerJson } from "./server-json.js";
