import { beforeEach, describe, expect, it } from "vitest";
import { graphql } from "../gql/index.js";
import { useTestApp, type TestApp } from "../helpers/app.js";

const CreateTag = graphql(`
  mutation CreateTag($input: CreateTagInput!) {
    createTag(input: $input) {
      __typename
      ... on TagPayload { tag { id name slug color description artifactCount } }
      ... on AlreadyExistsError { field value }
      ... on InvalidInputError { field message }
    }
  }
`);
const UpdateTag = graphql(`
  mutation UpdateTag($input: UpdateTagInput!) {
    updateTag(input: $input) {
      __typename
      ... on TagPayload { tag { name slug color } }
      ... on Error { message }
    }
  }
`);
const DeleteTag = graphql(`
  mutation DeleteTag($id: ID!) {
    deleteTag(id: $id) { __typename ... on DeleteTagPayload { deletedTagId } }
  }
`);
const TagArtifact = graphql(`
  mutation TagArtifact($artifactId: ID!, $tagId: ID!) {
    tagArtifact(artifactId: $artifactId, tagId: $tagId) {
      __typename
      ... on TagArtifactPayload { artifact { tags { name } } tag { artifactCount } }
      ... on NotFoundError { entity }
    }
  }
`);
const UntagArtifact = graphql(`
  mutation UntagArtifact($artifactId: ID!, $tagId: ID!) {
    untagArtifact(artifactId: $artifactId, tagId: $tagId) {
      __typename
      ... on TagArtifactPayload { artifact { tags { name } } }
    }
  }
`);
const CreateGroup = graphql(`
  mutation CreateGroup($input: CreateGroupInput!) {
    createGroup(input: $input) {
      __typename
      ... on GroupPayload { group { id name position color icon } }
      ... on AlreadyExistsError { field value }
      ... on NotFoundError { entity key }
    }
  }
`);
const SetMembers = graphql(`
  mutation SetMembers($groupId: ID!, $artifactIds: [ID!]!) {
    setGroupMembers(groupId: $groupId, artifactIds: $artifactIds) {
      __typename
      ... on GroupPayload { group { members { name } memberCount } }
      ... on InvalidInputError { field message }
    }
  }
`);
const MoveGroup = graphql(`
  mutation MoveGroup($id: ID!, $position: Int!) {
    moveGroup(id: $id, position: $position) { __typename ... on GroupPayload { group { name position } } }
  }
`);
const DeleteGroup = graphql(`
  mutation DeleteGroup($id: ID!) {
    deleteGroup(id: $id) { __typename ... on DeleteGroupPayload { deletedGroupId } }
  }
`);
const CollectionView = graphql(`
  query CollectionView($name: String!) {
    collection(name: $name) {
      name
      artifactCount
      tags { name }
      groups { name position members { name } }
      artifacts(first: 10, filter: { tag: "core" }) { totalCount edges { node { name } } }
    }
  }
`);
const AddNamed = graphql(`
  mutation AddNamed($name: String!, $collection: String) {
    addArtifact(input: { type: SKILL, name: $name, origin: LOCAL, collection: $collection }) {
      __typename
      ... on AddArtifactPayload { artifact { id } }
    }
  }
`);

async function add(t: TestApp, name: string, collection?: string): Promise<string> {
  const r = (await t.execute(AddNamed, { name, collection }, { token: "write" })).expectNoErrors().addArtifact;
  if (r.__typename !== "AddArtifactPayload") throw new Error(r.__typename);
  return r.artifact.id;
}

async function createTag(t: TestApp, name: string): Promise<string> {
  const r = (await t.execute(CreateTag, { input: { name } }, { token: "write" })).expectNoErrors().createTag;
  if (r.__typename !== "TagPayload") throw new Error(r.__typename);
  return r.tag.id;
}

