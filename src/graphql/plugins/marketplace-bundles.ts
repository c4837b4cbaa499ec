// GET /marketplace/bundles/<listing>: the signed bundle of a LOCAL listing, as published, for
// installs from another instance (its HTTP_FEED) or any client. Readers only (the read scope, or
// anonymous when SKILLGRAPH_PUBLIC_READ allows); ETag is the bundle's SHA-256.
import type { Plugin } from "graphql-yoga";

export interface BundleSource {
  /** The bundle of an active LOCAL listing by name; null when there is none. */
  publishedBundle(name: string): Promise<{ bytes: Buffer; sha256: string; file: string } | null>;
}

/** `canRead` says whether the request may read listings (it answers false for a bad token). */
export function useMarketplaceBundles(route: string, source: BundleSource, canRead: (request: Request) => Promise<boolean>): Plugin {
  async function serve({ request, url, endResponse }: { request: Request; url: URL; endResponse: (response: Response) => void }): Promise<void> {
    if (request.method !== "GET" && request.method !== "HEAD") {
      endResponse(new Response(null, { status: 405, headers: { allow: "GET, HEAD" } }));
      return;
    }
    if (!(await canRead(request))) {
      endResponse(Response.json({ error: "a token with the read scope is required" }, { status: 401, headers: { "www-authenticate": "Bearer" } }));
      return;
    }
    let name: string;
    try {
      name = decodeURIComponent(url.pathname.slice(route.length));
    } catch {
      endResponse(new Response(null, { status: 404 }));
      return;
    }
    const bundle = name && !name.includes("/") ? await source.publishedBundle(name) : null;
    if (!bundle) {
      endResponse(Response.json({ error: "no published bundle by that name" }, { status: 404 }));
      return;
    }
    const etag = `"${bundle.sha256}"`;
    const headers = { etag, "content-type": "application/octet-stream", "content-disposition": `attachment; filename="${name}.skillmeat-pack"`, "cache-control": "no-cache" };
    if (request.headers.get("if-none-match") === etag) {
      endResponse(new Response(null, { status: 304, headers: { etag } }));
      return;
    }
    endResponse(new Response(request.method === "HEAD" ? null : new Uint8Array(bundle.bytes), { status: 200, headers: { ...headers, "content-length": String(bundle.bytes.length) } }));
  }
  return {
    // Synchronous for every other path: those requests should not wait a turn here.
    onRequest(payload) {
      if (payload.url.pathname.startsWith(route)) return serve(payload);
    },
  };
}
