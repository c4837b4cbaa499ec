// Who may talk to the server from a browser. CORS is off unless SKILLGRAPH_CORS_ORIGINS lists
// origins; when the server is bound to a loopback address, the Host header must name it
// (localhost, 127.0.0.1, [::1], or SKILLGRAPH_ALLOWED_HOSTS), so a DNS-rebinding page cannot reach
// it under its own name; WebSocket upgrades from a browser must come from the same origin or a
// configured one.
import type { IncomingHttpHeaders } from "node:http";
import type { Plugin } from "graphql-yoga";
import type { SecurityConfig } from "../../security-config.js";

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1", "[::1]"];

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The name part of a Host header value ("[::1]:4000" → "[::1]", "a.test:80" → "a.test"). */
function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  return h.replace(/:\d+$/, "");
}

/** True when a request naming this Host may be served by a server bound to `bind`. */
export function hostAllowed(hostHeader: string | null | undefined, bind: string, security: SecurityConfig): boolean {
  if (!isLoopback(bind)) return true;
  if (!hostHeader) return false;
  const name = hostName(hostHeader);
  return LOOPBACK_NAMES.includes(name) || /^127\.\d+\.\d+\.\d+$/.test(name) || security.allowedHosts.includes(name);
}

/** yoga's `cors` option: off (no CORS headers at all) unless origins are configured. */
export function corsOption(security: SecurityConfig) {
  if (security.corsOrigins.length === 0) return false as const;
  const any = security.corsOrigins.includes("*");
  return { origin: any ? "*" : security.corsOrigins, credentials: !any, methods: ["GET", "POST"], allowedHeaders: ["authorization", "content-type", "x-request-id"] };
}

/** A browser's WebSocket upgrade: no Origin (not a browser), the same origin, or a configured one. */
export function upgradeOriginAllowed(headers: IncomingHttpHeaders, security: SecurityConfig): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (security.corsOrigins.includes("*") || security.corsOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host.toLowerCase() === (headers.host ?? "").toLowerCase();
  } catch {
    return false;
  }
}

/** Refuses requests whose Host is not this loopback server's name (421 Misdirected Request). */
export function useHostCheck(bind: string, security: SecurityConfig): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (hostAllowed(request.headers.get("host") ?? url.host, bind, security)) return;
      endResponse(new Response(JSON.stringify({ errors: [{ message: "This server does not answer to that Host name.", extensions: { code: "MISDIRECTED_REQUEST" } }] }), { status: 421, headers: { "content-type": "application/json" } }));
    },
  };
}
