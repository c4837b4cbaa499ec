// MCP health: one check (health-check.ts) run, recorded with history (McpHealth, McpHealthCheck)
// and published when the shown status changes. Sweeps of every deployed server: sweep.ts.
import { annotate, inSpan } from "../../lib/telemetry.js";
import type { Config } from "../../config.js";
import type { Database } from "../../db/index.js";
import { constraintViolation, isRecordMissing } from "../../db/index.js";
import type { McpHealth, McpServer } from "../../generated/prisma/client.js";
import { InvalidInputError } from "../../lib/errors.js";
import type { EventPublisher } from "../../lib/events.js";
import type { Logger } from "../../lib/logger.js";
import { hashFor, isApproved } from "./approvals.js";
import type { McpEnvValues } from "./env-values.js";
import { MissingEnvError, SecretKeyError } from "./errors.js";
import type { CheckResult, CheckStatus } from "./health-check.js";
import { MAX_DETAIL_CHARS, reasonOf, type HealthReason } from "./health-reasons.js";
import { effectiveStatus, type McpRegistry, type McpShownStatus } from "./registry.js";
import { redact } from "./secrets.js";

/** One recent error: when, the classified reason (what every reader sees) and the detail (admins only). */
export type HealthError = { at: string; reason: HealthReason; message: string };

export interface RecordedCheck extends Omit<CheckResult, "status"> {
  /** NOT_APPROVED: nothing ran (the launch specification is not the approved one); never recorded. */
  status: CheckStatus | "NOT_APPROVED";
  serverId: string;
  checkedAt: Date;
  /** False when the check was cut short (shutdown, a cancelled sweep) or its server removed. */
  recorded: boolean;
}

/** A server's health as the API shows it: its row (null before any check) and its shown status. */
export interface HealthView {
  serverId: string;
  row: McpHealth | null;
  status: McpShownStatus;
}

export type { CheckStatus };

export function parseRecentErrors(value: unknown): HealthError[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((e: unknown) =>
    e && typeof e === "object" && "at" in e && "message" in e && typeof e.at === "string" && typeof e.message === "string"
      ? [{ at: e.at, reason: reasonOf("reason" in e ? e.reason : undefined), message: e.message }]
      : [],
  );
}

export class McpHealthChecks {
  private readonly inflight = new Set<AbortController>();
  /** Set by shutdown(): no check starts after it. */
  private closed = false;
  private readonly checking = new Map<string, Promise<RecordedCheck>>();

