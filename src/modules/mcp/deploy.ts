// Deploying MCP servers into client settings files (the McpDeployment table): the entry is
// merged into the file (settings-file.ts), and the change is shown with secrets masked.
import type { Config } from "../../config.js";
import type { Database } from "../../db/index.js";
import type { McpServer } from "../../generated/prisma/client.js";
import { AlreadyExistsError, NotFoundError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { hashFor } from "./approvals.js";
import type { McpEnvValues } from "./env-values.js";
import { LaunchNotApprovedError } from "./errors.js";
import type { McpHealthChecks } from "./health.js";
import { declaredInputs, launchTarget } from "./launch.js";
import { documentOf, type McpRegistry } from "./registry.js";
import { redact } from "./secrets.js";
import { shortName } from "./server-json.js";
import { applyEntry, resolveSettingsPath, type SettingsChange } from "./settings-file.js";

export interface DeployOptions {
  settingsPath?: string | null;
  dryRun?: boolean | null;
}

export interface DeployResult {
  server: McpServer;
  settingsPath: string;
  entryName: string;
  dryRun: boolean;
  changed: boolean;
  changes: SettingsChange[];
  backupPath: string | null;
}

const MASK = "****";

function redactDeep(value: unknown, secrets: string[]): unknown {
  if (typeof value === "string") return redact(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]));
  return value;
}

export class McpDeployments {
  constructor(
    private readonly db: Database,
    private readonly registry: McpRegistry,
    private readonly env: McpEnvValues,
    private readonly status: Pick<McpHealthChecks, "publish">,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  async deploy(id: string, options: DeployOptions = {}): Promise<DeployResult> {
    const server = await this.registry.find(id);
    const { spec, secrets, secretNames } = await this.env.spec(server);
    // A settings file's command runs when its client starts: only an approved specification goes there.
    if (server.approvedLaunchHash !== hashFor(server, spec)) throw new LaunchNotApprovedError(id);
    const path = await resolveSettingsPath(this.config.mcp.settingsRoot, options.settingsPath, this.config.mcp.defaultSettingsFile);
    const entryName = shortName(server.name);
    const dryRun = options.dryRun === true;
    const [mine, taken] = await Promise.all([
      this.db.prisma.mcpDeployment.findUnique({ where: { serverId_settingsPath: { serverId: id, settingsPath: path } } }),
      this.db.prisma.mcpDeployment.findFirst({ where: { settingsPath: path, entryName, NOT: { serverId: id } }, select: { id: true } }),
    ]);
    if (taken) throw new AlreadyExistsError("McpDeployment", "entryName", entryName);
    const entry =
      spec.kind === "stdio"
        ? { command: spec.command, args: spec.args, env: spec.env }
        : { type: spec.kind === "sse" ? "sse" : "http", url: spec.url, headers: spec.headers };
    const result = await applyEntry(path, entryName, entry, dryRun, mine === null);
    if (!dryRun) {
      await this.db.prisma.mcpDeployment.upsert({
        where: { serverId_settingsPath: { serverId: id, settingsPath: path } },
        create: { serverId: id, settingsPath: path, entryName },
        update: { entryName, deployedAt: new Date() },
      });
      if (!mine) await this.publishIfChanged(server, "deploy");
    }
    this.logger.info(dryRun ? "mcp deploy (dry run)" : "mcp server deployed", { serverId: id, settingsPath: path, entryName, dryRun, changed: result.changed });
    return { server, settingsPath: path, entryName, dryRun, changed: result.changed, changes: this.redactChanges(result.changes, secrets, secretNames, server, false), backupPath: result.backupPath };
  }

  async undeploy(id: string, options: DeployOptions = {}): Promise<DeployResult> {
    const server = await this.registry.find(id);
    const path = await resolveSettingsPath(this.config.mcp.settingsRoot, options.settingsPath, this.config.mcp.defaultSettingsFile);
    const deployment = await this.db.prisma.mcpDeployment.findUnique({ where: { serverId_settingsPath: { serverId: id, settingsPath: path } } });
    if (!deployment) throw new NotFoundError("McpDeployment", path);
    const dryRun = options.dryRun === true;
    const result = await applyEntry(path, deployment.entryName, null, dryRun, false);
    if (!dryRun) {
      await this.db.prisma.mcpDeployment.delete({ where: { id: deployment.id } });
      await this.publishIfChanged(server, "undeploy");
    }
    // If the secrets cannot be opened (another key), mask every env value and header instead.
    const known = await this.env.open(id).catch(() => null);
    const changes = this.redactChanges(result.changes, known?.secrets ?? [], known?.secretNames ?? new Set(), server, known === null);
    return { server, settingsPath: path, entryName: deployment.entryName, dryRun, changed: result.changed, changes, backupPath: result.backupPath };
  }

  /**
   * Secrets out of a diff: values of secret variables (stored or declared secret) are masked by
   * name, wherever they sit (a leaf path or inside a whole entry), and any stored secret value
   * is masked wherever it appears (e.g. filled into a header template).
   */
  private redactChanges(changes: SettingsChange[], secrets: string[], stored: Set<string>, server: McpServer, maskAll: boolean): SettingsChange[] {
    const names = new Set(stored);
    for (const v of declaredInputs(launchTarget(documentOf(server)))) if (v.isSecret) names.add(v.name);
    const secret = (name: string) => maskAll || names.has(name);
    const maskEntry = (value: unknown): unknown => {
      if (!value || typeof value !== "object" || Array.isArray(value)) return value;
      const out: Record<string, unknown> = { ...value };
      for (const key of ["env", "headers"]) {
        const inner = out[key];
        if (inner && typeof inner === "object" && !Array.isArray(inner)) {
          out[key] = Object.fromEntries(Object.entries(inner).map(([k, v]) => [k, secret(k) ? MASK : v]));
        }
      }
      return out;
    };
    return changes.map((c) => {
      const leaf = /\.(?:env|headers)\.([^.]+)$/.exec(c.path)?.[1];
      if (leaf && secret(leaf)) return { ...c, before: c.before === null ? null : MASK, after: c.after === null ? null : MASK };
      if (/\.(?:env|headers)$/.test(c.path)) {
        const wrap = (v: unknown) => (maskEntry({ env: v }) as { env: unknown }).env;
        return { ...c, before: redactDeep(wrap(c.before), secrets), after: redactDeep(wrap(c.after), secrets) };
      }
      return { ...c, before: redactDeep(maskEntry(c.before), secrets), after: redactDeep(maskEntry(c.after), secrets) };
    });
  }

  /** After a deploy or undeploy: the shown status may change (NOT_DEPLOYED ↔ UNKNOWN). */
  private async publishIfChanged(server: McpServer, cause: "deploy" | "undeploy"): Promise<void> {
    const count = await this.db.prisma.mcpDeployment.count({ where: { serverId: server.id } });
    let health = await this.db.prisma.mcpHealth.findUnique({ where: { serverId: server.id }, select: { status: true } });
    if (cause === "undeploy" && count === 0 && health) {
      // Nothing deployed: its last health no longer describes anything running.
      await this.db.prisma.mcpHealth.delete({ where: { serverId: server.id } });
      this.status.publish(server, health.status, "NOT_DEPLOYED");
      health = null;
      return;
    }
    if (cause === "deploy" && count === 1 && !health) this.status.publish(server, "NOT_DEPLOYED", "UNKNOWN");
  }
}
