// GET /share/<token>: a share link's bundle, streamed as a plain HTTP download (no GraphQL, no API
// token: the link's token is the credential). Refusals are JSON with the HTTP status that says
// why: 404 unknown token, 410 expired, revoked, out of downloads or bundle changed; 405 for other
// methods; 429 when the client address is over its anonymous rate-limit budget (one point a request).
// Registered in app.ts beside /healthz and /metrics, before the GraphQL endpoint's guards.
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../../lib/logger.js";
import type { RateLimiter } from "./rate-limit.js";

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

/** Refuses a download over the caller's budget (the answer to send), or lets it go on (null). */
export type DownloadLimit = RateLimiter["limitDownload"];

export function useShareLinks(path: string, downloads: ShareDownloads, logger: Logger, limit: DownloadLimit = async () => null): Plugin {
  async function serve(request: Request, url: URL, req: IncomingMessage | undefined, endResponse: (response: Response) => void): Promise<void> {
    const token = url.pathname.slice(path.length);
    if (request.method !== "GET") {
      endResponse(refusal(405, "METHOD_NOT_ALLOWED", "Share links answer GET only.", { allow: "GET" }));
      return;
    }
    // Each attempt, good token or not, draws on the address's anonymous budget: guessing is slow.
    const refused = await limit({ request, req });
    if (refused) {
      endResponse(refused);
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
      const known = refusalOf(err);
      if (known) {
        endResponse(refusal(known.status, known.reason, known.message));
        return;
      }
      logger.error("share link download failed", { error: String(err) });
      endResponse(refusal(500, "UNEXPECTED", "Unexpected error."));
    }
  }
  return {
    // Synchronous for every other path: those requests should not wait a turn here.
    onRequest({ url, request, endResponse, serverContext }) {
      if (!url.pathname.startsWith(path)) return;
      return serve(request, url, (serverContext as { req?: IncomingMessage } | undefined)?.req, endResponse);
    },
  };
}
