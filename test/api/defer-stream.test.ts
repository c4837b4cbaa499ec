// @defer and @stream as dashboards use them: the list arrives first, its slower parts after, over
// HTTP multipart, SSE and graphql-ws. (graphql-jit runs other queries; these keep graphql-js.)
import { createClient } from "graphql-ws";
import { beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { useTestApp } from "../helpers/app.js";

const Deferred = `
  query Dashboard {
    artifacts(first: 3) {
      edges { node { key ... @defer(label: "slow") { collection { name } groups { name } } } }
    }
  }
`;
const Streamed = `query Streamed { artifacts(first: 3) { edges @stream(initialCount: 1) { node { key } } } }`;

interface Part {
  data?: { artifacts: { edges: { node: { key: string; collection?: { name: string } } }[] } };
  incremental?: { data?: Record<string, unknown>; items?: unknown[]; path: (string | number)[]; label?: string }[];
  hasNext?: boolean;
  errors?: unknown[];
}

/** The JSON parts of a multipart/mixed body (graphql-over-http incremental delivery). */
function multipartParts(body: string): Part[] {
  return body
    .split(/\r?\n---/)
    .map((chunk) => chunk.slice(chunk.indexOf("{")))
    .filter((chunk) => chunk.startsWith("{"))
    .map((chunk) => JSON.parse(chunk.slice(0, chunk.lastIndexOf("}") + 1)) as Part);
}

/** The `data:` payloads of an SSE body. */
function ssePayloads(body: string): Part[] {
  return body
    .split("\n")
    .filter((l) => l.startsWith("data:") && l.length > 6)
    .map((l) => JSON.parse(l.slice(5)) as Part);
}

describe("@defer and @stream", () => {
  const t = useTestApp();
  beforeAll(async () => {
    for (const name of ["alpha", "beta", "gamma"]) {
      const r = await t().execute(`mutation { addArtifact(input: { type: SKILL, name: "${name}", origin: LOCAL }) { __typename } }`, {}, { token: "write" });
      r.expectNoErrors();
    }
  });

  function post(query: string, accept: string) {
    return t().app.yoga.fetch("http://skillgraph.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept, authorization: `Bearer ${t().tokens.read}` },
      body: JSON.stringify({ query }),
    });
  }

  it("sends the list first and the deferred fields after, over HTTP multipart", async () => {
    const response = await post(Deferred, "multipart/mixed");
    expect(response.headers.get("content-type")).toContain("multipart/mixed");
    const parts = multipartParts(await response.text());
    expect(parts.length).toBeGreaterThan(1);
    const [first, ...rest] = parts;
    expect(first.hasNext).toBe(true);
    expect(first.data?.artifacts.edges.map((e) => e.node.key)).toEqual(["skill:alpha", "skill:beta", "skill:gamma"]);
    expect(first.data?.artifacts.edges[0].node.collection).toBeUndefined();
    const deferred = rest.flatMap((p) => p.incremental ?? []);
    expect(deferred).toHaveLength(3);
    expect(deferred.every((d) => d.label === "slow" && (d.data?.collection as { name: string }).name === "default")).toBe(true);
    expect(rest.at(-1)?.hasNext).toBe(false);
  });

  it("streams list items after the first, over HTTP multipart", async () => {
    const parts = multipartParts(await (await post(Streamed, "multipart/mixed")).text());
    expect(parts[0].data?.artifacts.edges).toHaveLength(1);
    const items = parts.flatMap((p) => p.incremental ?? []).flatMap((i) => i.items ?? []);
    expect(items).toEqual([{ node: { key: "skill:beta" } }, { node: { key: "skill:gamma" } }]);
  });

  it("sends the same parts over SSE", async () => {
    const response = await post(Deferred, "text/event-stream");
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const parts = ssePayloads(await response.text());
    expect(parts[0].hasNext).toBe(true);
    expect(parts[0].data?.artifacts.edges).toHaveLength(3);
    expect(parts.flatMap((p) => p.incremental ?? [])).toHaveLength(3);
  });

  it("sends the same parts over graphql-ws", async () => {
    const base = await t().listen();
    const client = createClient({
      url: `${base.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${t().tokens.read}` },
      retryAttempts: 0,
    });
    try {
      const parts: Part[] = [];
      for await (const part of client.iterate({ query: Deferred })) parts.push(part as Part);
      expect(parts[0].hasNext).toBe(true);
      expect(parts[0].data?.artifacts.edges.map((e) => e.node.key)).toEqual(["skill:alpha", "skill:beta", "skill:gamma"]);
      const deferred = parts.flatMap((p) => p.incremental ?? []);
      expect(deferred.map((d) => (d.data?.collection as { name: string }).name)).toEqual(["default", "default", "default"]);
      expect(parts.at(-1)?.hasNext).toBe(false);
    } finally {
      await client.dispose();
    }
  });

  it("refuses a client that cannot take parts with 406, never a half answer", async () => {
    const response = await post(Deferred, "application/graphql-response+json");
    expect(response.status).toBe(406);
  });
});
