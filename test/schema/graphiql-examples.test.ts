// GraphiQL opens on this API's example operations (one tab each), valid against the schema and
// each one runnable as shipped.
import { parse, validate } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAPHIQL_EXAMPLES } from "../../src/graphql/graphiql-examples.js";
import { getSchema } from "../../src/schema.js";
import { createTestApp, type TestApp } from "../helpers/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("GraphiQL example tabs", () => {
  it("are valid operations against the schema", () => {
    expect(GRAPHIQL_EXAMPLES.map((e) => e.title)).toEqual(["Browse artifacts with scores", "Search the marketplace", "Watch a job live", "Load medallions for a scope"]);
    for (const example of GRAPHIQL_EXAMPLES) {
      expect(validate(getSchema(), parse(example.query)).map((e) => e.message), example.title).toEqual([]);
      expect(example.query, example.title).toContain("Authorization");
    }
  });

  it("open in GraphiQL's page as its tabs, the first as the default query", async () => {
    const page = await t.app.yoga.fetch("http://skillgraph.test/graphql", { headers: { accept: "text/html" } });
    const html = await page.text();
    expect(html).toContain('"defaultTabs":[');
    expect(html).toContain("query BrowseArtifacts");
    expect(html).toContain("subscription WatchJob");
    expect(html).toContain("query LoadMedallions");
    expect(html).toContain('"defaultQuery":"# Browse artifacts');
  });

  it("run as shipped (the queries, with their default variables)", async () => {
    for (const example of GRAPHIQL_EXAMPLES.filter((e) => !e.query.includes("subscription "))) {
      const res = await t.execute(example.query, {}, { token: "read" });
      expect(res.errors, example.title).toBeUndefined();
    }
  });
});
