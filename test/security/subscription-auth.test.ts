// Item 4: GraphiQL's subscriptions authenticate from payload.extensions.headers (and
// connectionParams); a subscription the caller may not read ends with one error; revoking a token
// ends its open subscriptions (WebSocket close 4403, SSE stream ends) within a second, whoever
// revoked it: this instance, another process on the same database, or another instance (Redis).
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { openDatabase } from "../../src/db/index.js";
import { createEventBus } from "../../src/lib/event-bus.js";
import { TokenService } from "../../src/modules/auth/index.js";
import { useTestApp } from "../helpers/app.js";
import { openSse } from "../helpers/sse.js";
import { openWs } from "./ws.js";

const Changed = `subscription { artifactChanged { kind key } }`;

describe("subscriptions and auth (public read off)", () => {
  const t = useTestApp({ env: { SKILLGRAPH_PUBLIC_READ: "false" } });

  const addSkill = (name: string) => t().app.services.artifacts.add({ type: "SKILL", name, origin: "LOCAL" });

  it("authenticates a GraphiQL subscription from payload.extensions.headers, and one from connectionParams", async () => {
    const base = await t().listen();
    const graphiql = await openWs(base, { params: {} });
    graphiql.subscribe("1", Changed, undefined, { headers: { Authorization: `Bearer ${t().tokens.read}` } });
    const viaParams = await openWs(base, { params: { headers: { Authorization: `Bearer ${t().tokens.read}` } } });
    viaParams.subscribe("1", Changed);
    await new Promise((r) => setTimeout(r, 200));
    await addSkill("graphiql-sees");
    for (const ws of [graphiql, viaParams]) {
      const event = await ws.until((m) => m.id === "1" && m.type === "next");
      expect(event.payload).toEqual({ data: { artifactChanged: { kind: "ADDED", key: "skill:graphiql-sees" } } });
      ws.close();
    }
  });

  it("ends a subscription the caller may not read with one error, over graphql-ws and SSE", async () => {
    const ws = await openWs(await t().listen());
    ws.subscribe("anon", Changed);
    const first = await ws.until((m) => m.id === "anon");
    await ws.until((m) => m.id === "anon" && m.type === "complete");
    expect(JSON.stringify(first.payload)).toMatch(/UNAUTHENTICATED/);
    await addSkill("after-refusal");
    await new Promise((r) => setTimeout(r, 150));
    expect(ws.messages.filter((m) => m.id === "anon")).toHaveLength(2);
    ws.close();

    const sse = await openSse(t().app, Changed);
    await sse.readUntil(() => sse.completed);
    expect(sse.completed).toBe(true);
    expect(sse.text.match(/UNAUTHENTICATED/g)).toHaveLength(1);
  });

  async function revokedWithin(revoke: (name: string) => Promise<void>, name: string) {
    const { secret } = await t().app.services.tokens.create(name, ["read"]);
    const ws = await openWs(await t().listen(), { params: { Authorization: `Bearer ${secret}` } });
    ws.subscribe("s", Changed);
    const sse = await openSse(t().app, Changed, undefined, secret);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await revoke(name);
    const [closed] = await Promise.all([ws.closed, sse.readUntil(() => sse.completed)]);
    const elapsed = Date.now() - started;
    expect(closed.code).toBe(4403);
    expect(sse.completed).toBe(true);
    expect(sse.text).toMatch(/has been revoked/);
    expect(elapsed).toBeLessThan(1000);
  }

  it("revoking over the API ends the token's subscriptions within a second", async () => {
    await revokedWithin(async (name) => {
      const [row] = (await t().app.services.tokens.list()).filter((x) => x.name === name);
      const gid = Buffer.from(`ApiToken:${row?.id}`).toString("base64");
      (await t().execute(`mutation { revokeApiToken(id: "${gid}") { __typename } }`, undefined, { token: "admin" })).expectNoErrors();
    }, "revoked-by-api");
  });

  it("a revoke from another process on the same database (the CLI, no shared bus) ends them within a second", async () => {
    await revokedWithin(async (name) => {
      const d = await openDatabase({ url: t().app.config.databaseUrl, provider: t().app.config.provider });
      try {
        await new TokenService(d).revoke(name);
      } finally {
        await d.close();
      }
    }, "revoked-by-cli");
  });

  it.skipIf(!process.env.REDIS_URL)("a revoke on another instance reaches this one through Redis within a second", async () => {
    const other = await createApp(t().app.config, { startBackground: false });
    try {
      await revokedWithin(async (name) => void (await other.services.tokens.revoke(name)), "revoked-elsewhere");
    } finally {
      await other.stop();
    }
  });

  it.skipIf(!process.env.REDIS_URL)("the revoke event crosses Redis to this instance's watch", async () => {
    const bus = await createEventBus(process.env.REDIS_URL);
    const d = await openDatabase({ url: t().app.config.databaseUrl, provider: t().app.config.provider });
    try {
      await revokedWithin(async (name) => void (await new TokenService(d, bus.bus).revoke(name)), "revoked-via-redis");
    } finally {
      await d.close();
      await bus.close();
    }
  });
});
