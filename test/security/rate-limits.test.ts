// Item 8: rate limits per token and per client address, counted by operation cost, with a
// rateLimit field, X-RateLimit-* headers, 429 + Retry-After + RATE_LIMITED; graphql-ws operations
// count too, and so do share-link downloads (per address); with REDIS_URL two instances share one budget.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { useTestApp } from "../helpers/app.js";
import { openWs } from "./ws.js";

const env = { SKILLGRAPH_RATE_LIMIT_ANONYMOUS: "5", SKILLGRAPH_RATE_LIMIT_AUTHENTICATED: "20", SKILLGRAPH_RATE_LIMIT_COST_UNIT: "100", SKILLGRAPH_TRUST_PROXY: "true" };

describe("rate limits", () => {
  const t = useTestApp({ env });
  /** A client address of its own per test (through a trusted proxy), so budgets do not mix. */
  const address = () => `203.0.113.${randomBytes(1)[0]}-${randomBytes(4).toString("hex")}`;

  async function ask(query: string, headers: Record<string, string>) {
    const res = await t().app.yoga.fetch("http://skillgraph.test/graphql", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) });
    return { res, body: (await res.json()) as { data?: { rateLimit?: Record<string, unknown> } | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
  }

  it("gives an anonymous address 5 points a window, with headers and the rateLimit field; the 6th is 429", async () => {
    const headers = { "x-forwarded-for": address() };
    for (let i = 1; i <= 5; i++) {
      const { res, body } = await ask(`{ rateLimit { limit cost remaining used resetAt } }`, headers);
      expect(res.status).toBe(200);
      expect(body.data?.rateLimit).toMatchObject({ limit: 5, cost: 1, remaining: 5 - i, used: i });
      expect(res.headers.get("x-ratelimit-limit")).toBe("5");
      expect(res.headers.get("x-ratelimit-remaining")).toBe(String(5 - i));
      expect(res.headers.get("x-ratelimit-used")).toBe(String(i));
      expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    }
    const { res, body } = await ask(`{ viewer { name } }`, headers);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) });
    // Another address has its own budget.
    expect((await ask(`{ viewer { name } }`, { "x-forwarded-for": address() })).res.status).toBe(200);
  });

  it("counts share-link downloads against the address's anonymous budget: guessing tokens is refused with 429", async () => {
    const headers = { "x-forwarded-for": address() };
    const share = () => t().app.yoga.fetch(`http://skillgraph.test/share/${randomBytes(32).toString("base64url")}`, { headers });
    for (let i = 1; i <= 5; i++) expect((await share()).status).toBe(404);
    const refused = await share();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: "RATE_LIMITED" });
    // The same budget as its GraphQL operations.
    expect((await ask(`{ viewer { name } }`, headers)).res.status).toBe(429);
    expect((await share()).status).toBe(429);
    // Other paths do not draw on it.
    expect((await t().app.yoga.fetch("http://skillgraph.test/healthz", { headers })).status).toBe(200);
  });

  it("counts an operation by its cost (complexity per cost unit), and tokens by token", async () => {
    const auth = { authorization: `Bearer ${t().tokens.read}` };
    const cheap = await ask(`{ rateLimit { cost limit } }`, auth);
    expect(cheap.body.data?.rateLimit).toMatchObject({ cost: 1, limit: 20 });
    // 100 artifacts × a few fields: complexity well past 100, so several points.
    const costly = await ask(`{ artifacts(first: 100) { edges { node { id name key } } } rateLimit { cost } }`, auth);
    expect(Number(costly.res.headers.get("x-ratelimit-cost"))).toBeGreaterThan(1);
    expect(costly.body.data?.rateLimit?.cost).toBe(Number(costly.res.headers.get("x-ratelimit-cost")));
    // The token's budget is not the address's.
    expect(costly.res.headers.get("x-ratelimit-limit")).toBe("20");
  });

  it("counts graphql-ws operations against the same budget", async () => {
    const { secret } = await t().app.services.tokens.create(`ws-limited-${randomBytes(3).toString("hex")}`, ["read"]);
    const ws = await openWs(await t().listen(), { params: { Authorization: `Bearer ${secret}` } });
    // One after another, so the 21st operation is the one over budget (operations sent at once are
    // charged in whatever order their authentication finishes).
    for (let i = 0; i < 20; i++) {
      ws.subscribe(`q${i}`, `{ viewer { name } }`);
      const first = await ws.until((m) => m.id === `q${i}` && m.type !== "complete");
      expect(JSON.stringify(first.payload)).not.toMatch(/RATE_LIMITED/);
    }
    ws.subscribe("over", `{ viewer { name } }`);
    const over = await ws.until((m) => m.id === "over" && m.type !== "complete");
    expect(JSON.stringify(over.payload)).toMatch(/RATE_LIMITED/);
    // And HTTP with the same token is refused too: one budget.
    const { res } = await ask(`{ viewer { name } }`, { authorization: `Bearer ${secret}` });
    expect(res.status).toBe(429);
    ws.close();
  });

  it.skipIf(!process.env.REDIS_URL)("shares one budget between instances through Redis", async () => {
    const other = await createApp(t().app.config, { startBackground: false });
    try {
      const headers = { "content-type": "application/json", "x-forwarded-for": address() };
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const app = i % 2 === 0 ? t().app : other;
        const res = await app.yoga.fetch("http://skillgraph.test/graphql", { method: "POST", headers, body: JSON.stringify({ query: "{ viewer { name } }" }) });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await other.stop();
    }
  });
});
