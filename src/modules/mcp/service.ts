// MCP servers: the registry, environment values (secrets sealed), deployment into client
// settings files, and health checks (recorded with history; status changes published).
import { setMaxListeners } from "node:events";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { Prisma } from "../../db/client.js";
import type { McpServer } from "../../generated/prisma/client.js";
import type { McpHealthStatus } from "../../generated/prisma/enums.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { EventPublisher } from "../../lib/events.js";
import type { Logger } from "../../lib/logger.js";
import { MissingEnvError, SecretKeyError } from "./errors.js";
import { checkServer, type CheckResult, type CheckStatus } from "./health-check.js";
import { declaredInputs, launchSpec, launchTarget, missingEnv, type LaunchSpec } from "./launch.js";
import { loadSecretBox, redact, type SecretBox } from "./secrets.js";
import { serverJsonSchema, shortName, type ServerJson } from "./server-json.js";
import { applyEntry, resolveSettingsPath, type SettingsChange } from "./settings-file.js";

export interface EnvValueInput {
  name: string;
  /** null unsets the variable. */
  value: string | null;
  /** Overrides the declaration: undeclared variables are secret unless told otherwise. */
  isSecret?: boolean | null;
}

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

export type HealthError = { at: string; message: string };

export interface RecordedCheck extends CheckResult {
  serverId: string;
  checkedAt: Date;
  /** False when the check was cut short (shutdown, a cancelled sweep) or its server removed. */
  recorded: boolean;
}

/** One server checked by a sweep, as its progress reports it. */
export interface SweptServer {
  serverId: string;
  name: string;
  status: CheckStatus | null;
  /** Set when the check could not run at all (e.g. the server was removed meanwhile). */
  error?: string;
}

export interface SweepOptions {
  /** Aborting stops the sweep: no new checks start, running ones are killed and not recorded. */
  signal?: AbortSignal;
  /** Called after each server's check, one call at a time, in the order they finish. */
  onChecked?: (done: number, total: number, server: SweptServer) => Promise<void> | void;
}

export interface SweepResult {
  total: number;
  checked: number;
  byStatus: Record<CheckStatus, number>;
  cancelled: boolean;
}

const MASK = "****";

/** The stored document, parsed again (it was validated on the way in). */
export function documentOf(server: Pick<McpServer, "document">): ServerJson {
  const parsed = serverJsonSchema.safeParse(server.document);
  if (!parsed.success) throw new Error("a stored server.json no longer validates");
  return parsed.data;
}

/** The status a server shows: its last check, else UNKNOWN when deployed, NOT_DEPLOYED when not. */
export function effectiveStatus(last: McpHealthStatus | null | undefined, deployed: boolean): McpHealthStatus {
  return last ?? (deployed ? "UNKNOWN" : "NOT_DEPLOYED");
}

export function parseRecentErrors(value: unknown): HealthError[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((e: unknown) =>
    e && typeof e === "object" && "at" in e && "message" in e && typeof e.at === "string" && typeof e.message === "string" ? [{ at: e.at, message: e.message }] : [],
  );
}

function redactDeep(value: unknown, secrets: string[]): unknown {
  if (typeof value === "string") return redact(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]));
  return value;
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

