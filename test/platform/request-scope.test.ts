// What services log while serving a request carries the request's id and who acts, whichever
// executor runs the operation (graphql-jit for queries and mutations, graphql-js otherwise).
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/logger.js";
import { createTestApp } from "../helpers/app.js";
import { nodeScriptServer, registerServer } from "../mcp/fixtures.js";

const Check = `mutation C($id: ID!) { checkMcpServerHealth(id: $id) { __typename } }`;

describe("request scope in service logs", () => {
  it("a service's log line during a mutation names the request id and the acting token", async () => {
    const lines: string[] = [];
    const t = await createTestApp({ logger: createLogger("debug", (l) => lines.push(l)) });
    try {
      // Not approved: the health service logs that it refused, from inside the mutation.
      const id = await registerServer(t, null, nodeScriptServer("io.github.example/scoped", "1", "never run"), { approve: false });
      (await t.execute(Check, { id }, { token: "write", headers: { "x-request-id": "req-scope-1" } })).expectNoErrors();
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; requestId?: string; actor?: string });
      const entry = logged.find((l) => l.msg === "mcp health check refused: launch not approved");
      expect(entry, "the service logged the refusal").toBeDefined();
      expect(entry?.requestId).toBe("req-scope-1");
      expect(entry?.actor).toEqual(expect.any(String));
    } finally {
      await t.close();
    }
  });
});
