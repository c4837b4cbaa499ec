import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/logger.js";
import { graphql } from "../gql/index.js";
import { createTestApp } from "../helpers/app.js";

const Nodes = graphql(`
  query Nodes($ids: [ID!]!) {
    nodes(ids: $ids) { id __typename ... on Artifact { key } ... on Collection { name } }
  }
`);

describe("errors", () => {
  it("masks unexpected failures as 'Unexpected error.' and logs them with the request id", async () => {
    const lines: string[] = [];
    const t = await createTestApp({ logger: createLogger("debug", (l) => lines.push(l)) });
    try {
      // Break the database under the running app: every resolver that reads now fails.
      await t.app.database.prisma.$executeRawUnsafe(`DROP TABLE "Tag"${t.app.database.provider === "postgresql" ? " CASCADE" : ""}`);
      const res = await t.execute(`{ tags(first: 1) { edges { node { name } } } }`, {}, { headers: { "x-request-id": "req-42" } });
      const [err] = res.expectErrors();
      expect(err?.message).toBe("Unexpected error.");
      expect(JSON.stringify(res.errors)).not.toMatch(/no such table|relation|sqlite|prisma/i);
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; requestId?: string; error?: string });
      const entry = logged.find((l) => l.msg === "unexpected error");
      expect(entry?.requestId).toBe("req-42");
      expect(entry?.error).toMatch(/Tag/);
    } finally {
      await t.close();
    }
  });

  it("fetches several nodes at once, in order, null for unknown ids", async () => {
    const t = await createTestApp();
    try {
      const a = await t.app.services.artifacts.add({ type: "AGENT", name: "n1", origin: "LOCAL" });
      const c = await t.app.services.collections.byName("default");
      const ids = [`Artifact:${a.id}`, `Collection:${c.id}`, "Artifact:missing"].map((s) => Buffer.from(s).toString("base64"));
      const data = (await t.execute(Nodes, { ids })).expectNoErrors();
      expect(data.nodes).toEqual([
        { id: ids[0], __typename: "Artifact", key: "agent:n1" },
        { id: ids[1], __typename: "Collection", name: "default" },
        null,
      ]);
    } finally {
      await t.close();
    }
  });
});
