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

  /** Adds skills named `${prefix}-N`, one every 50 ms, until `seen` settles; returns their names. */
  async function addUntil(prefix: string, seen: Promise<unknown>): Promise<string[]> {
    const names: string[] = [];
    let settled = false;
    void seen.finally(() => (settled = true)).catch(() => undefined);
    while (!settled && names.length < 100) {
      const name = `${prefix}-${names.length}`;
      (await t().execute(AddSkill, { name }, { token: "write" })).expectNoErrors();
      names.push(name);
      await Promise.race([seen.catch(() => undefined), new Promise((r) => setTimeout(r, 50))]);
    }
    await seen;
    return names;
  }

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
      // The client cannot tell when the server has registered the subscription, so add skills
      // until one is seen; the first event must be one of them, whole.
      const added = await addUntil("ws-seen", done);
      // (An event already on the wire when the client unsubscribed may follow the first.)
      const name = (events[0] as { artifactChanged: { artifact: { name: string } } }).artifactChanged.artifact.name;
      expect(added).toContain(name);
      expect(events[0]).toEqual({ artifactChanged: { kind: "ADDED", key: `skill:${name}`, artifact: { name } } });
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
    const seen = stream.readUntil(() => stream.text.includes("sse-seen"));
    const added = await addUntil("sse-seen", seen);
    await stream.close();
    const dataLine = stream.text.split("\n").find((l) => l.startsWith("data:") && l.includes("sse-seen"));
    const event = JSON.parse(dataLine?.slice(5) ?? "null") as { data: { artifactChanged: { artifact: { name: string } } } };
    const name = event.data.artifactChanged.artifact.name;
    expect(added).toContain(name);
    expect(event).toEqual({ data: { artifactChanged: { kind: "ADDED", key: `skill:${name}`, artifact: { name } } } });
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
