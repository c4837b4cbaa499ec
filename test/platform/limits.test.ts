import { describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";

/** collections → edges → node → (groups → collection) × n → name: depth 3 + 2n + 1. */
function nested(pairs: number): string {
  let inner = "name";
  for (let i = 0; i < pairs; i++) inner = `groups { collection { ${inner} } }`;
  return `{ collections(first: 1) { edges { node { ${inner} } } } }`;
}

describe("query limits (graphql-armor and the Pothos complexity plugin)", () => {
  const t = useTestApp({
    env: { SKILLGRAPH_MAX_DEPTH: "8", SKILLGRAPH_MAX_ALIASES: "5", SKILLGRAPH_MAX_TOKENS: "400", SKILLGRAPH_MAX_COMPLEXITY: "3000" },
  });

  it("refuses a query deeper than the limit, without telling the limit", async () => {
    const res = await t().execute(nested(3), {});
    const [err] = res.expectErrors();
    expect(err?.message).toMatch(/nested too deeply/);
    expect(err?.message).not.toMatch(/\b8\b/);
    expect((await t().execute(nested(2), {})).expectNoErrors()).toBeTruthy();
  });

  it("refuses too many aliases", async () => {
    const aliases = Array.from({ length: 8 }, (_, i) => `a${i}: viewer { name }`).join(" ");
    const [err] = (await t().execute(`{ ${aliases} }`, {})).expectErrors();
    expect(err?.message).toMatch(/alias/i);
    expect(err?.message).not.toMatch(/\b5\b/);
  });

  it("refuses a document with too many tokens", async () => {
    const fields = Array.from({ length: 500 }, () => "__typename").join(" ");
    const [err] = (await t().execute(`{ viewer { ${fields} } }`, {})).expectErrors();
    expect(err?.message).toMatch(/token/i);
    expect(err?.message).not.toMatch(/400/);
  });

  it("counts `first` on connections in the cost, and masks the limit", async () => {
    const cheap = `{ artifacts(first: 5) { edges { node { key tags { name } } } } }`;
    expect((await t().execute(cheap, {})).expectNoErrors()).toBeTruthy();
    const costly = `{ collections(first: 100) { edges { node { artifacts(first: 100) { edges { node { key } } } } } } }`;
    const [err] = (await t().execute(costly, {})).expectErrors();
    expect(err?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
    expect(err?.message).toBe("Query is too complex: ask for fewer fields or smaller pages.");
  });

  it("masks unexpected errors but keeps typed and validation errors", async () => {
    const bad = await t().execute(`{ artifact(key: "nonsense") { key } }`, {});
    expect(bad.expectErrors()[0]?.message).toMatch(/key: must be type:name/);
  });
});
