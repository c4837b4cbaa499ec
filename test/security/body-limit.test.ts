// The request body limit (src/graphql/plugins/body-limit.ts, 25,000,000 bytes as yoga's default):
// a declared Content-Length over it is 413 before the body is read, a malformed one is 400, and a
// chunked body (no Content-Length) is counted as it arrives, over a real socket.
import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { MAX_REQUEST_BODY_BYTES } from "../../src/graphql/plugins/body-limit.js";
import { useTestApp } from "../helpers/app.js";

/** POSTs to /graphql over a real socket; `chunks` are written without a Content-Length (chunked). */
function post(base: string, headers: Record<string, string>, chunks: Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The server may answer (and close) before it has read everything we send.
    req.on("error", (err) => ((err as NodeJS.ErrnoException).code === "EPIPE" || (err as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(err)));
    const write = (i: number): void => {
      if (i >= chunks.length) return void req.end();
      if (req.destroyed) return;
      if (req.write(chunks[i])) write(i + 1);
      else req.once("drain", () => write(i + 1));
    };
    write(0);
  });
}

describe("request body limit", () => {
  const t = useTestApp();
  const query = Buffer.from(JSON.stringify({ query: "{ __typename }" }));

  it("answers a small body, declared or chunked", async () => {
    const base = await t().listen();
    expect(await post(base, { "content-length": String(query.length) }, [query])).toMatchObject({ status: 200, body: expect.stringContaining("Query") });
    expect(await post(base, {}, [query.subarray(0, 5), query.subarray(5)])).toMatchObject({ status: 200, body: expect.stringContaining("Query") });
  });

  it("refuses a declared length over the limit with 413, and a malformed one with 400", async () => {
    const big = await t().app.yoga.fetch("http://skillgraph.test/graphql", { method: "POST", headers: { "content-type": "application/json", "content-length": String(MAX_REQUEST_BODY_BYTES + 1) }, body: query });
    expect(big.status).toBe(413);
    expect(JSON.stringify(await big.json())).toContain("REQUEST_ENTITY_TOO_LARGE");
    const bad = await t().app.yoga.fetch("http://skillgraph.test/graphql", { method: "POST", headers: { "content-type": "application/json", "content-length": "10, 20" }, body: query });
    expect(bad.status).toBe(400);
  });

  it("counts a chunked body as it arrives and refuses it with 413 once it passes the limit", async () => {
    const base = await t().listen();
    // A JSON string that never ends, in 1 MiB chunks, to just past the limit.
    const chunk = Buffer.alloc(1 << 20, 0x61);
    const chunks = [Buffer.from('{"query":"'), ...Array.from({ length: Math.ceil(MAX_REQUEST_BODY_BYTES / chunk.length) + 1 }, () => chunk)];
    const r = await post(base, {}, chunks);
    expect(r.status).toBe(413);
    expect(r.body).toContain("REQUEST_ENTITY_TOO_LARGE");
  });
});