/** Runs fn over items, at most `limit` at a time; after a failure no new item starts, and the first failure is thrown once all running ones end. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        if (item !== undefined) await fn(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
}

export class McpService {
  private box: SecretBox | null | undefined;
  private readonly inflight = new Set<AbortController>();
  /** Set by shutdown(): no check starts after it. */
  private closed = false;
  private readonly sweeps = new Set<Promise<SweepResult>>();
  private readonly checking = new Map<string, Promise<RecordedCheck>>();

  constructor(
    private readonly db: Db,
    private readonly events: EventPublisher,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  private secretBox(): SecretBox {
    this.box ??= loadSecretBox(this.config, this.logger);
    if (!this.box) throw new SecretKeyError("SKILLGRAPH_SECRET_KEY is not configured (it is required with PostgreSQL)");
    return this.box;
  }

  private async find(id: string): Promise<McpServer> {
    const server = await this.db.mcpServer.findUnique({ where: { id } });
    if (!server) throw new NotFoundError("McpServer", id);
    return server;
  }

  private columns(doc: ServerJson) {
    return { name: doc.name, title: doc.title ?? null, description: doc.description, version: doc.version, document: doc as Prisma.InputJsonValue };
  }

  async register(doc: ServerJson): Promise<McpServer> {
    try {
      return await this.db.mcpServer.create({ data: this.columns(doc) });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("McpServer", "name", doc.name);
      throw err;
    }
  }

  /** Replaces the definition (a new server.json); env values and deployments are kept. */
  async update(id: string, doc: ServerJson): Promise<McpServer> {
    await this.find(id);
    try {
      return await this.db.mcpServer.update({ where: { id }, data: this.columns(doc) });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("McpServer", "name", doc.name);
      throw err;
    }
  }

  findByName(name: string): Promise<McpServer | null> {
    return this.db.mcpServer.findUnique({ where: { name } });
  }

  /** Every server with its shown status, by name (CLI and dashboards). */
  async overview(): Promise<{ id: string; name: string; version: string; status: McpHealthStatus; checkedAt: Date | null }[]> {
    const rows = await this.db.mcpServer.findMany({
      select: { id: true, name: true, version: true, health: { select: { status: true, checkedAt: true } }, _count: { select: { deployments: true } } },
      orderBy: { name: "asc" },
    });
    return rows.map((r) => ({ id: r.id, name: r.name, version: r.version, status: effectiveStatus(r.health?.status, r._count.deployments > 0), checkedAt: r.health?.checkedAt ?? null }));
  }

  /** Removes a server that is deployed nowhere (undeploy first, so no settings entry is orphaned). */
  async remove(id: string): Promise<McpServer> {
    const server = await this.find(id);
    const deployments = await this.db.mcpDeployment.findMany({ where: { serverId: id }, select: { settingsPath: true } });
    if (deployments.length > 0) {
      throw new InvalidInputError("id", `the server is deployed to ${deployments.map((d) => d.settingsPath).join(", ")}; undeploy it first`);
    }
    await this.db.mcpServer.delete({ where: { id } });
    return server;
  }

  async setEnv(id: string, values: EnvValueInput[]): Promise<McpServer> {
    const server = await this.find(id);
    const declared = new Map(declaredInputs(launchTarget(documentOf(server))).map((v) => [v.name, v]));
    const seen = new Set<string>();
    values.forEach((v, i) => {
      if (seen.has(v.name)) throw new InvalidInputError(`values.${i}.name`, `"${v.name}" is given twice`);
      seen.add(v.name);
      const decl = declared.get(v.name);
      if (v.value !== null && decl?.choices && !decl.choices.includes(v.value)) {
        throw new InvalidInputError(`values.${i}.value`, `must be one of the declared choices for ${v.name}`);
      }
    });
    const needsKey = values.some((v) => v.value !== null && (declared.get(v.name)?.isSecret || (v.isSecret ?? !declared.has(v.name))));
    const box = needsKey ? this.secretBox() : null;
    await this.db.$transaction(
      values.map((v) => {
        const where = { serverId_name: { serverId: id, name: v.name } };
        if (v.value === null) return this.db.mcpServerEnv.deleteMany({ where: { serverId: id, name: v.name } });
        const decl = declared.get(v.name);
        const isSecret = decl?.isSecret === true || (v.isSecret ?? !decl);
        const data = isSecret
          ? { isSecret, value: null, ciphertext: (box ?? this.secretBox()).seal(v.value, `${id}\u0000${v.name}`) }
          : { isSecret, value: v.value, ciphertext: null };
        return this.db.mcpServerEnv.upsert({ where, create: { serverId: id, name: v.name, ...data }, update: data });
      }),
    );
    return this.db.mcpServer.update({ where: { id }, data: { updatedAt: new Date() } });
  }

  /** Every stored value in plain text (secrets opened), and the secret values for redaction. */
  private async values(serverId: string): Promise<{ values: Map<string, string>; secrets: string[]; secretNames: Set<string> }> {
    const rows = await this.db.mcpServerEnv.findMany({ where: { serverId } });
    const values = new Map<string, string>();
    const secrets: string[] = [];
    const secretNames = new Set<string>();
    for (const r of rows) {
      if (r.isSecret && r.ciphertext !== null) {
        const plain = this.secretBox().open(r.ciphertext, `${serverId}\u0000${r.name}`);
        values.set(r.name, plain);
        secrets.push(plain);
        secretNames.add(r.name);
      } else if (r.value !== null) values.set(r.name, r.value);
    }
    return { values, secrets, secretNames };
  }

  private async spec(server: McpServer): Promise<{ spec: LaunchSpec; secrets: string[]; secretNames: Set<string> }> {
    const doc = documentOf(server);
    const { values, secrets, secretNames } = await this.values(server.id);
    const missing = missingEnv(doc, new Set(values.keys()));
    if (missing.length) throw new MissingEnvError(missing);
    return { spec: launchSpec(doc, values), secrets, secretNames };
  }

  async deploy(id: string, options: DeployOptions = {}): Promise<DeployResult> {
    const server = await this.find(id);
    const { spec, secrets, secretNames } = await this.spec(server);
    const path = await resolveSettingsPath(this.config.mcp.settingsRoot, options.settingsPath, this.config.mcp.defaultSettingsFile);
    const entryName = shortName(server.name);
    const dryRun = options.dryRun === true;
    const [mine, taken] = await Promise.all([
      this.db.mcpDeployment.findUnique({ where: { serverId_settingsPath: { serverId: id, settingsPath: path } } }),
      this.db.mcpDeployment.findFirst({ where: { settingsPath: path, entryName, NOT: { serverId: id } }, select: { id: true } }),
    ]);
    if (taken) throw new AlreadyExistsError("McpDeployment", "entryName", entryName);
    const entry =
      spec.kind === "stdio"
        ? { command: spec.command, args: spec.args, env: spec.env }
        : { type: spec.kind === "sse" ? "sse" : "http", url: spec.url, headers: spec.headers };
    const result = await applyEntry(path, entryName, entry, dryRun, mine === null);
    if (!dryRun) {
      await this.db.mcpDeployment.upsert({
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
    const server = await this.find(id);
    const path = await resolveSettingsPath(this.config.mcp.settingsRoot, options.settingsPath, this.config.mcp.defaultSettingsFile);
    const deployment = await this.db.mcpDeployment.findUnique({ where: { serverId_settingsPath: { serverId: id, settingsPath: path } } });
    if (!deployment) throw new NotFoundError("McpDeployment", path);
    const dryRun = options.dryRun === true;
    const result = await applyEntry(path, deployment.entryName, null, dryRun, false);
    if (!dryRun) {
      await this.db.mcpDeployment.delete({ where: { id: deployment.id } });
      await this.publishIfChanged(server, "undeploy");
    }
    // If the secrets cannot be opened (another key), mask every env value and header instead.
    const known = await this.values(id).catch(() => null);
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
    const count = await this.db.mcpDeployment.count({ where: { serverId: server.id } });
    let health = await this.db.mcpHealth.findUnique({ where: { serverId: server.id }, select: { status: true } });
    if (cause === "undeploy" && count === 0 && health) {
      // Nothing deployed: its last health no longer describes anything running.
      await this.db.mcpHealth.delete({ where: { serverId: server.id } });
      this.publish(server, health.status, "NOT_DEPLOYED");
      health = null;
      return;
    }
    if (cause === "deploy" && count === 1 && !health) this.publish(server, "NOT_DEPLOYED", "UNKNOWN");
  }

  private publish(server: Pick<McpServer, "id" | "name">, previousStatus: McpHealthStatus, status: McpHealthStatus): void {
    if (previousStatus === status) return;
    this.events.publish("mcp:health-changed", { serverId: server.id, name: server.name, previousStatus, status, at: new Date().toISOString() });
  }

  /**
   * Runs one health check now, records it, and publishes a status change. A check of a server
   * that is already being checked (the sweep and a request at once) joins the running one; if
   * that one is cancelled (its sweep was), this check runs on its own. A sweep's checks run at
   * SKILLGRAPH_MCP_HEALTH_NICE; one asked for (someone is waiting for it) at normal priority.
   */
  checkHealth(id: string, options: { signal?: AbortSignal; background?: boolean } = {}): Promise<RecordedCheck> {
    const { signal } = options;
    const running = this.checking.get(id);
    if (running) return running.then((r) => (r.recorded || signal?.aborted ? r : this.checkHealth(id, options)));
    const niceness = options.background ? this.config.mcp.healthNice : 0;
    const check = this.runCheck(id, niceness, signal).finally(() => this.checking.delete(id));
    this.checking.set(id, check);
    return check;
  }

  private async runCheck(id: string, niceness: number, signal?: AbortSignal): Promise<RecordedCheck> {
    const server = await this.find(id);
    let result: CheckResult;
    let secrets: string[] = [];
    try {
      const prepared = await this.spec(server);
      secrets = prepared.secrets;
      const controller = new AbortController();
      const cancel = () => controller.abort(signal?.reason);
      if (signal?.aborted || this.closed) cancel();
      signal?.addEventListener("abort", cancel, { once: true });
      this.inflight.add(controller);
      try {
        result = await checkServer(prepared.spec, {
          timeoutMs: this.config.mcp.healthTimeoutMs,
          slowMs: this.config.mcp.healthSlowMs,
          niceness,
          signal: controller.signal,
        });
      } finally {
        this.inflight.delete(controller);
        signal?.removeEventListener("abort", cancel);
      }
      // Cut short by shutdown or a cancelled sweep: that says nothing about the server, so it is not recorded.
      if (controller.signal.aborted) return { ...result, serverId: id, checkedAt: new Date(), recorded: false };
    } catch (err) {
      if (!(err instanceof MissingEnvError || err instanceof InvalidInputError || err instanceof SecretKeyError)) throw err;
      result = { status: "UNHEALTHY", latencyMs: 0, toolCount: null, serverInfo: null, protocolVersion: null, error: err.message };
    }
    const error = result.error === null ? null : redact(result.error, secrets);
    const recorded = await this.record(server, { ...result, error });
    if (result.status !== "HEALTHY") this.logger.warn("mcp health check", { serverId: id, status: result.status, latencyMs: result.latencyMs, error });
    return recorded;
  }

  private async record(server: McpServer, result: CheckResult): Promise<RecordedCheck> {
    const checkedAt = new Date();
    const [prev, deployed] = await Promise.all([
      this.db.mcpHealth.findUnique({ where: { serverId: server.id } }),
      this.db.mcpDeployment.count({ where: { serverId: server.id } }),
    ]);
    const previousStatus = effectiveStatus(prev?.status, deployed > 0);
    const answered = result.serverInfo !== null;
    const failed = result.status === "UNHEALTHY" || (result.status === "DEGRADED" && result.toolCount === null);
    const recentErrors = result.error
      ? [{ at: checkedAt.toISOString(), message: result.error }, ...parseRecentErrors(prev?.recentErrors)].slice(0, 10)
      : parseRecentErrors(prev?.recentErrors);
    const data = {
      status: result.status,
      latencyMs: result.latencyMs,
      toolCount: result.toolCount,
      serverName: result.serverInfo?.name ?? null,
      serverVersion: result.serverInfo?.version ?? null,
      protocolVersion: result.protocolVersion,
      checkedAt,
      lastSeen: answered ? checkedAt : (prev?.lastSeen ?? null),
      errorCount: failed ? (prev?.errorCount ?? 0) + 1 : 0,
      recentErrors,
    };
    try {
      await this.db.$transaction([
        this.db.mcpHealthCheck.create({
          data: { serverId: server.id, status: result.status, latencyMs: result.latencyMs, toolCount: result.toolCount, error: result.error, checkedAt },
        }),
        this.db.mcpHealth.upsert({ where: { serverId: server.id }, create: { serverId: server.id, ...data }, update: data }),
      ]);
    } catch (err) {
      // The server was removed while it was being checked: nothing to record.
      if (err instanceof Prisma.PrismaClientKnownRequestError && (err.code === "P2003" || err.code === "P2025")) {
        return { ...result, serverId: server.id, checkedAt, recorded: false };
      }
      throw err;
    }
    await this.pruneHistory(server.id);
    this.publish(server, previousStatus, result.status);
    return { ...result, serverId: server.id, checkedAt, recorded: true };
  }

  private async pruneHistory(serverId: string): Promise<void> {
    const keep = this.config.mcp.healthHistory;
    const cutoff = await this.db.mcpHealthCheck.findMany({ where: { serverId }, orderBy: [{ checkedAt: "desc" }, { id: "desc" }], skip: keep, take: 1, select: { checkedAt: true } });
    const oldest = cutoff[0];
    if (oldest) await this.db.mcpHealthCheck.deleteMany({ where: { serverId, checkedAt: { lte: oldest.checkedAt } } });
  }

  /**
   * Checks every deployed server, SKILLGRAPH_MCP_HEALTH_CONCURRENCY at a time. The scheduler runs
   * it as the mcp.health-sweep job (health-sweep-job.ts), one at a time; should two sweeps meet
   * anyway, a server being checked is checked once for both (checkHealth).
   */
  sweep(options: SweepOptions = {}): Promise<SweepResult> {
    const run = this.runSweep(options).finally(() => this.sweeps.delete(run));
    this.sweeps.add(run);
    return run;
  }

  private async runSweep({ signal, onChecked }: SweepOptions): Promise<SweepResult> {
    // Every running check listens on the sweep's signal (up to the concurrency at once).
    if (signal) setMaxListeners(this.config.mcp.healthConcurrency + 10, signal);
    const rows = await this.db.mcpDeployment.findMany({ distinct: ["serverId"], select: { serverId: true, server: { select: { name: true } } }, orderBy: { serverId: "asc" } });
    const byStatus: Record<CheckStatus, number> = { HEALTHY: 0, DEGRADED: 0, UNHEALTHY: 0 };
    let done = 0;
    let reported: Promise<void> = Promise.resolve();
    await pool(rows, this.config.mcp.healthConcurrency, async (r) => {
      if (signal?.aborted || this.closed) return;
      const swept: SweptServer = { serverId: r.serverId, name: r.server.name, status: null };
      try {
        const check = await this.checkHealth(r.serverId, { signal, background: true });
        // Cut short (cancelled, or shutting down): not a result, and not progress.
        if (!check.recorded && (signal?.aborted || this.closed)) return;
        swept.status = check.status;
        byStatus[check.status]++;
      } catch (err) {
        swept.error = err instanceof NotFoundError ? "removed while the sweep ran" : "the check failed; see the server log";
        if (!(err instanceof NotFoundError)) this.logger.error("mcp health check failed", { serverId: r.serverId, error: String(err) });
      }
      done++;
      const n = done;
      // Progress reports go out one at a time, in order; a failing report (e.g. the job was
      // cancelled) stops the sweep.
      reported = reported.then(() => onChecked?.(n, rows.length, swept));
      await reported;
    });
    return { total: rows.length, checked: done, byStatus, cancelled: signal?.aborted === true || this.closed };
  }

  /** Cancels running checks (their processes are killed), starts no more, and waits for running sweeps. */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const c of this.inflight) c.abort(new Error("shutting down"));
    await Promise.allSettled([...this.sweeps]);
  }
}
