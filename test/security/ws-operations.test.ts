// Item 3: queries and mutations work over graphql-ws; a bad operation gets an `error` for its own
// id and every other operation on the socket carries on.
import { describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";
import { openWs } from "./ws.js";

const AddSkill = `mutation Add($name: String!) { addArtifact(input: { type: SKILL, name: $name, origin: LOCAL }) { __typename } }`;

describe("graphql-ws: one socket survives bad operations", () => {
  const t = useTestApp();

  it("runs a mutation and a query, answers a syntax error and a limit violation with an error for that id only, and keeps the subscription", async () => {
    const ws = await openWs(await t().listen(), { params: { Authorization: `Bearer ${t().tokens.write}` } });
    try {
      ws.subscribe("sub", `subscription { artifactChanged { kind key } }`);
      // Let the subscription register before events are sent.
      await new Promise((r) => setTimeout(r, 200));

      ws.subscribe("mutation", AddSkill, { name: "over-ws" });
      const added = await ws.until((m) => m.id === "mutation" && m.type === "next");
      expect(added.payload).toEqual({ data: { addArtifact: { __typename: "AddArtifactPayload" } } });
      await ws.until((m) => m.id === "mutation" && m.type === "complete");

      ws.subscribe("query", `{ artifact(key: "skill:over-ws") { name } }`);
      expect((await ws.until((m) => m.id === "query" && m.type === "next")).payload).toEqual({ data: { artifact: { name: "over-ws" } } });

      ws.subscribe("syntax", `{ artifacts {`);
      const syntax = await ws.until((m) => m.id === "syntax");
      expect(syntax.type).toBe("error");
      expect(JSON.stringify(syntax.payload)).toMatch(/Syntax Error/);

      const deep = `{ ${"artifacts { edges { node { collection { ".repeat(4)}name${" } } } }".repeat(4)} }`;
      ws.subscribe("deep", deep);
      const limit = await ws.until((m) => m.id === "deep");
      expect(limit.type).toBe("error");
      expect(JSON.stringify(limit.payload)).toMatch(/nested too deeply/);

      ws.subscribe("unknown-field", `{ nope }`);
      expect((await ws.until((m) => m.id === "unknown-field")).type).toBe("error");

      // The subscription is still there: the mutation's event arrived, and a new one does too.
      await ws.until((m) => m.id === "sub" && JSON.stringify(m.payload).includes("skill:over-ws"));
      ws.subscribe("mutation-2", AddSkill, { name: "still-open" });
      await ws.until((m) => m.id === "sub" && JSON.stringify(m.payload).includes("skill:still-open"));
      expect(ws.socket.readyState).toBe(ws.socket.OPEN);
      expect(ws.messages.filter((m) => m.type === "error").map((m) => m.id)).toEqual(["syntax", "deep", "unknown-field"]);
    } finally {
      ws.close();
    }
  });
});
