// Item 12: caps per socket: operations per connection, message size, connections per token.
import { describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";
import { openWs } from "./ws.js";

describe("graphql-ws caps", () => {
  const t = useTestApp({ env: { SKILLGRAPH_WS_MAX_SUBSCRIPTIONS: "2", SKILLGRAPH_WS_MAX_MESSAGE_BYTES: "4096", SKILLGRAPH_WS_MAX_CONNECTIONS_PER_TOKEN: "2" } });

  it("refuses a third subscription on a connection with an error for its id; the first two carry on", async () => {
    const ws = await openWs(await t().listen(), { params: { Authorization: `Bearer ${t().tokens.read}` } });
    try {
      ws.subscribe("a", `subscription { artifactChanged { key } }`);
      ws.subscribe("b", `subscription { artifactChanged { key } }`);
      ws.subscribe("c", `subscription { artifactChanged { key } }`);
      const refused = await ws.until((m) => m.id === "c");
      expect(refused.type).toBe("error");
      expect(JSON.stringify(refused.payload)).toMatch(/Too many operations on this connection/);
      await new Promise((r) => setTimeout(r, 150));
      await t().app.services.artifacts.add({ type: "SKILL", name: "capped", origin: "LOCAL" });
      await ws.until((m) => m.id === "a" && m.type === "next");
      await ws.until((m) => m.id === "b" && m.type === "next");
      expect(ws.socket.readyState).toBe(ws.socket.OPEN);
    } finally {
      ws.close();
    }
  });

  it("closes a socket that sends a message over the size cap with 1009", async () => {
    const ws = await openWs(await t().listen(), { params: { Authorization: `Bearer ${t().tokens.read}` } });
    ws.subscribe("big", `{ viewer { name } } # ${"x".repeat(8000)}`);
    expect((await ws.closed).code).toBe(1009);
  });

  it("refuses a third connection with the same token (4429); another token still connects", async () => {
    const base = await t().listen();
    const params = { Authorization: `Bearer ${t().tokens.write}` };
    const first = await openWs(base, { params });
    const second = await openWs(base, { params });
    const third = await openWs(base, { params });
    expect((await third.closed).code).toBe(4429);
    const other = await openWs(base, { params: { Authorization: `Bearer ${t().tokens.admin}` } });
    expect(other.messages.some((m) => m.type === "connection_ack")).toBe(true);
    // Closing one frees a place.
    first.close();
    await first.closed;
    await new Promise((r) => setTimeout(r, 50));
    const again = await openWs(base, { params });
    expect(again.messages.some((m) => m.type === "connection_ack")).toBe(true);
    for (const s of [second, other, again]) s.close();
  });
});
