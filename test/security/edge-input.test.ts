// Item 9: input the database cannot store is refused at the edge with BAD_USER_INPUT naming the
// field, and nothing is written: lone surrogates, NUL bytes, JSON nested thousands of levels,
// dates out of range. User errors carry no internal text (a blank SPDX licence).
import { describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";

const AddSkill = `mutation Add($input: AddArtifactInput!) { addArtifact(input: $input) { __typename ... on Error { message } } }`;

describe("input the database cannot store", () => {
  const t = useTestApp();

  async function refused(query: string, variables: Record<string, unknown> | undefined, field: RegExp) {
    const r = await t().execute(query, variables, { token: "admin" });
    expect(r.data ?? null).toBeNull();
    expect(r.errors).toHaveLength(1);
    const [e] = r.errors ?? [];
    expect(e?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(e?.message).toMatch(field);
    expect(e?.message).not.toMatch(/Unexpected error|TypeError|prisma|SQL/i);
  }

  it("refuses lone surrogates and NUL characters in variables and in the document, naming the field", async () => {
    await refused(AddSkill, { input: { type: "SKILL", name: "bad\uD800name", origin: "LOCAL" } }, /input\.name: must not contain unpaired UTF-16 surrogates/);
    await refused(AddSkill, { input: { type: "SKILL", name: "nul\u0000name", origin: "LOCAL" } }, /input\.name: must not contain NUL/);
    await refused(AddSkill, { input: { type: "SKILL", name: "ok", origin: "LOCAL", description: "tail \uDC00" } }, /input\.description/);
    // A lone surrogate escape written into the document is already a syntax error of GraphQL's.
    const literal = await t().execute(`mutation { addArtifact(input: { type: SKILL, name: "lit\\uD83D", origin: LOCAL }) { __typename } }`, undefined, { token: "admin" });
    expect(literal.errors?.[0]?.message).toMatch(/Invalid Unicode escape/);
    await refused(`mutation { addArtifact(input: { type: SKILL, name: "lit\\u0000", origin: LOCAL }) { __typename } }`, undefined, /input\.name: must not contain NUL/);
    // A well-formed pair (an emoji) is fine.
    expect((await t().execute(AddSkill, { input: { type: "SKILL", name: "emoji-\uD83D\uDE00", origin: "LOCAL" } }, { token: "write" })).expectNoErrors()).toEqual({
      addArtifact: { __typename: "AddArtifactPayload" },
    });
    expect(await t().app.database.prisma.artifact.count()).toBe(1);
  });

  it("refuses JSON nested 5,000 levels deep in an input field", async () => {
    // Written by hand: JSON.stringify itself overflows at this depth.
    const deep = `${'{"d":'.repeat(5000)}"leaf"${"}".repeat(5000)}`;
    const body = `{"query":"mutation Job($input: EnqueueJobInput!) { enqueueJob(input: $input) { __typename } }","variables":{"input":{"kind":"system.demo","input":${deep}}}}`;
    const res = await t().app.yoga.fetch("http://skillgraph.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${t().tokens.admin}` },
      body,
    });
    const r = (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
    expect(r.data ?? null).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(r.errors?.[0]?.message).toMatch(/input\.input(\.d)+: must not be nested more than 32 levels deep/);
    expect(await t().app.database.prisma.job.count()).toBe(0);
  });

  it("refuses dates outside 0001–9999 naming the field; nothing is written", async () => {
    const artifact = (await t().app.services.artifacts.add({ type: "SKILL", name: "dated", origin: "LOCAL" })).id;
    const gid = Buffer.from(`Artifact:${artifact}`).toString("base64");
    const query = `mutation Import($input: ImportCommunityScoresInput!) { importCommunityScores(input: $input) { __typename } }`;
    for (const lastUpdated of ["0000-01-01T00:00:00Z", "+275760-09-13T00:00:00.000Z", 8.64e15, "10000-01-01T00:00:00Z"]) {
      const r = await t().execute(query, { input: { importedFrom: "x", rows: [{ artifactId: gid, source: "s", score: 50, lastUpdated }] } }, { token: "admin" });
      expect(r.errors?.[0]?.extensions?.code, String(lastUpdated)).toBe("BAD_USER_INPUT");
      expect(r.errors?.[0]?.message).toMatch(/input\.rows\[0\]\.lastUpdated|lastUpdated/);
      expect(r.errors?.[0]?.message).not.toMatch(/Unexpected error/);
    }
    expect(await t().app.database.prisma.communityScore.count()).toBe(0);
  });

  it("answers a blank SPDX licence with the rule, never internal text", async () => {
    (await t().execute(`mutation { acceptPublisherAgreement(version: "2026-11") { __typename } }`, undefined, { token: "write" })).expectNoErrors();
    const a = await t().app.services.artifacts.add({ type: "SKILL", name: "licensed", origin: "LOCAL", metadata: { license: "MIT" } });
    const gid = Buffer.from(`Artifact:${a.id}`).toString("base64");
    const publish = `mutation P($input: PublishListingInput!) { publishListing(input: $input) { __typename ... on Error { message } ... on PublishListingPayload { submission { errors { field message } } } } }`;
    for (const license of [" ", ""]) {
      const r = await t().execute(publish, { input: { name: "blank-licence", description: "A listing with a blank licence.", version: "1.0.0", license, tags: ["x"], artifactIds: [gid] } }, { token: "write" });
      const text = JSON.stringify(r.data ?? r.errors);
      expect(text, license).toMatch(/license/);
      expect(text, license).not.toMatch(/TypeError|Cannot read|undefined|Unexpected error/);
    }
  });
});
