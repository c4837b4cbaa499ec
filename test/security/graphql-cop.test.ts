// Item 7: graphql-cop's HIGH findings under production settings: aliases of __typename count,
// duplicated fields and directives are refused with one error, introspection is a setting
// (production default: authenticated), and suggestions are hidden unless introspection is public.
import { describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";

const INTROSPECTION = `query cop { __schema { types { name fields { name } } } }`;

describe("graphql-cop checks, production settings", () => {
  const t = useTestApp({ env: { NODE_ENV: "production", SKILLGRAPH_PUBLIC_READ: "false" } });

  it("alias overloading: 101 aliases of __typename are refused", async () => {
    const aliases = Array.from({ length: 101 }, (_, i) => `alias${i}:__typename`).join(" ");
    const r = await t().execute(`query cop { ${aliases} }`, undefined, { token: "read" });
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.message).toMatch(/too many aliases/);
  });

  it("directive overloading: ten duplicated directives get exactly one error", async () => {
    const r = await t().execute(`query cop { __typename ${"@aa".repeat(10)} }`, undefined, { token: "read" });
    expect(r.errors).toHaveLength(1);
    expect(r.errors?.[0]?.message).toBe("Query repeats a directive at one location.");
    const skip = await t().execute(`query cop { __typename @skip(if: false) @skip(if: false) }`, undefined, { token: "read" });
    expect(skip.errors).toHaveLength(1);
  });

  it("field duplication: 500 repeated __typename are refused", async () => {
    const r = await t().execute(`query cop { ${"__typename\n".repeat(500)} }`, undefined, { token: "read" });
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.map((e) => e.message)).toEqual(["Query repeats a field too many times in one selection."]);
    // A field asked for twice (fragments merging) is still fine.
    expect((await t().execute(`{ viewer { name name } }`, undefined, { token: "read" })).expectNoErrors()).toEqual({ viewer: { name: "test-read" } });
  });

  it("introspection needs a token in production; suggestions are hidden", async () => {
    const anonymous = await t().execute(INTROSPECTION);
    expect(anonymous.data ?? null).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const typeQuery = await t().execute(`{ __type(name: "Query") { name } }`);
    expect(typeQuery.data ?? null).toBeNull();
    const withToken = await t().execute(INTROSPECTION, undefined, { token: "read" });
    expect((withToken.expectNoErrors() as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(10);
    const typo = await t().execute(`{ artifactz { totalCount } }`, undefined, { token: "read" });
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});

describe("introspection settings", () => {
  const off = useTestApp({ env: { SKILLGRAPH_INTROSPECTION: "off" } });
  const open = useTestApp({ env: { SKILLGRAPH_INTROSPECTION: "public" } });

  it("off: refused even with an admin token", async () => {
    const r = await off().execute(INTROSPECTION, undefined, { token: "admin" });
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    // __typename is not introspection of the schema.
    expect((await off().execute(`{ __typename }`, undefined, { token: "read" })).expectNoErrors()).toEqual({ __typename: "Query" });
  });

  it("public: anyone who may read introspects, and suggestions are shown", async () => {
    expect((await open().execute(INTROSPECTION)).errors).toBeUndefined();
    const typo = await open().execute(`{ artifactz { totalCount } }`);
    expect(typo.errors?.[0]?.message).toMatch(/Did you mean .*"artifacts"/);
  });
});
