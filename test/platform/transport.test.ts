import { serverAudits } from "graphql-http";
import { createClient } from "graphql-ws";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { graphql } from "../gql/index.js";
import { useTestApp } from "../helpers/app.js";
import { openSse } from "../helpers/sse.js";

const AddSkill = graphql(`
  mutation AddSkill($name: String!) {
    addArtifact(input: { type: SKILL, name: $name, origin: LOCAL }) {
      __typename
    }
  }
`);

const ArtifactChanged = `subscription { artifactChanged { kind key artifact { name } } }`;

describe("one port, every transport", () => {
  const t = useTestApp();

  it("delivers subscriptions over graphql-ws on a real port, authenticated in connection_init", async () => {
    const base = await t().listen();
    const client = createClient({
      url: `${base.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${t().tokens.read}` },
      retryAttempts: 0,
    });
    try {
      const events: unknown[] = [];
      const done = new Promise<void>((resolve, reject) => {
        const unsubscribe = client.subscribe(
          { query: ArtifactChanged },
          {
            next: (v) => {
              events.push(v.data);
              unsubscribe();
              resolve();
            },
            error: reject,
            complete: () => resolve(),
          },
        );
      });
      // Subscribed once the server acknowledges; give the subscription a moment to register.
      await new Promise((r) => setTimeout(r, 150));
      (await t().execute(AddSkill, { name: "ws-seen" }, { token: "write" })).expectNoErrors();
      await done;
      expect(events).toEqual([{ artifactChanged: { kind: "ADDED", key: "skill:ws-seen", artifact: { name: "ws-seen" } } }]);
    } finally {
      await client.dispose();
    }
  });

  it("closes a graphql-ws connection that presents a bad token", async () => {
    const base = await t().listen();
    const client = createClient({
      url: `${base.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: "Bearer sgt_wrong" },
      retryAttempts: 0,
    });
    const outcome = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: ArtifactChanged }, { next: () => resolve("data"), error: (e) => resolve(e), complete: () => resolve("complete") });
    });
    await client.dispose();
    expect((outcome as { code?: number }).code).toBe(4403);
  });

  it("delivers subscriptions over server-sent events", async () => {
    const stream = await openSse(t().app, ArtifactChanged);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toMatch(/text\/event-stream/);
    setTimeout(() => void t().execute(AddSkill, { name: "sse-seen" }, { token: "write" }), 150);
    await stream.readUntil(() => stream.text.includes("sse-seen"));
    await stream.close();
    const dataLine = stream.text.split("\n").find((l) => l.startsWith("data:") && l.includes("sse-seen"));
    expect(JSON.parse(dataLine?.slice(5) ?? "null")).toEqual({
      data: { artifactChanged: { kind: "ADDED", key: "skill:sse-seen", artifact: { name: "sse-seen" } } },
    });
  });

  it("answers queries over GET but refuses mutations over GET", async () => {
    const q = await t().execute(graphql(`query GetViewer { viewer { name } }`), {}, { method: "GET" });
    expect(q.expectNoErrors().viewer.name).toBe("anonymous");
    const m = await t().execute(AddSkill, { name: "via-get" }, { method: "GET", token: "write" });
    expect(m.status).toBe(405);
    expect(await t().app.database.prisma.artifact.count({ where: { name: "via-get" } })).toBe(0);
  });

  it("serves /healthz and /readyz", async () => {
    const health = await t().app.yoga.fetch("http://skillgraph.test/healthz");
    expect(health.status).toBe(200);
    const ready = await t().app.yoga.fetch("http://skillgraph.test/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", database: "ok", pendingMigrations: [] });
  });

  it("serves GraphiQL with its assets inline (no CDN) and subscriptions over WebSocket", async () => {
    const page = await t().app.yoga.fetch("http://skillgraph.test/graphql", { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("YogaGraphiQL.renderYogaGraphiQL");
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:/);
    expect(html).toContain('"subscriptionsProtocol":"WS"');
  });

  it("echoes a request id so logs and clients can be matched", async () => {
    const res = await t().execute(graphql(`query RequestId { viewer { name } }`), {}, { headers: { "x-request-id": "abc-123" } });
    expect(res.headers.get("x-request-id")).toBe("abc-123");
    const generated = await t().execute(graphql(`query RequestId2 { viewer { name } }`), {});
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("GraphQL over HTTP conformance (graphql-http audits)", () => {
  const t = useTestApp();
  for (const audit of serverAudits({ url: "http://skillgraph.test/graphql", fetchFn: (input: RequestInfo | URL, init?: RequestInit) => t().app.yoga.fetch(new Request(input, init)) })) {
    const level = audit.name.split(" ")[0];
    if (level !== "MUST" && level !== "SHOULD") continue;
    it(audit.name, async () => {
      const result = await audit.fn();
      expect(result.status === "ok" ? "ok" : `${result.status}: ${"reason" in result ? result.reason : ""}`).toBe("ok");
    });
  }
});
