// /healthz (the process answers) and /readyz (it can serve: the database answers and every
// migration is applied), for load balancers and orchestrators.
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
    async onRequest({ url, endResponse }) {
      if (url.pathname === "/healthz") {
        endResponse(Response.json({ status: "ok" }));
        return;
      }
      if (url.pathname !== "/readyz") return;
      const r = await readiness();
      if (!r.ready) logger.warn("not ready", { database: r.database, pendingMigrations: r.pendingMigrations, failedMigrations: r.failedMigrations });
      endResponse(
        Response.json(
          { status: r.ready ? "ready" : "not ready", database: r.database, pendingMigrations: r.pendingMigrations, failedMigrations: r.failedMigrations },
          { status: r.ready ? 200 : 503 },
        ),
      );
    },
  };
}
