// Health sweeps: every deployed server checked, SKILLGRAPH_MCP_HEALTH_CONCURRENCY at a time, with
// progress per server (the mcp.health-sweep job runs it).
import { setMaxListeners } from "node:events";
import type { Config } from "../../config.js";
import { NotFoundError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { CheckStatus, McpHealthChecks } from "./health.js";

/** One server checked by a sweep, as its progress reports it. */
export interface SweptServer {
  serverId: string;
  name: string;
  status: CheckStatus | "NOT_APPROVED" | null;
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
  byStatus: Record<CheckStatus | "NOT_APPROVED", number>;
  cancelled: boolean;
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

export class McpSweeps {
  private readonly sweeps = new Set<Promise<SweepResult>>();

  constructor(
    private readonly health: McpHealthChecks,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  /**
   * Checks every deployed server, SKILLGRAPH_MCP_HEALTH_CONCURRENCY at a time. The scheduler runs
   * it as the mcp.health-sweep job (health-sweep-job.ts), one at a time; should two sweeps meet
   * anyway, a server being checked is checked once for both (McpHealthChecks.check).
   */
  sweep(options: SweepOptions = {}): Promise<SweepResult> {
    const run = this.runSweep(options).finally(() => this.sweeps.delete(run));
    this.sweeps.add(run);
    return run;
  }

  private async runSweep({ signal, onChecked }: SweepOptions): Promise<SweepResult> {
    // Every running check listens on the sweep's signal (up to the concurrency at once).
    if (signal) setMaxListeners(this.config.mcp.healthConcurrency + 10, signal);
    const rows = await this.health.deployed();
    const byStatus: Record<CheckStatus | "NOT_APPROVED", number> = { HEALTHY: 0, DEGRADED: 0, UNHEALTHY: 0, NOT_APPROVED: 0 };
    let done = 0;
    let reported: Promise<void> = Promise.resolve();
    await pool(rows, this.config.mcp.healthConcurrency, async (r) => {
      if (signal?.aborted || this.health.isClosed) return;
      const swept: SweptServer = { serverId: r.serverId, name: r.server.name, status: null };
      try {
        const check = await this.health.check(r.serverId, { signal, background: true });
        // Cut short (cancelled, or shutting down): not a result, and not progress.
        if (!check.recorded && (signal?.aborted || this.health.isClosed)) return;
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
    return { total: rows.length, checked: done, byStatus, cancelled: signal?.aborted === true || this.health.isClosed };
  }

  /** Waits for running sweeps (the health checks' close() has cut their checks short). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.sweeps]);
  }
}
