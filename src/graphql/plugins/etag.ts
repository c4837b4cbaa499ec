// HTTP caching for integrators: GraphQL queries sent with GET get a strong ETag (a hash of the
// response body), and a request whose If-None-Match holds it gets 304 Not Modified with no body.
// The ETag is derived from the body itself, so it changes exactly when the answer does, e.g.
// when a listing changes; nothing has to be invalidated. The query still runs on every
// request unless the response cache (response-cache.ts) is on: this saves the transfer.
import { createHash } from "node:crypto";
import type { Plugin } from "graphql-yoga";

function matches(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch
    .split(",")
    .map((t) => t.trim().replace(/^W\//, ""))
    .some((t) => t === "*" || t === etag);
}

export function useETag<C extends Record<string, unknown>>(graphqlEndpoint = "/graphql"): Plugin<C> {
  return {
    async onResponse({ request, response, setResponse }) {
      if (request.method !== "GET" || response.status !== 200) return;
      if (new URL(request.url).pathname !== graphqlEndpoint) return;
      const type = response.headers.get("content-type") ?? "";
      // Only single JSON results: not GraphiQL, not SSE streams.
      if (!type.includes("json")) return;
      const body = await response.text();
      const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
      const headers = new Headers(response.headers);
      headers.set("etag", etag);
      // Answers differ per token, so shared caches must key on it, and always revalidate.
      headers.set("cache-control", "private, no-cache");
      headers.append("vary", "authorization");
      const ifNoneMatch = request.headers.get("if-none-match");
      if (ifNoneMatch && matches(ifNoneMatch, etag)) {
        headers.delete("content-length");
        headers.delete("content-type");
        setResponse(new Response(null, { status: 304, headers }));
        return;
      }
      setResponse(new Response(body, { status: response.status, statusText: response.statusText, headers }));
    },
  };
}