  constructor(
    private readonly db: Database,
    private readonly registry: McpRegistry,
    private readonly env: McpEnvValues,
    private readonly events: EventPublisher,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** The health of many servers in one statement (the per-request loader's batch). */
  async views(ids: readonly string[]): Promise<HealthView[]> {
    const rows = await this.db.prisma.mcpServer.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, launchHash: true, approvedLaunchHash: true, health: true, _count: { select: { deployments: true } } },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const r = byId.get(id);
      const row = r?.health ?? null;
      return { serverId: id, row, status: effectiveStatus(row?.status, (r?._count.deployments ?? 0) > 0, r ? isApproved(r) : true) };
    });
  }

  /** Ids and names of the servers deployed somewhere, by id. */
  deployed(): Promise<{ serverId: string; server: { name: string } }[]> {
    return this.db.prisma.mcpDeployment.findMany({ distinct: ["serverId"], select: { serverId: true, server: { select: { name: true } } }, orderBy: { serverId: "asc" } });
  }

  /** Publishes a change of a server's shown status (none when it did not change). */
  publish(server: Pick<McpServer, "id" | "name">, previousStatus: McpShownStatus, status: McpShownStatus): void {
    if (previousStatus === status) return;
    this.events.publish("mcp:health-changed", { serverId: server.id, name: server.name, previousStatus, status, at: new Date().toISOString() });
  }

  /**
   * Runs one health check now, records it, and publishes a status change. A check of a server
   * that is already being checked (the sweep and a request at once) joins the running one; if
   * that one is cancelled (its sweep was), this check runs on its own. A sweep's checks run at
   * SKILLGRAPH_MCP_HEALTH_NICE; one asked for (someone is waiting for it) at normal priority.
   */
  check(id: string, options: { signal?: AbortSignal; background?: boolean } = {}): Promise<RecordedCheck> {
    const { signal } = options;
    const running = this.checking.get(id);
    if (running) return running.then((r) => (r.recorded || signal?.aborted ? r : this.check(id, options)));
    const niceness = options.background ? this.config.mcp.healthNice : 0;
    const check = inSpan("mcp health check", { "mcp.server.id": id, "mcp.check.background": options.background === true }, async () => {
      const r = await this.runCheck(id, niceness, signal);
      annotate({ "mcp.health.status": r.status, "mcp.health.latency_ms": r.latencyMs });
      return r;
    }).finally(() => this.checking.delete(id));
    this.checking.set(id, check);
    return check;
  }

  private async runCheck(id: string, niceness: number, signal?: AbortSignal): Promise<RecordedCheck> {
    const server = await this.registry.find(id);
    let result: CheckResult;
    let secrets: string[] = [];
    try {
      const prepared = await this.env.spec(server);
      secrets = prepared.secrets;
      // Nothing runs for a specification an admin has not approved as it stands now.
      const hash = hashFor(server, prepared.spec);
      if (server.launchHash !== hash) await this.db.prisma.mcpServer.update({ where: { id }, data: { launchHash: hash } }).catch(() => {});
      if (server.approvedLaunchHash !== hash) {
        this.logger.info("mcp health check refused: launch not approved", { serverId: id });
        return { status: "NOT_APPROVED", latencyMs: 0, toolCount: null, serverInfo: null, protocolVersion: null, reason: null, error: null, serverId: id, checkedAt: new Date(), recorded: false };
      }
      const controller = new AbortController();
      const cancel = () => controller.abort(signal?.reason);
      if (signal?.aborted || this.closed) cancel();
      signal?.addEventListener("abort", cancel, { once: true });
      this.inflight.add(controller);
      try {
        // The MCP SDK is loaded on the first check, not when the process starts (most never check).
        const { checkServer } = await import("./health-check.js");
        result = await checkServer(prepared.spec, {
          timeoutMs: this.config.mcp.healthTimeoutMs,
          slowMs: this.config.mcp.healthSlowMs,
          niceness,
          outputLimitBytes: this.config.mcp.checkOutputBytes,
          path: this.config.mcp.checkPath,
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
      const reason: HealthReason = err instanceof MissingEnvError ? "MISSING_ENV" : err instanceof SecretKeyError ? "SECRET_KEY" : "NOT_RUNNABLE";
      result = { status: "UNHEALTHY", latencyMs: 0, toolCount: null, serverInfo: null, protocolVersion: null, reason, error: err.message };
    }
    const error = result.error === null ? null : redact(result.error, secrets).slice(0, MAX_DETAIL_CHARS);
    const recorded = await this.record(server, { ...result, error });
    // The log gets the classified reason only: the detail may quote anything the process printed.
    if (result.status !== "HEALTHY") this.logger.warn("mcp health check", { serverId: id, status: result.status, latencyMs: result.latencyMs, reason: result.reason });
    return recorded;
  }

  private async record(server: McpServer, result: CheckResult): Promise<RecordedCheck> {
    const checkedAt = new Date();
    const [prev, deployed] = await Promise.all([
      this.db.prisma.mcpHealth.findUnique({ where: { serverId: server.id } }),
      this.db.prisma.mcpDeployment.count({ where: { serverId: server.id } }),
    ]);
    const previousStatus = effectiveStatus(prev?.status, deployed > 0, true);
    const answered = result.serverInfo !== null;
    const failed = result.status === "UNHEALTHY" || (result.status === "DEGRADED" && result.toolCount === null);
    const recentErrors: HealthError[] = result.error
      ? [{ at: checkedAt.toISOString(), reason: result.reason ?? "UNKNOWN", message: result.error }, ...parseRecentErrors(prev?.recentErrors)].slice(0, 10)
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
      await this.db.transaction(async ({ prisma }) => {
        await prisma.mcpHealthCheck.create({
          data: { serverId: server.id, status: result.status, latencyMs: result.latencyMs, toolCount: result.toolCount, error: result.error, reason: result.reason, checkedAt },
        });
        await prisma.mcpHealth.upsert({ where: { serverId: server.id }, create: { serverId: server.id, ...data }, update: data });
      });
    } catch (err) {
      // The server was removed while it was being checked: nothing to record.
      if (constraintViolation(err) === "foreign-key" || isRecordMissing(err)) {
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
    const cutoff = await this.db.prisma.mcpHealthCheck.findMany({ where: { serverId }, orderBy: [{ checkedAt: "desc" }, { id: "desc" }], skip: keep, take: 1, select: { checkedAt: true } });
    const oldest = cutoff[0];
    if (oldest) await this.db.prisma.mcpHealthCheck.deleteMany({ where: { serverId, checkedAt: { lte: oldest.checkedAt } } });
  }

  /** Cancels running checks (their processes are killed) and starts no more. */
  close(): void {
    this.closed = true;
    for (const c of this.inflight) c.abort(new Error("shutting down"));
  }
}
