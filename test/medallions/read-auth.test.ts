// Reading medallions needs the read scope, checked once per medallion (the type's scopes run in
// isTypeOf, not around each field): every way to reach one (a scope query, medallion(id),
// node(id), a mutation's payload) refuses a viewer without read and leaks none of its content.
import { describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";
import { MedallionById, Medallions, MedallionsDeep, NodeById } from "./documents.js";

describe("medallion reads without public read", () => {
  const t = useTestApp({ env: { SKILLGRAPH_PUBLIC_READ: "false" } });

  it("refuses anonymous reads of a medallion by every route, and allows a read token", async () => {
    const m = await t().app.services.medallions.create({
      model: "test",
      scope: { graphNodes: ["src/secret"], tags: ["secret"] },
      summary: { highLevel: "classified plan" },
      knowledgeMinTs: new Date("2026-10-01T00:00:00Z"),
      knowledgeMaxTs: new Date("2026-10-02T00:00:00Z"),
    });
    const id = Buffer.from(`Medallion:${m.id}`).toString("base64");
    const denied = [
      await t().execute(Medallions, { scope: { tags: ["secret"] } }),
      await t().execute(MedallionsDeep, { scope: { graphNodes: ["src/secret"] } }),
      await t().execute(MedallionById, { medallionId: m.id }),
      await t().execute(NodeById, { id }),
    ];
    for (const res of denied) {
      expect(res.expectErrors()[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(JSON.stringify(res.data ?? null)).not.toContain("classified");
    }
    expect((await t().execute(MedallionsDeep, { scope: { graphNodes: ["src/secret"] } }, { token: "read" })).expectNoErrors().medallions.edges).toHaveLength(1);
    expect((await t().execute(MedallionById, { medallionId: m.id }, { token: "read" })).expectNoErrors().medallion?.summary.highLevel).toBe("classified plan");
    expect((await t().execute(NodeById, { id }, { token: "read" })).expectNoErrors().node).toMatchObject({ medallionId: m.id });
  });
});
