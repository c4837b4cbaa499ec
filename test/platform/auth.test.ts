import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { graphql } from "../gql/index.js";
import { useTestApp } from "../helpers/app.js";

const Viewer = graphql(`
  query Viewer {
    viewer { name anonymous scopes }
  }
`);

const AddCommand = graphql(`
  mutation AddCommand($name: String!) {
    addArtifact(input: { type: COMMAND, name: $name, origin: LOCAL }) {
      __typename
    }
  }
`);

const CountArtifacts = graphql(`
  query CountArtifacts {
    artifacts { totalCount }
  }
`);

const NodeName = graphql(`
  query NodeName($id: ID!) {
    node(id: $id) {
      id
      __typename
      ... on ApiToken { name scopes }
      ... on Artifact { key }
    }
  }
`);

const Tokens = graphql(`
  query Tokens {
    apiTokens { edges { node { id name scopes revokedAt } } }
  }
`);

const CreateToken = graphql(`
  mutation CreateToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      __typename
      ... on CreateApiTokenPayload { secret token { id name scopes } }
      ... on Error { message }
    }
  }
`);

describe("auth with public read (the embedded default)", () => {
  const t = useTestApp();

  it("tells the viewer who they are, by token", async () => {
    expect((await t().execute(Viewer, {})).expectNoErrors().viewer).toEqual({ name: "anonymous", anonymous: true, scopes: ["READ"] });
    expect((await t().execute(Viewer, {}, { token: "write" })).expectNoErrors().viewer).toEqual({
      name: "test-write",
      anonymous: false,
      scopes: ["READ", "WRITE"],
    });
    expect((await t().execute(Viewer, {}, { token: "admin" })).expectNoErrors().viewer.scopes).toEqual(["READ", "WRITE", "ADMIN"]);
  });

  it("lets anonymous clients read but not write", async () => {
    expect((await t().execute(CountArtifacts, {})).expectNoErrors().artifacts.totalCount).toBe(0);
    const res = await t().execute(AddCommand, { name: "anon" });
    const [err] = res.expectErrors();
    expect(err?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(err?.message).toMatch(/send an API token/);
    expect((await t().execute(CountArtifacts, {})).expectNoErrors().artifacts.totalCount).toBe(0);
  });

  it("refuses mutations to a read-only token and writes nothing", async () => {
    const res = await t().execute(AddCommand, { name: "reader" }, { token: "read" });
    const [err] = res.expectErrors();
    expect(err?.extensions?.code).toBe("FORBIDDEN");
    expect(res.data?.addArtifact ?? null).toBeNull();
    expect((await t().execute(CountArtifacts, {})).expectNoErrors().artifacts.totalCount).toBe(0);
    expect((await t().execute(AddCommand, { name: "writer" }, { token: "write" })).expectNoErrors().addArtifact.__typename).toBe(
      "AddArtifactPayload",
    );
  });

  it("refuses an unknown or revoked token with 401, before running anything", async () => {
    const unknown = await t().execute(CountArtifacts, {}, { token: "sgt_not-a-real-token" });
    expect(unknown.status).toBe(401);
    expect(unknown.expectErrors()[0]?.message).toMatch(/not valid or has been revoked/);

    const { secret } = await t().app.services.tokens.create("short-lived", ["write"]);
    expect((await t().execute(Viewer, {}, { token: secret })).expectNoErrors().viewer.name).toBe("short-lived");
    await t().app.services.tokens.revoke("short-lived");
    const revoked = await t().execute(AddCommand, { name: "after-revoke" }, { token: secret });
    expect(revoked.status).toBe(401);
    expect(revoked.expectErrors()[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("stores only the hash of a token, and shows the secret once", async () => {
    const res = (await t().execute(CreateToken, { input: { name: "integration", scopes: ["READ"] } }, { token: "admin" })).expectNoErrors();
    if (res.createApiToken.__typename !== "CreateApiTokenPayload") throw new Error(res.createApiToken.__typename);
    const { secret, token } = res.createApiToken;
    expect(secret).toMatch(/^sgt_[A-Za-z0-9_-]{40,}$/);
    const row = await t().app.database.prisma.apiToken.findUniqueOrThrow({ where: { name: "integration" } });
    expect(row.tokenHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(secret);
    // The listing never carries secrets.
    const list = (await t().execute(Tokens, {}, { token: "admin" })).expectNoErrors();
    expect(JSON.stringify(list)).not.toContain(secret);
    expect(list.apiTokens.edges.map((e) => e.node.name)).toContain("integration");
    expect(token.scopes).toEqual(["READ"]);
  });

  it("node(id) applies the type's own rules: a read token cannot see a token", async () => {
    const list = (await t().execute(Tokens, {}, { token: "admin" })).expectNoErrors();
    const id = list.apiTokens.edges[0]?.node.id;
    if (!id) throw new Error("no token");
    const asReader = await t().execute(NodeName, { id }, { token: "read" });
    const [err] = asReader.expectErrors();
    expect(err?.extensions?.code).toBe("FORBIDDEN");
    expect(asReader.data?.node ?? null).toBeNull();
    expect(JSON.stringify(asReader)).not.toContain("test-");
    const asAdmin = (await t().execute(NodeName, { id }, { token: "admin" })).expectNoErrors();
    expect(asAdmin.node).toMatchObject({ __typename: "ApiToken" });
    // The listing itself is admin-only too.
    expect((await t().execute(Tokens, {}, { token: "write" })).expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("auth without public read", () => {
  const t = useTestApp({ env: { SKILLGRAPH_PUBLIC_READ: "false" } });

  it("gives anonymous clients nothing but the viewer", async () => {
    expect((await t().execute(Viewer, {})).expectNoErrors().viewer).toEqual({ name: "anonymous", anonymous: true, scopes: [] });
    const res = await t().execute(CountArtifacts, {});
    expect(res.expectErrors()[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await t().execute(CountArtifacts, {}, { token: "read" })).expectNoErrors().artifacts.totalCount).toBe(0);
  });

  it("does not leak through node(id)", async () => {
    const added = (await t().execute(AddCommand, { name: "secret-plan" }, { token: "write" })).expectNoErrors();
    expect(added.addArtifact.__typename).toBe("AddArtifactPayload");
    const row = await t().app.database.prisma.artifact.findFirstOrThrow({ where: { name: "secret-plan" } });
    const id = Buffer.from(`Artifact:${row.id}`).toString("base64");
    const anon = await t().execute(NodeName, { id });
    expect(anon.expectErrors()[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(JSON.stringify(anon)).not.toContain("secret-plan");
    expect((await t().execute(NodeName, { id }, { token: "read" })).expectNoErrors().node).toMatchObject({ key: "command:secret-plan" });
  });
});
