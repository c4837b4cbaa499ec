// Item 6: thousands of nested braces are refused as a limit before the parser recurses into them:
// no HTTP 500, no RangeError anywhere.
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/logger.js";
import { useTestApp } from "../helpers/app.js";
import { openWs } from "./ws.js";

const lines: string[] = [];

describe("deeply nested documents", () => {
  const t = useTestApp({ logger: createLogger("debug", (l) => lines.push(l)) });

  it("answers 2,400 and 100,000 nested braces with one limit error (400), over HTTP and graphql-ws", async () => {
    for (const n of [2400, 100_000]) {
      const query = `${"{a".repeat(n)}${"}".repeat(n)}`;
      const res = await t().app.yoga.fetch("http://skillgraph.test/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors).toEqual([expect.objectContaining({ message: "Query is nested too deeply.", extensions: expect.objectContaining({ code: "LIMIT_EXCEEDED" }) })]);
    }
    // Nesting inside arguments (lists, objects) counts too; braces inside strings and comments do not.
    const args = await t().execute(`{ artifacts(first: 1, filter: ${"{".repeat(200)}${"}".repeat(200)}) { totalCount } }`);
    expect(args.errors?.[0]?.message).toBe("Query is nested too deeply.");
    const quoted = await t().execute(`{ viewer { name } } # ${"{".repeat(500)}`);
    expect(quoted.expectNoErrors()).toEqual({ viewer: { name: "anonymous" } });

    const ws = await openWs(await t().listen());
    ws.subscribe("deep", `${"{a".repeat(5000)}${"}".repeat(5000)}`);
    expect((await ws.until((m) => m.id === "deep")).type).toBe("error");
    ws.close();
    expect(lines.join("")).not.toMatch(/RangeError|Maximum call stack/);
  });
});
