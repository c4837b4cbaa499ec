// Response compression on the HTTP server (the `compression` middleware from Express, which works
// on plain node:http): gzip or br, as the client's Accept-Encoding prefers, for bodies of at
// least SKILLGRAPH_COMPRESSION_THRESHOLD_BYTES. Streams are left alone: SSE and multipart
// (@defer, subscriptions) must reach the client part by part, and a compressor would hold them.
import type { IncomingMessage, ServerResponse } from "node:http";
import compression from "compression";

const STREAMING = /^(text\/event-stream|multipart\/mixed)/i;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Wraps a node:http handler so its responses are compressed. */
export function withCompression(handler: Handler, thresholdBytes: number): Handler {
  const compress = compression({
    threshold: thresholdBytes,
    filter: (req, res) => {
      if (STREAMING.test(String(res.getHeader("content-type") ?? ""))) return false;
      return compression.filter(req, res);
    },
  });
  return (req, res) => {
    // compression's types are Express's; node's own request and response are what it handles.
    compress(req as never, res as never, () => handler(req, res));
  };
}
