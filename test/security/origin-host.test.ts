// Item 5: no cross-origin access unless origins are configured; the Host header checked on a
// loopback bind (DNS rebinding); WebSocket upgrades from foreign origins refused.
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";
import { openWs } from "./ws.js";

const query = JSON.stringify({ query: "{ viewer { name } }" });

describe("cross-origin access, default settings", () => {
  const t = useTestApp();

  it("sends no CORS headers to a foreign page, for a preflight or a request", async () => {
    const preflight = await t().app.yoga.fetch("http://skillgraph.test/graphql", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const res = await t().app.yoga.fetch("http://skillgraph.test/graphql", { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/json" }, body: query });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers only to its own names when bound to loopback (421 otherwise), over a real socket", async () => {
    const base = await t().listen();
    const port = new URL(base).port;
    // fetch will not send another Host than the URL's; node:http sends what it is given, as a rebound browser would.
    const ask = (host: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(`${base}/graphql`, { method: "POST", headers: { host, "content-type": "application/json" } }, (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on("error", reject);
        req.end(query);
      });
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "skillgraph.test"]) expect((await ask(host)).status, host).toBe(200);
    const rebound = await ask(`attacker.example:${port}`);
    expect(rebound.status).toBe(421);
    expect(rebound.text).not.toContain("anonymous");
  });

  it("refuses a WebSocket upgrade from a foreign origin or Host, accepts the same origin and non-browser clients", async () => {
    const base = await t().listen();
    const host = new URL(base).host;
    await expect(openWs(base, { headers: { origin: "https://evil.example" } })).rejects.toThrow(/403/);
    await expect(openWs(base, { headers: { host: "attacker.example", origin: "http://attacker.example" } })).rejects.toThrow(/403/);
    const same = await openWs(base, { headers: { origin: `http://${host}` } });
    expect(same.messages.some((m) => m.type === "connection_ack")).toBe(true);
    same.close();
    const cli = await openWs(base);
    expect(cli.messages.some((m) => m.type === "connection_ack")).toBe(true);
    cli.close();
  });
});

describe("cross-origin access, with SKILLGRAPH_CORS_ORIGINS", () => {
  const t = useTestApp({ env: { SKILLGRAPH_CORS_ORIGINS: "https://app.example.com" } });

  it("allows exactly the configured origin, over HTTP and WebSocket", async () => {
    const ok = await t().app.yoga.fetch("http://skillgraph.test/graphql", { method: "POST", headers: { origin: "https://app.example.com", "content-type": "application/json" }, body: query });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    const other = await t().app.yoga.fetch("http://skillgraph.test/graphql", { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/json" }, body: query });
    expect(other.headers.get("access-control-allow-origin")).not.toBe("https://evil.example");
    const base = await t().listen();
    const ws = await openWs(base, { headers: { origin: "https://app.example.com" } });
    expect(ws.messages.some((m) => m.type === "connection_ack")).toBe(true);
    ws.close();
    await expect(openWs(base, { headers: { origin: "https://evil.example" } })).rejects.toThrow(/403/);
  });
});
