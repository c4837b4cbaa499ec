import { describe, expect, it, beforeEach } from "vitest";
import { graphql } from "../gql/index.js";
import { useTestApp } from "../helpers/app.js";

const AddArtifact = graphql(`
  mutation AddArtifact($input: AddArtifactInput!) {
    addArtifact(input: $input) {
      __typename
      ... on AddArtifactPayload {
        artifact {
          id
          key
          name
          type
          origin
          source
          sourceSpec { owner repo path version }
          versionSpec
          metadata { title tools }
          tags { name slug }
          collection { name }
        }
      }
      ... on Error { message }
      ... on AlreadyExistsError { field value }
      ... on InvalidInputError { field }
      ... on NotFoundError { entity key }
    }
  }
`);

const ArtifactByKey = graphql(`
  query ArtifactByKey($key: String!, $collection: String) {
    artifact(key: $key, collection: $collection) { id key metadata { title } }
  }
`);

const UpdateArtifact = graphql(`
  mutation UpdateArtifact($input: UpdateArtifactInput!) {
    updateArtifact(input: $input) {
      __typename
      ... on UpdateArtifactPayload { artifact { key source versionSpec metadata { title description } } }
      ... on Error { message }
    }
  }
`);

const RemoveArtifact = graphql(`
  mutation RemoveArtifact($id: ID!) {
    removeArtifact(id: $id) {
      __typename
      ... on RemoveArtifactPayload { removedArtifactId key }
      ... on Error { message }
    }
  }
`);

const ListArtifacts = graphql(`
  query ListArtifacts($filter: ArtifactFilter, $orderBy: ArtifactOrder, $first: Int, $after: String, $last: Int, $before: String) {
    artifacts(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { key } }
    }
  }
`);

const CreateCollection = graphql(`
  mutation CreateCollection($input: CreateCollectionInput!) {
    createCollection(input: $input) {
      __typename
      ... on CreateCollectionPayload { collection { id name version } }
      ... on AlreadyExistsError { field value message }
    }
  }
`);

