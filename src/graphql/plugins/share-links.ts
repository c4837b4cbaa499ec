// GET /share/<token>: a share link's bundle, streamed as a plain HTTP download (no GraphQL, no API
// token: the link's token is the credential). Refusals are JSON with the HTTP status that says
// why: 404 unknown token, 410 expired, revoked, out of downloads or bundle changed; 405 for other
// methods. Registered in app.ts beside /healthz and /metrics, before the GraphQL endpoint's guards.
import { Readable } from "node:stream";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../../lib/logger.js";

/** What the route needs of the sharing module (wired in app.ts). */
export interface ShareDownloads {
  download(token: string): Promise<{ link: { id: string; file: string; sha256: string; downloads: number }; stream: NodeJS.ReadableStream; size: number }>;
}

/** A refusal the sharing module raised on purpose: its HTTP status and reason (ShareLinkRefusedError). */
function refusalOf(err: unknown): { status: number; reason: string; message: string } | null {
  if (!(err instanceof Error) || err.name !== "ShareLinkRefusedError") return null;
  const { status, reason } = err as Error & { status?: unknown; reason?: unknown };
  return typeof status === "number" && typeof reason === "string" ? { status, reason, message: err.message } : null;
}

const refusal = (status: number, error: string, message: string, headers: Record<string, string> = {}) =>
  Response.json({ error, message }, { status, headers: { "cache-control": "no-store", ...headers } });

export function useShareLinks(path: string, downloads: ShareDownloads, logger: Logger): Plugin {
  return {
    async onRequest({ url, request, endResponse }) {
      if (!url.pathname.startsWith(path)) return;
      const token = url.pathname.slice(path.length);
      if (request.method !== "GET") {
        endResponse(refusal(405, "METHOD_NOT_ALLOWED", "Share links answer GET only.", { allow: "GET" }));
        return;
      }
      try {
        const d = await downloads.download(token);
        logger.info("share link download", { id: d.link.id, file: d.link.file, downloads: d.link.downloads });
        endResponse(
          new Response(Readable.toWeb(d.stream as Readable) as ReadableStream<Uint8Array>, {
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
        const refused = refusalOf(err);
        if (refused) {
          endResponse(refusal(refused.status, refused.reason, refused.message));
          return;
        }
        logger.error("share link download failed", { error: String(err) });
        endResponse(refusal(500, "UNEXPECTED", "Unexpected error."));
      }
    },
  };
}
