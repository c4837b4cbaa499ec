// The small HTTP things, on a real port as clients meet them: GraphQL only at /graphql, large
// responses compressed (gzip or br) and small ones not, streams never, and /healthz with a body.
import { request } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: options.method ?? "GET", headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const post = (query: string, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
  body: JSON.stringify({ query }),
});

describe("HTTP", () => {
  const t = useTestApp();
  let base = "";
  beforeAll(async () => {
    base = await t().listen();
    for (let i = 0; i < 30; i++) {
      await t().execute(`mutation { addArtifact(input: { type: SKILL, name: "skill-${i}", origin: LOCAL, metadata: { title: "A skill with a long enough title ${i}" } }) { __typename } }`, {}, { token: "write" });
    }
  });
  const big = "{ artifacts(first: 30) { edges { node { id key name metadata { title } } } } }";

  it("serves GraphQL only at /graphql", async () => {
    expect((await send(base, "/graphql", post("{ __typename }"))).status).toBe(200);
    for (const path of ["/x/graphql", "/api/graphql", "/graphql/extra"]) {
      const r = await send(base, path, post("{ __typename }"));
      expect(r.status, path).toBe(404);
      expect(r.body.toString()).not.toContain("__typename");
    }
  });

  it("compresses a large response with gzip or br, as the client asks", async () => {
    const gzip = await send(base, "/graphql", post(big, { "accept-encoding": "gzip" }));
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    const plain = JSON.parse(gunzipSync(gzip.body).toString()) as { data: { artifacts: { edges: unknown[] } } };
    expect(plain.data.artifacts.edges).toHaveLength(30);
    expect(gzip.body.length).toBeLessThan(JSON.stringify(plain).length);

    const br = await send(base, "/graphql", post(big, { "accept-encoding": "br" }));
    expect(br.headers["content-encoding"]).toBe("br");
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual(plain);

    const none = await send(base, "/graphql", post(big));
    expect(none.headers["content-encoding"]).toBeUndefined();
  });

  it("leaves small responses and streams uncompressed", async () => {
    const small = await send(base, "/graphql", post("{ __typename }", { "accept-encoding": "gzip, br" }));
    expect(small.headers["content-encoding"]).toBeUndefined();
    const sse = await send(base, "/graphql", post(big, { "accept-encoding": "gzip, br", accept: "text/event-stream" }));
    expect(sse.headers["content-type"]).toContain("text/event-stream");
    // yoga marks event streams `content-encoding: none` so proxies do not compress them either.
    expect(sse.headers["content-encoding"] ?? "none").toBe("none");
    expect(sse.body.toString()).toContain("skill:skill-0");
  });

  it("answers /healthz with a body", async () => {
    const r = await send(base, "/healthz");
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toMatchObject({ status: "ok", uptimeSeconds: expect.any(Number) });
  });
});
