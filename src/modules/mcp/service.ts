// MCP servers: the registry (registry.ts), environment values with secrets sealed
// (env-values.ts), deployment into client settings files (deploy.ts), and health checks recorded
// with history (health.ts) and swept on a schedule (sweep.ts, run as a job).
import type { Config } from "../../config.js";
import type { Database } from "../../db/index.js";
import type { McpServer } from "../../generated/prisma/client.js";
import type { EventPublisher } from "../../lib/events.js";
import type { Logger } from "../../lib/logger.js";
import { McpDeployments } from "./deploy.js";
import { McpEnvValues, type EnvValueInput } from "./env-values.js";
import { McpHealthChecks } from "./health.js";
import { McpRegistry } from "./registry.js";
import { McpSweeps } from "./sweep.js";

export class McpService {
  readonly registry: McpRegistry;
  readonly env: McpEnvValues;
  readonly deployments: McpDeployments;
  readonly health: McpHealthChecks;
  readonly sweeps: McpSweeps;

  constructor(db: Database, events: EventPublisher, config: Config, logger: Logger) {
    this.registry = new McpRegistry(db);
    this.env = new McpEnvValues(db, config, logger);
    this.health = new McpHealthChecks(db, this.registry, this.env, events, config, logger);
    this.deployments = new McpDeployments(db, this.registry, this.env, this.health, config, logger);
    this.sweeps = new McpSweeps(this.health, config, logger);
  }

  /** Sets or unsets a server's environment variables (secrets sealed); the server's updatedAt moves. */
  async setEnv(id: string, values: EnvValueInput[]): Promise<McpServer> {
    await this.env.set(await this.registry.find(id), values);
    return this.registry.touch(id);
  }

  /** Cancels running checks (their processes are killed), starts no more, and waits for running sweeps. */
  async shutdown(): Promise<void> {
    this.health.close();
    await this.sweeps.settle();
  }
}
