// Item 10: a malformed Authorization header is refused with 401 (graphql-ws: 4403), never treated
// as anonymous; scope checks run before input validation.
import { describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";
import { openWs } from "./ws.js";

describe("Authorization header", () => {
  const t = useTestApp();

  async function post(authorization: string | null, query = "{ viewer { name anonymous } }", variables?: unknown) {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/graphql-response+json" };
    if (authorization !== null) headers.authorization = authorization;
    const res = await t().app.yoga.fetch("http://skillgraph.test/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
  }

  it("refuses Basic, a bare token, Token … and an empty Bearer with 401", async () => {
    const secret = t().tokens.read;
    for (const value of [`Basic ${Buffer.from("a:b").toString("base64")}`, secret, `Token ${secret}`, "Bearer", "Bearer ", `Bearer ${secret} extra`]) {
      const r = await post(value);
      expect(r.status, value).toBe(401);
      expect(r.body.errors?.[0]?.extensions?.code, value).toBe("UNAUTHENTICATED");
      expect(r.body.data ?? null).toBeNull();
    }
    // The well-formed ones still work; no header is anonymous.
    expect((await post(`Bearer ${secret}`)).body.data).toEqual({ viewer: { name: "test-read", anonymous: false } });
    expect((await post(`bearer ${secret}`)).status).toBe(200);
    expect((await post(null)).body.data).toEqual({ viewer: { name: "anonymous", anonymous: true } });
  });

  it("closes a graphql-ws connection whose connection_init carries a malformed Authorization with 4403", async () => {
    const base = await t().listen();
    for (const value of [`Basic abc`, t().tokens.read, "Bearer"]) {
      const ws = await openWs(base, { params: { Authorization: value } });
      expect((await ws.closed).code, value).toBe(4403);
    }
    const good = await openWs(base, { params: { Authorization: `Bearer ${t().tokens.read}` } });
    expect(good.messages.some((m) => m.type === "connection_ack")).toBe(true);
    good.close();
  });

  it("checks scopes before input validation: an anonymous caller learns nothing of a mutation's rules", async () => {
    const bad = `mutation { createApiToken(input: { name: "!!", scopes: [] }) { __typename } }`;
    const anonymous = await post(null, bad);
    expect(anonymous.body.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    expect(JSON.stringify(anonymous.body)).not.toMatch(/must be|at least one scope|letters/);
    // A write token lacks admin: FORBIDDEN, still without the rules.
    const writer = await post(`Bearer ${t().tokens.write}`, bad);
    expect(writer.body.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(JSON.stringify(writer.body)).not.toMatch(/must be|at least one scope/);
    // An admin gets the validation error: the union's InvalidInputError member (#17).
    const admin = await post(`Bearer ${t().tokens.admin}`, bad);
    expect(admin.body.errors).toBeUndefined();
    expect(JSON.stringify(admin.body.data)).toContain('"__typename":"InvalidInputError"');
    const rate = `mutation { rateArtifact(input: { artifactId: "QXJ0aWZhY3Q6eA==", rating: 9 }) { __typename } }`;
    expect((await post(null, rate)).body.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
  });
});
