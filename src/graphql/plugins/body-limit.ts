// The request body limit, without a stream per request. yoga's own limit (maxRequestBodySize)
// pipes every body through a TransformStream, even one whose Content-Length already says it is
// small: a stream pipeline, an AbortController and a DOMException per request, about 5 % of a
// small query's CPU (profile of W2, bench/compare). Node's HTTP parser never hands a handler more
// body than the Content-Length it declared, so a declared length is checked against the limit and
// nothing more; only a body without one (chunked) is counted as it streams. Same answers as
// yoga's: 400 BAD_REQUEST for a malformed Content-Length, 413 REQUEST_ENTITY_TOO_LARGE over it.
// Registered after every plugin that may choose a request parser (it wraps the chosen one).
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

/** yoga's default (maxRequestBodySize), kept. */
export const MAX_REQUEST_BODY_BYTES = 25_000_000;

const CONTENT_LENGTH = /^\d+$/;

const tooLarge = () => new GraphQLError("Request body too large", { extensions: { http: { status: 413 }, code: "REQUEST_ENTITY_TOO_LARGE" } });

export function useRequestBodyLimit(limit: number = MAX_REQUEST_BODY_BYTES): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        // One non-negative integer; anything else (e.g. "10, 20" in a smuggling attempt) is refused.
        if (!CONTENT_LENGTH.test(declared)) throw new GraphQLError("Content-Length header is invalid.", { extensions: { http: { status: 400 }, code: "BAD_REQUEST" } });
        if (Number(declared) > limit) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((req) => {
        const body = req.body;
        if (!body) return parse(req);
        let read = 0;
        // The server adapter's own stream classes, unless the body is a native stream (as yoga does).
        const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        const counted = body.pipeThrough(
          new Transform<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              read += chunk.byteLength;
              if (read > limit) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        return parse(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, signal: req.signal, body: counted, duplex: "half" } as RequestInit));
      });
    },
  };
}
