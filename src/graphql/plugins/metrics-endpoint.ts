// GET /metrics in the Prometheus text format: on the API's port behind a bearer token
// (SKILLGRAPH_METRICS_TOKEN), or on a port of its own (SKILLGRAPH_METRICS_PORT, see app.ts), so
// scrapes never reach the public listener unauthenticated. Without either setting, /metrics is 404.
import { timingSafeEqual, createHash } from "node:crypto";
import type { Plugin } from "graphql-yoga";
import type { Metrics } from "../../lib/metrics.js";

const digest = (v: string) => createHash("sha256").update(v).digest();

/** True when `authorization` is "Bearer <token>" (compared in constant time). */
export function metricsAuthorized(authorization: string | null, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

export async function metricsResponse(m: Metrics): Promise<Response> {
  return new Response(await m.registry.metrics(), { headers: { "content-type": m.registry.contentType } });
}

export function useMetricsEndpoint(m: Metrics | null, token: string | null): Plugin {
  return {
    // Not async: every other request passes through here, and should not wait a turn for it.
    onRequest({ url, request, endResponse }) {
      if (url.pathname !== "/metrics") return;
      if (!m || token === null) {
        endResponse(new Response("Not found", { status: 404 }));
        return;
      }
      if (request.method !== "GET") {
        endResponse(new Response("Method not allowed", { status: 405, headers: { allow: "GET" } }));
        return;
      }
      if (!metricsAuthorized(request.headers.get("authorization"), token)) {
        endResponse(new Response("Unauthorized", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } }));
        return;
      }
      return metricsResponse(m).then(endResponse);
    },
  };
}
