// /healthz (the process answers) and /readyz (it can serve: the database answers and every
// migration is applied), for load balancers and orchestrators; and nothing but these and the
// GraphQL endpoint is served (yoga would answer GraphQL at any path ending in /graphql).
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../../lib/logger.js";

export interface ReadinessReport {
  ready: boolean;
  database: string;
  pendingMigrations: string[];
  failedMigrations: string[];
}

export function useHealthEndpoints(readiness: () => Promise<ReadinessReport>, logger: Logger): Plugin {
  return {
    // Not async: every other request passes through here, and should not wait a turn for it.
    onRequest({ url, endResponse }) {
      if (url.pathname === "/healthz") {
        endResponse(Response.json({ status: "ok", uptimeSeconds: Math.round(process.uptime()) }));
        return;
      }
      if (url.pathname !== "/readyz") return;
      return readiness().then((r) => {
        if (!r.ready) logger.warn("not ready", { database: r.database, pendingMigrations: r.pendingMigrations, failedMigrations: r.failedMigrations });
        endResponse(
          Response.json(
            { status: r.ready ? "ready" : "not ready", database: r.database, pendingMigrations: r.pendingMigrations, failedMigrations: r.failedMigrations },
            { status: r.ready ? 200 : 503 },
          ),
        );
      });
    },
  };
}

/** 404 for every path but the GraphQL endpoint (health endpoints answer before this runs). */
export function useOnlyGraphqlEndpoint(endpoint: string): Plugin {
  return {
    onRequest({ url, endResponse }) {
      if (url.pathname !== endpoint) endResponse(new Response(null, { status: 404 }));
    },
  };
}
