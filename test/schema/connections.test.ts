// One connection type per node type: every list of artifacts is an ArtifactConnection (so one
// client fragment fits all of them), and every connection answers totalCount.
import { getNamedType, isObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSchema } from "../../src/schema.js";
import { createTestApp, type TestApp } from "../helpers/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe("connections", () => {
  it("names each connection after its node type, and every one has totalCount", () => {
    const connections = Object.values(getSchema().getTypeMap()).flatMap((type) => (isObjectType(type) && type.getFields().pageInfo && type.getFields().edges ? [type] : []));
    expect(connections.length).toBeGreaterThanOrEqual(16);
    for (const type of connections) {
      const edge = getNamedType(type.getFields().edges?.type);
      const node = isObjectType(edge) ? getNamedType(edge.getFields().node?.type) : undefined;
      expect(type.name, "a connection is named after its node type").toBe(`${node?.name}Connection`);
      expect(edge?.name).toBe(`${node?.name}Edge`);
      expect(Object.keys(type.getFields()), type.name).toContain("totalCount");
    }
  });

  it("serves Query.artifacts and Collection.artifacts as the same type, with one fragment", async () => {
    await t.execute(`mutation { addArtifact(input: { type: SKILL, name: "pdf", origin: LOCAL }) { __typename } }`, {}, { token: "admin" });
    await t.execute(`mutation { addArtifact(input: { type: SKILL, name: "csv", origin: LOCAL }) { __typename } }`, {}, { token: "admin" });
    const res = await t.execute<{ artifacts: { __typename: string; totalCount: number; edges: unknown[] }; collections: { edges: { node: { artifacts: { __typename: string; totalCount: number } } }[] } }, Record<string, never>>(
      `fragment Page on ArtifactConnection { __typename totalCount edges { node { name } } }
       query { artifacts(first: 1) { ...Page } collections(first: 1) { edges { node { artifacts(first: 1) { ...Page } } } } }`,
      {},
      { token: "read" },
    );
    const data = res.expectNoErrors();
    expect(data.artifacts.__typename).toBe("ArtifactConnection");
    expect(data.artifacts.totalCount).toBe(2);
    expect(data.artifacts.edges).toHaveLength(1);
    expect(data.collections.edges[0]?.node.artifacts.__typename).toBe("ArtifactConnection");
    expect(data.collections.edges[0]?.node.artifacts.totalCount).toBe(2);
  });

  it("counts ratingsExport, apiTokens and an artifact's matches", async () => {
    const list = await t.execute<{ artifacts: { edges: { node: { id: string } }[] } }, Record<string, never>>(`query { artifacts(first: 1) { edges { node { id } } } }`, {}, { token: "read" });
    const id = list.expectNoErrors().artifacts.edges[0]?.node.id;
    await t.execute(`mutation($id: ID!) { rateArtifact(input: { artifactId: $id, rating: 4, shareWithCommunity: true }) { __typename } }`, { id }, { token: "write" });
    const res = await t.execute<{ apiTokens: { totalCount: number }; ratingsExport: { totalCount: number }; artifacts: { edges: { node: { matches: { totalCount: number } } }[] } }, Record<string, never>>(
      `query { apiTokens(first: 1) { totalCount } ratingsExport(first: 1) { totalCount } artifacts(first: 1) { edges { node { matches(first: 1) { totalCount } } } } }`,
      {},
      { token: "admin" },
    );
    const data = res.expectNoErrors();
    expect(data.apiTokens.totalCount).toBeGreaterThanOrEqual(3);
    expect(data.ratingsExport.totalCount).toBe(1);
    expect(data.artifacts.edges[0]?.node.matches.totalCount).toBe(0);
  });
});
