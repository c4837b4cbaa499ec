// Item 13: every log line is one JSON object, yoga's and graphql-ws's included.
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/logger.js";
import { useTestApp } from "../helpers/app.js";
import { openWs } from "./ws.js";

const lines: string[] = [];

describe("logs", () => {
  const t = useTestApp({ env: { SKILLGRAPH_WS_MAX_MESSAGE_BYTES: "2048" }, logger: createLogger("debug", (l) => lines.push(l)) });

  it("writes yoga's and graphql-ws's messages as JSON lines", async () => {
    await t().execute(`{ viewer { name } }`);
    await t().execute(`${"{a".repeat(3000)}${"}".repeat(3000)}`);
    await t().app.yoga.fetch("http://skillgraph.test/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    const ws = await openWs(await t().listen());
    ws.send("not a graphql-ws message");
    await ws.closed;
    const big = await openWs(await t().listen());
    big.subscribe("x", `{ viewer { name } } # ${"x".repeat(5000)}`);
    await big.closed;
    await new Promise((r) => setTimeout(r, 50));

    const text = lines.join("");
    expect(text.length).toBeGreaterThan(0);
    const records = text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as { level: string; msg: string; component?: string });
    expect(records.every((r) => typeof r.level === "string" && typeof r.msg === "string")).toBe(true);
    // yoga's own debug lines and the WebSocket's error came through the JSON logger.
    expect(records.some((r) => r.component === "yoga")).toBe(true);
    expect(records.some((r) => r.component === "graphql-ws" && r.msg === "websocket error")).toBe(true);
    // No ANSI colour codes.
    expect(text.includes(String.fromCharCode(27))).toBe(false);
  });
});
