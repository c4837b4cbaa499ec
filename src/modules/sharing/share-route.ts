// GET /share/<token>: a share link's bundle, streamed as a plain HTTP download (no GraphQL, no API
// token: the link's token is the credential). Refusals are JSON with the HTTP status that says
// why: 404 unknown token, 410 expired, revoked, out of downloads or bundle changed; 405 for other
// methods. Registered in app.ts beside /healthz and /metrics, before the GraphQL endpoint's guards.
import { Readable } from "node:stream";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../../lib/logger.js";
import { ShareLinkRefusedError } from "./errors.js";
import { SHARE_PATH } from "./links.js";
import type { SharingService } from "./service.js";

const refusal = (status: number, error: string, message: string, headers: Record<string, string> = {}) =>
  Response.json({ error, message }, { status, headers: { "cache-control": "no-store", ...headers } });

export function useShareLinks(sharing: SharingService, logger: Logger): Plugin {
  return {
    async onRequest({ url, request, endResponse }) {
      if (!url.pathname.startsWith(SHARE_PATH)) return;
      const token = url.pathname.slice(SHARE_PATH.length);
      if (request.method !== "GET") {
        endResponse(refusal(405, "METHOD_NOT_ALLOWED", "Share links answer GET only.", { allow: "GET" }));
        return;
      }
      try {
        const d = await sharing.links.download(token);
        logger.info("share link download", { id: d.link.id, file: d.link.file, downloads: d.link.downloads });
        endResponse(
          new Response(Readable.toWeb(d.stream) as ReadableStream<Uint8Array>, {
            status: 200,
            headers: {
              "content-type": "application/octet-stream",
              "content-length": String(d.size),
              "content-disposition": `attachment; filename="${d.link.file}"`,
              "x-content-sha256": d.link.sha256,
              // no-transform: served as stored, with its length (the response compression leaves it alone).
              "cache-control": "no-store, no-transform",
            },
          }),
        );
      } catch (err) {
        if (err instanceof ShareLinkRefusedError) {
          endResponse(refusal(err.status, err.reason, err.message));
          return;
        }
        logger.error("share link download failed", { error: String(err) });
        endResponse(refusal(500, "UNEXPECTED", "Unexpected error."));
      }
    },
  };
}