describe("artifacts", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());

  it("adds an artifact with a parsed source spec, tags and the default collection", async () => {
    const res = await t().execute(
      AddArtifact,
      {
        input: {
          type: "SKILL",
          name: "pdf-processor",
          origin: "GITHUB",
          source: "anthropics/skills/document-skills/pdf@v1.2.0",
          metadata: { title: "PDF processor", tools: ["Read", "Bash"] },
          tags: ["Documents", "pdf"],
        },
      },
      { token: "write" },
    );
    const payload = res.expectNoErrors().addArtifact;
    expect(payload.__typename).toBe("AddArtifactPayload");
    if (payload.__typename !== "AddArtifactPayload") return;
    expect(payload.artifact).toMatchObject({
      key: "skill:pdf-processor",
      origin: "GITHUB",
      source: "anthropics/skills/document-skills/pdf@v1.2.0",
      sourceSpec: { owner: "anthropics", repo: "skills", path: "document-skills/pdf", version: "v1.2.0" },
      versionSpec: "v1.2.0",
      metadata: { title: "PDF processor", tools: ["Read", "Bash"] },
      collection: { name: "default" },
    });
    expect(payload.artifact.tags.map((x) => x.slug)).toEqual(["documents", "pdf"]);

    const found = (await t().execute(ArtifactByKey, { key: "skill:pdf-processor" })).expectNoErrors();
    expect(found.artifact?.id).toBe(payload.artifact.id);
  });

  it("returns AlreadyExistsError for a duplicate key and writes nothing", async () => {
    const input = { type: "COMMAND" as const, name: "deploy", origin: "LOCAL" as const };
    (await t().execute(AddArtifact, { input }, { token: "write" })).expectNoErrors();
    const again = (await t().execute(AddArtifact, { input: { ...input, metadata: { title: "other" } } }, { token: "write" })).expectNoErrors();
    expect(again.addArtifact).toMatchObject({ __typename: "AlreadyExistsError", field: "key", value: "command:deploy" });
    const list = (await t().execute(ListArtifacts, {})).expectNoErrors();
    expect(list.artifacts.totalCount).toBe(1);
  });

  it("rejects a bad name and a bad source spec naming the field and the rule, writing nothing", async () => {
    // The union declares InvalidInputError, so bad input comes back as that member (#17).
    const badName = (await t().execute(AddArtifact, { input: { type: "SKILL", name: "../etc", origin: "LOCAL" } }, { token: "write" })).expectNoErrors();
    expect(badName.addArtifact).toMatchObject({ __typename: "InvalidInputError", field: "input.name", message: expect.stringMatching(/input\.name: must not contain/) });

    for (const name of [".hidden", "a/b", "a\\b"]) {
      const r = (await t().execute(AddArtifact, { input: { type: "SKILL", name, origin: "LOCAL" } }, { token: "write" })).expectNoErrors();
      expect(r.addArtifact).toMatchObject({ __typename: "InvalidInputError", field: "input.name" });
    }

    const badSource = (
      await t().execute(AddArtifact, { input: { type: "SKILL", name: "ok", origin: "GITHUB", source: "just-a-name" } }, { token: "write" })
    ).expectNoErrors();
    expect(badSource.addArtifact).toMatchObject({ __typename: "InvalidInputError", message: expect.stringMatching(/input\.source: "just-a-name" is not owner\/repo/) });

    const missingSource = await t().execute(AddArtifact, { input: { type: "SKILL", name: "ok", origin: "GITHUB" } }, { token: "write" });
    expect(missingSource.expectNoErrors().addArtifact).toMatchObject({ __typename: "InvalidInputError", field: "input.source" });

    expect((await t().execute(ListArtifacts, {})).expectNoErrors().artifacts.totalCount).toBe(0);
  });

  it("adds to a named collection only when it exists", async () => {
    const missing = await t().execute(
      AddArtifact,
      { input: { collection: "team", type: "AGENT", name: "reviewer", origin: "LOCAL" } },
      { token: "write" },
    );
    expect(missing.expectNoErrors().addArtifact).toMatchObject({ __typename: "NotFoundError", entity: "Collection", key: "team" });

    const created = (await t().execute(CreateCollection, { input: { name: "team", version: "2.0.0" } }, { token: "write" })).expectNoErrors();
    expect(created.createCollection).toMatchObject({ __typename: "CreateCollectionPayload", collection: { name: "team", version: "2.0.0" } });
    const dup = (await t().execute(CreateCollection, { input: { name: "team" } }, { token: "write" })).expectNoErrors();
    expect(dup.createCollection).toMatchObject({ __typename: "AlreadyExistsError", field: "name", value: "team" });

    const ok = await t().execute(
      AddArtifact,
      { input: { collection: "team", type: "AGENT", name: "reviewer", origin: "LOCAL" } },
      { token: "write" },
    );
    expect(ok.expectNoErrors().addArtifact.__typename).toBe("AddArtifactPayload");
    const byKey = (await t().execute(ArtifactByKey, { key: "agent:reviewer", collection: "team" })).expectNoErrors();
    expect(byKey.artifact?.key).toBe("agent:reviewer");
    expect((await t().execute(ArtifactByKey, { key: "agent:reviewer" })).expectNoErrors().artifact).toBeNull();
  });

  it("updates and removes an artifact", async () => {
    const added = (
      await t().execute(AddArtifact, { input: { type: "HOOK", name: "pre-commit", origin: "LOCAL", metadata: { title: "Old" } } }, { token: "write" })
    ).expectNoErrors().addArtifact;
    if (added.__typename !== "AddArtifactPayload") throw new Error(added.__typename);
    const id = added.artifact.id;

    const updated = (
      await t().execute(
        UpdateArtifact,
        { input: { id, source: "acme/hooks/pre-commit@main", metadata: { title: "New", description: "Runs checks" } } },
        { token: "write" },
      )
    ).expectNoErrors().updateArtifact;
    expect(updated).toMatchObject({
      __typename: "UpdateArtifactPayload",
      artifact: { key: "hook:pre-commit", source: "acme/hooks/pre-commit@main", metadata: { title: "New", description: "Runs checks" } },
    });

    const removed = (await t().execute(RemoveArtifact, { id }, { token: "write" })).expectNoErrors().removeArtifact;
    expect(removed).toMatchObject({ __typename: "RemoveArtifactPayload", removedArtifactId: id, key: "hook:pre-commit" });
    const again = (await t().execute(RemoveArtifact, { id }, { token: "write" })).expectNoErrors().removeArtifact;
    expect(again.__typename).toBe("NotFoundError");
  });

  it("filters, orders and pages with cursors both ways", async () => {
    for (const [i, name] of ["delta", "alpha", "charlie", "bravo", "echo"].entries()) {
      (
        await t().execute(
          AddArtifact,
          { input: { type: i % 2 ? "SKILL" : "COMMAND", name, origin: "LOCAL", tags: i < 2 ? ["core"] : [], metadata: { description: `the ${name} thing` } } },
          { token: "write" },
        )
      ).expectNoErrors();
    }
    const page1 = (await t().execute(ListArtifacts, { first: 2 })).expectNoErrors().artifacts;
    expect(page1.edges.map((e) => e.node.key)).toEqual(["skill:alpha", "skill:bravo"]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.totalCount).toBe(5);
    const page2 = (await t().execute(ListArtifacts, { first: 2, after: page1.pageInfo.endCursor })).expectNoErrors().artifacts;
    expect(page2.edges.map((e) => e.node.key)).toEqual(["command:charlie", "command:delta"]);
    const back = (await t().execute(ListArtifacts, { last: 2, before: page2.pageInfo.startCursor })).expectNoErrors().artifacts;
    expect(back.edges.map((e) => e.node.key)).toEqual(["skill:alpha", "skill:bravo"]);

    const desc = (await t().execute(ListArtifacts, { orderBy: { field: "NAME", direction: "DESC" }, first: 1 })).expectNoErrors().artifacts;
    expect(desc.edges[0]?.node.key).toBe("command:echo");

    const skills = (await t().execute(ListArtifacts, { filter: { type: "SKILL" } })).expectNoErrors().artifacts;
    expect(skills.edges.map((e) => e.node.key)).toEqual(["skill:alpha", "skill:bravo"]);
    expect(skills.totalCount).toBe(2);

    const tagged = (await t().execute(ListArtifacts, { filter: { tag: "core" } })).expectNoErrors().artifacts;
    expect(tagged.edges.map((e) => e.node.key).sort()).toEqual(["command:delta", "skill:alpha"]);

    const searched = (await t().execute(ListArtifacts, { filter: { search: "CHARLIE" } })).expectNoErrors().artifacts;
    expect(searched.edges.map((e) => e.node.key)).toEqual(["command:charlie"]);
  });

  it("refuses a page larger than 100 and says the limit", async () => {
    const res = await t().execute(ListArtifacts, { first: 101 });
    const [err] = res.expectErrors();
    expect(err?.message).toMatch(/first: must be at most 100/);
    expect(res.data?.artifacts ?? null).toBeNull();
  });
});

describe("first writes at once", () => {
  const t = useTestApp();

  it("creates the default collection once when many artifacts arrive together", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t().execute(AddArtifact, { input: { type: "SKILL", name: `parallel-${i}`, origin: "LOCAL" } }, { token: "write" }),
      ),
    );
    expect(results.map((r) => r.expectNoErrors().addArtifact.__typename)).toEqual(Array(8).fill("AddArtifactPayload"));
    expect(await t().app.database.prisma.collection.count({ where: { name: "default" } })).toBe(1);
  });
});
