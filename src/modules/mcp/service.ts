// MCP servers: the registry (registry.ts), environment values with secrets sealed
// (env-values.ts), deployment into client settings files (deploy.ts), and health checks recorded
// with history (health.ts) and swept on a schedule (sweep.ts, run as a job).
import type { Config } from "../../config.js";
import type { Database } from "../../db/index.js";
import type { McpServer } from "../../generated/prisma/client.js";
import type { EventPublisher } from "../../lib/events.js";
import type { Logger } from "../../lib/logger.js";
import type { Principal } from "../../lib/principal.js";
import { McpLaunchApprovals } from "./approvals.js";
import { McpDeployments } from "./deploy.js";
import { McpEnvValues, type EnvValueInput } from "./env-values.js";
import { McpHealthChecks } from "./health.js";
import { McpRegistry } from "./registry.js";
import type { ServerJson } from "./server-json.js";
import { McpSweeps } from "./sweep.js";

export class McpService {
  readonly registry: McpRegistry;
  readonly env: McpEnvValues;
  readonly deployments: McpDeployments;
  readonly health: McpHealthChecks;
  readonly sweeps: McpSweeps;
  readonly approvals: McpLaunchApprovals;

  constructor(db: Database, events: EventPublisher, config: Config, logger: Logger) {
    this.registry = new McpRegistry(db);
    this.env = new McpEnvValues(db, config, logger);
    this.approvals = new McpLaunchApprovals(db, this.registry, this.env);
    this.health = new McpHealthChecks(db, this.registry, this.env, events, config, logger);
    this.deployments = new McpDeployments(db, this.registry, this.env, this.health, config, logger);
    this.sweeps = new McpSweeps(this.health, config, logger);
  }

  /** Registers a server; its launch specification needs an admin's approval before anything runs. */
  async register(doc: ServerJson): Promise<McpServer> {
    const server = await this.registry.register(doc);
    return this.approvals.refresh(server.id);
  }

  /** Replaces a server's definition; a changed launch specification needs approving again. */
  update(id: string, doc: ServerJson): Promise<McpServer> {
    return this.watchingStatus(id, async () => {
      await this.registry.update(id, doc);
      return this.approvals.refresh(id);
    });
  }

  /** Sets or unsets a server's environment variables (secrets sealed); the server's updatedAt moves. */
  setEnv(id: string, values: EnvValueInput[]): Promise<McpServer> {
    return this.watchingStatus(id, async () => {
      await this.env.set(await this.registry.find(id), values);
      await this.registry.touch(id);
      return this.approvals.refresh(id);
    });
  }

  /** Admin: approves the launch specification whose hash was reviewed (McpServer.launch). */
  approveLaunch(id: string, reviewedHash: string, admin: Principal): Promise<McpServer> {
    return this.watchingStatus(id, () => this.approvals.approve(id, reviewedHash, admin));
  }

  /** Admin: withdraws a server's launch approval. */
  revokeLaunchApproval(id: string): Promise<McpServer> {
    return this.watchingStatus(id, () => this.approvals.revoke(id));
  }

  /** Runs a change and publishes the shown status change it causes (e.g. to or from NOT_APPROVED). */
  private async watchingStatus(id: string, change: () => Promise<McpServer>): Promise<McpServer> {
    const [before] = await this.health.views([id]);
    const server = await change();
    const [after] = await this.health.views([id]);
    if (before && after) this.health.publish(server, before.status, after.status);
    return server;
  }

  /** Cancels running checks (their processes are killed), starts no more, and waits for running sweeps. */
  async shutdown(): Promise<void> {
    this.health.close();
    await this.sweeps.settle();
  }
}
