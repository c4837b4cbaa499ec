// Errors clients can rely on: bad input is the union's InvalidInputError member where the union
// declares it; one field's bad input fails that field only; a malformed id in node() errors that
// field alone and in nodes() nulls its own entry with an error at its index.
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";

describe("errors clients can rely on", () => {
  const t = useTestApp();
  let id = "";
  beforeAll(async () => {
    const r = await t().execute<{ addArtifact: { artifact: { id: string } } }, unknown>(
      `mutation { addArtifact(input: { type: SKILL, name: "good", origin: LOCAL }) { ... on AddArtifactPayload { artifact { id } } } }`,
      {},
      { token: "write" },
    );
    id = r.expectNoErrors().addArtifact.artifact.id;
  });

  it("returns bad input as the mutation union's InvalidInputError member, and writes nothing", async () => {
    const r = await t().execute<{ addArtifact: { __typename: string; field: string; message: string } }, unknown>(
      `mutation { addArtifact(input: { type: SKILL, name: "a/b", origin: LOCAL }) { __typename ... on InvalidInputError { field message } } }`,
      {},
      { token: "write" },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.addArtifact).toEqual({ __typename: "InvalidInputError", field: "input.name", message: expect.stringContaining("must not contain /") });
    const count = await t().execute<{ artifacts: { totalCount: number } }, unknown>("{ artifacts { totalCount } }", {}, { token: "read" });
    expect(count.expectNoErrors().artifacts.totalCount).toBe(1);
  });

  it("returns a malformed id given to a mutation as InvalidInputError too", async () => {
    const r = await t().execute<{ removeArtifact: { __typename: string; field: string } }, unknown>(
      `mutation { removeArtifact(id: "not-an-id") { __typename ... on InvalidInputError { field } } }`,
      {},
      { token: "write" },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.removeArtifact).toEqual({ __typename: "InvalidInputError", field: "id" });
  });

  it("keeps a top-level BAD_USER_INPUT where no union declares it, at that field's path only", async () => {
    const r = await t().execute<{ a: { totalCount: number } | null; b: unknown }, unknown>(
      "{ a: artifacts(first: 5) { totalCount } b: artifacts(first: 500) { totalCount } }",
      {},
      { token: "read" },
    );
    // One error, blamed on b (it was blamed on a, whose cost was computed first); artifacts is
    // non-null, so b's error nulls data as GraphQL says it must.
    expect(r.errors).toHaveLength(1);
    expect(r.errors?.[0]).toMatchObject({ path: ["b"], extensions: { code: "BAD_USER_INPUT", issues: [{ field: "first" }] } });
  });

  it("errors only the node() with a malformed id, beside a good one", async () => {
    const r = await t().execute<{ good: { id: string } | null; bad: unknown }, unknown>(
      `query ($id: ID!) { good: node(id: $id) { id ... on Artifact { key } } bad: node(id: "%%%garbage") { id } }`,
      { id },
      { token: "read" },
    );
    expect(r.data).toEqual({ good: { id, key: "skill:good" }, bad: null });
    expect(r.errors).toHaveLength(1);
    expect(r.errors?.[0]).toMatchObject({ path: ["bad"], extensions: { code: "BAD_USER_INPUT" } });
  });

  it("nulls only the malformed entry of nodes(), with an error at its index", async () => {
    const r = await t().execute<{ nodes: ({ id: string } | null)[] }, unknown>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
      { ids: [id, "%%%garbage", id] },
      { token: "read" },
    );
    expect(r.data?.nodes).toEqual([{ id }, null, { id }]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors?.[0]).toMatchObject({ path: ["nodes", 1], extensions: { code: "BAD_USER_INPUT" } });
  });

  it("declares no union member a mutation can never return", async () => {
    const r = await t().execute<{ __type: { possibleTypes: { name: string }[] } }, unknown>(
      `{ __type(name: "CheckMcpServerHealthResult") { possibleTypes { name } } }`,
      {},
      { token: "read" },
    );
    expect(r.expectNoErrors().__type.possibleTypes.map((p) => p.name).sort()).toEqual(["CheckMcpServerHealthPayload", "InvalidInputError", "NotFoundError"]);
  });
});
