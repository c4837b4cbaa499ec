// System health for dashboards and orchestrators: the database (reachable, how fast, migrations
// applied), the job queue, and every MCP server's shown status; as a snapshot, as a live stream of
// changes, and as the readiness answer of /readyz.
import { Repeater } from "@graphql-yoga/subscription";
import type { Database } from "../../db/index.js";
import { migrationStatus } from "../../db/migrator.js";
import type { EventBus } from "../../lib/event-bus.js";
import type { Principal } from "../../lib/principal.js";
import type { JobService } from "../jobs/index.js";
import type { McpHealthStatusName, McpService } from "../mcp/index.js";

export interface ServerStatusView {
  serverId: string;
  name: string;
  status: McpHealthStatusName;
  checkedAt: Date | null;
}

export interface SystemHealthView {
  at: Date;
  databaseOk: boolean;
  databaseLatencyMs: number | null;
  /** null when the database cannot be read. */
  jobQueue: { pending: number; running: number; waiting: number } | null;
  servers: ServerStatusView[];
}

export interface Readiness {
  ready: boolean;
  database: "ok" | "unreachable";
  pendingMigrations: string[];
  failedMigrations: string[];
}

/** How often the stream re-checks the database when nothing else happens. */
export const DATABASE_TICK_MS = 10_000;

export class SystemService {
  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly jobs: JobService,
    private readonly mcp: McpService,
  ) {}

  async health(_viewer: Principal): Promise<SystemHealthView> {
    const started = performance.now();
    let databaseOk = true;
    let databaseLatencyMs: number | null = null;
    try {
      await this.db.ping();
      databaseLatencyMs = Math.round((performance.now() - started) * 100) / 100;
    } catch {
      databaseOk = false;
    }
    const [rows, jobQueue] = databaseOk ? await Promise.all([this.mcp.registry.overview(), this.jobs.queueDepth()]) : [[], null];
    return {
      at: new Date(),
      databaseOk,
      databaseLatencyMs,
      jobQueue,
      servers: rows.map((r) => ({ serverId: r.id, name: r.name, status: r.status, checkedAt: r.checkedAt })),
    };
  }

  /**
   * Snapshots on start, on MCP status changes, on job status changes (the queue) and on a timer;
   * only the ones that differ are yielded. Triggers that arrive while a snapshot is being taken
   * fold into one more snapshot, so a burst of job events costs two snapshots, not one each.
   */
  async *watch(viewer: Principal): AsyncGenerator<SystemHealthView> {
    const events = this.events;
    const triggers = new Repeater<null>(async (push, stop) => {
      let queued = false;
      const poke = () => {
        if (queued) return;
        queued = true;
        void push(null).then(() => {
          queued = false;
        });
      };
      poke();
      const timer = setInterval(poke, DATABASE_TICK_MS);
      const mcp = events.subscribe("mcp:health-changed");
      const jobs = events.subscribe("jobs:updated");
      const pumps = [
        (async () => {
          for await (const _ of mcp) poke();
        })(),
        (async () => {
          for await (const e of jobs) if (e.type === "STATUS") poke();
        })(),
      ];
      await stop;
      clearInterval(timer);
      await Promise.all([mcp.return(), jobs.return()]);
      await Promise.allSettled(pumps);
    });
    let last = "";
    try {
      for await (const _ of triggers) {
        const view = await this.health(viewer);
        const key = JSON.stringify([view.databaseOk, view.jobQueue, view.servers.map((s) => [s.serverId, s.status])]);
        if (key === last) continue;
        last = key;
        yield view;
      }
    } finally {
      await triggers.return();
    }
  }

  /** What the scrape-time gauges show: open jobs by kind and status, MCP servers by shown status, readiness. */
  async gauges(): Promise<{ jobs: { kind: string; status: string; count: number }[]; servers: Record<string, number>; ready: boolean }> {
    const readiness = await this.readiness();
    if (readiness.database !== "ok") return { jobs: [], servers: {}, ready: false };
    const [jobs, rows] = await Promise.all([this.jobs.openJobsByKind(), this.mcp.registry.overview()]);
    const servers: Record<string, number> = {};
    for (const r of rows) servers[r.status] = (servers[r.status] ?? 0) + 1;
    return { jobs, servers, ready: readiness.ready };
  }

  /** Ready to serve: the database answers and every migration is applied. */
  async readiness(): Promise<Readiness> {
    try {
      await this.db.ping();
      const status = await migrationStatus(this.db.url);
      return { ready: status.pending.length === 0 && status.failed.length === 0, database: "ok", pendingMigrations: status.pending, failedMigrations: status.failed };
    } catch {
      return { ready: false, database: "unreachable", pendingMigrations: [], failedMigrations: [] };
    }
  }
}
