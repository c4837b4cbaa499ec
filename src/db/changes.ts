// Change signals: how a process learns that another process (another instance, the CLI) changed
// data it caches, so the cache can be exact without reading the table on every request.
// - SQLite: PRAGMA data_version of the connection changes whenever another connection commits
//   (never for this connection's own writes). Any commit counts, whatever the topic.
// - PostgreSQL: writers announce a topic with pg_notify inside their transaction (delivered only
//   when it commits); a LISTEN connection counts the announcements. While that connection is down
//   the version is null: callers then read instead of trusting a cache.
import type { Client } from "pg";
import type { Logger } from "../lib/logger.js";
import type { Provider } from "./provider.js";
import { sql, type SqlExecutor } from "./sql.js";

const CHANNEL = "skillgraph_changes";

export interface ChangeSignals {
  /**
   * True when version() is exact: it has moved by the time another process's commit is visible to
   * this one (SQLite). PostgreSQL's notifications arrive a moment after the commit, so a cache that
   * must never serve stale data (the token cache) may rely only on an exact signal.
   */
  readonly exact: boolean;
  /** A number that moves whenever another process may have changed `topic`; null when there is no signal. */
  version(topic: string): Promise<number | null>;
  /** Inside a writer's transaction: tells other processes `topic` changed once it commits. */
  announce(tx: SqlExecutor, topic: string): Promise<void>;
  close(): Promise<void>;
}

export function sqliteChangeSignals(executor: SqlExecutor): ChangeSignals {
  return {
    exact: true,
    async version() {
      const [row] = await executor.query<{ data_version: number | bigint }>(sql`PRAGMA data_version`);
      return row ? Number(row.data_version) : null;
    },
    // Another connection's commit moves data_version by itself.
    announce: async () => {},
    close: async () => {},
  };
}

/** The LISTEN connection is opened by the first version() call: processes that never ask (a CLI command) open none. */
export function postgresChangeSignals(url: string, logger: Logger): ChangeSignals {
  const counts = new Map<string, number>();
  let listening = false;
  let closed = false;
  let client: Client | null = null;
  let retry: NodeJS.Timeout | undefined;
  // Bumped on every (re)connect: announcements may have been missed while disconnected.
  let epoch = 0;

  const connect = async () => {
    if (closed) return;
    const { default: pg } = await import("pg");
    const c = new pg.Client({ connectionString: url });
    c.on("notification", (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      counts.set(n.payload, (counts.get(n.payload) ?? 0) + 1);
    });
    const lost = (err?: unknown) => {
      if (client !== c) return;
      listening = false;
      client = null;
      c.removeAllListeners("error");
      c.end().catch(() => {});
      if (!closed) {
        if (err) logger.warn("change signal connection lost; caches off until it is back", { error: String(err) });
        retry = setTimeout(() => void connect(), 1000);
        retry.unref();
      }
    };
    c.on("error", lost);
    c.on("end", () => lost());
    try {
      client = c;
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      epoch++;
      listening = !closed;
    } catch (err) {
      lost(err);
    }
  };
  let started: Promise<void> | undefined;

  return {
    exact: false,
    async version(topic) {
      await (started ??= connect());
      return listening ? epoch * 1_000_000_000 + (counts.get(topic) ?? 0) : null;
    },
    async announce(tx, topic) {
      // execute, not query: pg_notify returns void, which has no column type to read back.
      await tx.execute(sql`SELECT pg_notify(${CHANNEL}, ${topic})`);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = null;
      listening = false;
      await c?.end().catch(() => {});
    },
  };
}

export function changeSignals(provider: Provider, url: string, executor: SqlExecutor, logger: Logger): ChangeSignals {
  return provider === "sqlite" ? sqliteChangeSignals(executor) : postgresChangeSignals(url, logger);
}