describe("tags", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());

  it("creates tags with a slug, refuses duplicates and bad colours", async () => {
    const ok = (await t().execute(CreateTag, { input: { name: "Data Science", color: "#12ab9F", description: "ML" } }, { token: "write" })).expectNoErrors();
    expect(ok.createTag).toMatchObject({ __typename: "TagPayload", tag: { name: "Data Science", slug: "data-science", color: "#12ab9F", artifactCount: 0 } });
    const dup = (await t().execute(CreateTag, { input: { name: "data science" } }, { token: "write" })).expectNoErrors();
    expect(dup.createTag).toMatchObject({ __typename: "AlreadyExistsError", field: "slug", value: "data-science" });
    const bad = (await t().execute(CreateTag, { input: { name: "x", color: "red" } }, { token: "write" })).expectNoErrors();
    expect(bad.createTag).toMatchObject({ __typename: "InvalidInputError", field: "input.color", message: expect.stringMatching(/input\.color: must be a colour #RRGGBB/) });
    expect(await t().app.database.prisma.tag.count()).toBe(1);
  });

  it("tags and untags artifacts idempotently, renames, and deletes everywhere", async () => {
    const artifactId = await add(t(), "tagged");
    const tagId = await createTag(t(), "core");
    for (let i = 0; i < 2; i++) {
      const r = (await t().execute(TagArtifact, { artifactId, tagId }, { token: "write" })).expectNoErrors();
      expect(r.tagArtifact).toMatchObject({ artifact: { tags: [{ name: "core" }] }, tag: { artifactCount: 1 } });
    }
    const renamed = (await t().execute(UpdateTag, { input: { id: tagId, name: "Core Tools", color: null } }, { token: "write" })).expectNoErrors();
    expect(renamed.updateTag).toMatchObject({ tag: { name: "Core Tools", slug: "core-tools", color: null } });
    const untagged = (await t().execute(UntagArtifact, { artifactId, tagId }, { token: "write" })).expectNoErrors();
    expect(untagged.untagArtifact).toMatchObject({ artifact: { tags: [] } });
    await t().execute(TagArtifact, { artifactId, tagId }, { token: "write" });
    (await t().execute(DeleteTag, { id: tagId }, { token: "write" })).expectNoErrors();
    expect(await t().app.database.prisma.artifactTag.count()).toBe(0);
    const missing = (await t().execute(TagArtifact, { artifactId, tagId }, { token: "write" })).expectNoErrors();
    expect(missing.tagArtifact).toMatchObject({ __typename: "NotFoundError", entity: "Tag" });
  });

  it("refuses a global ID of the wrong type", async () => {
    const artifactId = await add(t(), "typed");
    const res = await t().execute(TagArtifact, { artifactId, tagId: artifactId }, { token: "write" });
    expect(res.expectErrors()[0]?.message).toMatch(/Tag/);
  });
});

describe("groups and collections", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());

  it("orders groups, sets members in order, moves and deletes closing the gap", async () => {
    const ids = [await add(t(), "a"), await add(t(), "b"), await add(t(), "c")];
    const groups: string[] = [];
    for (const name of ["first", "second", "third"]) {
      const r = (await t().execute(CreateGroup, { input: { name, color: "#000000", icon: "star" } }, { token: "write" })).expectNoErrors().createGroup;
      if (r.__typename !== "GroupPayload") throw new Error(r.__typename);
      groups.push(r.group.id);
      expect(r.group.position).toBe(groups.length - 1);
    }
    const dup = (await t().execute(CreateGroup, { input: { name: "first" } }, { token: "write" })).expectNoErrors();
    expect(dup.createGroup).toMatchObject({ __typename: "AlreadyExistsError", field: "name", value: "first" });

    const [g0, g1, g2] = groups as [string, string, string];
    const [a, b, c] = ids as [string, string, string];
    const members = (await t().execute(SetMembers, { groupId: g0, artifactIds: [c, a, b] }, { token: "write" })).expectNoErrors();
    expect(members.setGroupMembers).toMatchObject({ group: { members: [{ name: "c" }, { name: "a" }, { name: "b" }], memberCount: 3 } });
    const repeat = await t().execute(SetMembers, { groupId: g0, artifactIds: [a, a] }, { token: "write" });
    expect(repeat.expectNoErrors().setGroupMembers).toMatchObject({ __typename: "InvalidInputError", field: "artifactIds" });

    (await t().execute(MoveGroup, { id: g2, position: 0 }, { token: "write" })).expectNoErrors();
    let view = (await t().execute(CollectionView, { name: "default" })).expectNoErrors().collection;
    expect(view?.groups.map((g) => [g.name, g.position])).toEqual([["third", 0], ["first", 1], ["second", 2]]);
    expect(view?.groups[1]?.members.map((m) => m.name)).toEqual(["c", "a", "b"]);

    (await t().execute(DeleteGroup, { id: g1 }, { token: "write" })).expectNoErrors();
    view = (await t().execute(CollectionView, { name: "default" })).expectNoErrors().collection;
    expect(view?.groups.map((g) => [g.name, g.position])).toEqual([["third", 0], ["first", 1]]);
    expect(view?.artifactCount).toBe(3);
  });

  it("keeps group members within the group's collection", async () => {
    await t().app.services.collections.create({ name: "other" });
    const outsider = await add(t(), "outsider", "other");
    const r = (await t().execute(CreateGroup, { input: { name: "g" } }, { token: "write" })).expectNoErrors().createGroup;
    if (r.__typename !== "GroupPayload") throw new Error(r.__typename);
    const res = (await t().execute(SetMembers, { groupId: r.group.id, artifactIds: [outsider] }, { token: "write" })).expectNoErrors();
    expect(res.setGroupMembers).toMatchObject({ __typename: "InvalidInputError", field: "artifactIds.0" });
    const missing = (await t().execute(CreateGroup, { input: { name: "g", collection: "nope" } }, { token: "write" })).expectNoErrors();
    expect(missing.createGroup).toMatchObject({ __typename: "NotFoundError", entity: "Collection", key: "nope" });
  });

  it("shows a collection's tags and filters its artifacts", async () => {
    const x = await add(t(), "x");
    await add(t(), "y");
    const core = await createTag(t(), "core");
    const extra = await createTag(t(), "extra");
    await t().execute(TagArtifact, { artifactId: x, tagId: core }, { token: "write" });
    await t().execute(TagArtifact, { artifactId: x, tagId: extra }, { token: "write" });
    const view = (await t().execute(CollectionView, { name: "default" })).expectNoErrors().collection;
    expect(view?.tags.map((tg) => tg.name)).toEqual(["core", "extra"]);
    expect(view?.artifacts.totalCount).toBe(1);
    expect(view?.artifacts.edges.map((e) => e.node.name)).toEqual(["x"]);
    expect((await t().execute(CollectionView, { name: "missing" })).expectNoErrors().collection).toBeNull();
  });
});
