import { encodeGlobalID } from "@pothos/plugin-relay";
import { beforeEach, describe, expect, it } from "vitest";
import { graphql } from "../gql/index.js";
import { useTestApp, type TestApp } from "../helpers/app.js";

const AcceptAgreement = graphql(`
  mutation AcceptAgreement($version: String!) {
    acceptPublisherAgreement(version: $version) {
      __typename
      ... on AcceptPublisherAgreementPayload { agreement { version accepted acceptedAt } }
      ... on InvalidInputError { field message }
    }
  }
`);

const Agreement = graphql(`
  query Agreement { publisherAgreement { version accepted } }
`);

const Publish = graphql(`
  mutation Publish($input: PublishListingInput!) {
    publishListing(input: $input) {
      __typename
      ... on PublishListingPayload {
        submission { id submissionId status osiApproved tags errors { field message } warnings { field message } listing { id } }
      }
      ... on Error { message }
      ... on InvalidInputError { field }
      ... on NotFoundError { entity key }
      ... on AlreadyExistsError { field value }
      ... on ConsentRequiredError { requiredVersion }
    }
  }
`);

const Review = graphql(`
  mutation Review($id: ID!, $decision: ReviewDecision!, $feedback: String) {
    reviewSubmission(id: $id, decision: $decision, feedback: $feedback) {
      __typename
      ... on ReviewSubmissionPayload {
        submission { status feedback reviewedBy reviewedAt listing { name publisher version license tags artifactCount status broker { name kind } artifacts { key artifact { id } } } }
      }
      ... on Error { message }
      ... on InvalidInputError { field }
      ... on SubmissionStateError { status }
    }
  }
`);

const StartReview = graphql(`
  mutation StartReview($id: ID!) {
    startSubmissionReview(id: $id) {
      __typename
      ... on ReviewSubmissionPayload { submission { status } }
      ... on SubmissionStateError { status message }
    }
  }
`);

const MySubmissions = graphql(`
  query MySubmissions($status: SubmissionStatus) {
    mySubmissions(status: $status) { totalCount edges { node { name status feedback } } }
  }
`);

const Queue = graphql(`
  query Queue($status: SubmissionStatus) {
    submissions(status: $status) { totalCount edges { node { name status submitter } } }
  }
`);

const Search = graphql(`
  query PublishedSearch($query: String) {
    listings(query: $query) { edges { node { name publisher version } } }
  }
`);

async function artifact(t: TestApp, name: string, license: string | null): Promise<string> {
  const a = await t.app.services.artifacts.add({ type: "SKILL", name, origin: "LOCAL", metadata: { license } });
  return encodeGlobalID("Artifact", a.id);
}

const base = { name: "pdf-tools", description: "Tools for reading and filling PDF forms.", version: "1.0.0", license: "MIT", tags: ["PDF", "documents"] };

describe("publishing", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());

  async function consent(token: "write" | "admin" = "write") {
    const res = (await t().execute(AcceptAgreement, { version: "2026-11" }, { token })).expectNoErrors();
    expect(res.acceptPublisherAgreement.__typename).toBe("AcceptPublisherAgreementPayload");
  }

  async function publish(input: Record<string, unknown>) {
    const res = await t().execute(Publish, { input: { ...base, ...input } as never }, { token: "write" });
    return res.expectNoErrors().publishListing;
  }

  it("requires the current publisher agreement, recorded once per viewer and version", async () => {
    const id = await artifact(t(), "pdf", "MIT");
    const before = await publish({ artifactIds: [id] });
    expect(before).toMatchObject({ __typename: "ConsentRequiredError", requiredVersion: "2026-11" });
    expect(await t().app.database.prisma.submission.count()).toBe(0);

    const wrong = (await t().execute(AcceptAgreement, { version: "2020-01" }, { token: "write" })).expectNoErrors();
    expect(wrong.acceptPublisherAgreement).toMatchObject({ __typename: "InvalidInputError", field: "version" });

    await consent();
    await consent();
    expect(await t().app.database.prisma.publisherConsent.count()).toBe(1);
    expect(await t().app.database.prisma.auditEvent.count({ where: { eventType: "CONSENT_ACCEPTED" } })).toBe(1);
    expect((await t().execute(Agreement, {}, { token: "write" })).expectNoErrors().publisherAgreement).toEqual({ version: "2026-11", accepted: true });
    expect((await t().execute(Agreement, {}, { token: "admin" })).expectNoErrors().publisherAgreement.accepted).toBe(false);
  });

  it("submit → review → approve: the listing is visible in search", async () => {
    await consent();
    const id = await artifact(t(), "pdf", "MIT");
    const submitted = await publish({ artifactIds: [id] });
    if (submitted.__typename !== "PublishListingPayload") throw new Error(submitted.__typename);
    expect(submitted.submission).toMatchObject({ status: "PENDING", osiApproved: true, tags: ["documents", "pdf"], errors: [], warnings: [], listing: null });

    expect((await t().execute(Search, { query: "pdf" })).expectNoErrors().listings.edges).toEqual([]);
    expect((await t().execute(Queue, { status: "PENDING" }, { token: "admin" })).expectNoErrors().submissions.totalCount).toBe(1);

    const started = (await t().execute(StartReview, { id: submitted.submission.id }, { token: "admin" })).expectNoErrors();
    expect(started.startSubmissionReview).toMatchObject({ submission: { status: "IN_REVIEW" } });

    const approved = (await t().execute(Review, { id: submitted.submission.id, decision: "APPROVE" }, { token: "admin" })).expectNoErrors().reviewSubmission;
    if (approved.__typename !== "ReviewSubmissionPayload") throw new Error(approved.__typename);
    expect(approved.submission).toMatchObject({
      status: "APPROVED",
      reviewedBy: "test-admin",
      listing: { name: "pdf-tools", publisher: "test-write", version: "1.0.0", license: "MIT", tags: ["documents", "pdf"], artifactCount: 1, status: "ACTIVE", broker: { name: "local", kind: "LOCAL" } },
    });
    expect(approved.submission.listing?.artifacts).toEqual([{ key: "skill:pdf", artifact: { id } }]);
    expect((await t().execute(Search, { query: "pdf" })).expectNoErrors().listings.edges.map((e) => e.node.name)).toEqual(["pdf-tools"]);

    // A second approval of the same submission is refused; nothing changes.
    const again = (await t().execute(Review, { id: submitted.submission.id, decision: "REJECT", feedback: "no" }, { token: "admin" })).expectNoErrors();
    expect(again.reviewSubmission).toMatchObject({ __typename: "SubmissionStateError", status: "APPROVED" });

    // A new version from the same publisher updates the same listing once approved.
    const v2 = await publish({ artifactIds: [id], version: "1.1.0" });
    if (v2.__typename !== "PublishListingPayload") throw new Error(v2.__typename);
    (await t().execute(Review, { id: v2.submission.id, decision: "APPROVE" }, { token: "admin" })).expectNoErrors();
    expect((await t().execute(Search, { query: "pdf tools" })).expectNoErrors().listings.edges.map((e) => e.node.version)).toEqual(["1.1.0"]);
  });

  it("rejection and revision paths need feedback and show it to the publisher", async () => {
    await consent();
    const id = await artifact(t(), "pdf", "MIT");
    const s1 = await publish({ artifactIds: [id] });
    const s2 = await publish({ artifactIds: [id], name: "pdf-tools-two" });
    if (s1.__typename !== "PublishListingPayload" || s2.__typename !== "PublishListingPayload") throw new Error("publish failed");

    const noFeedback = (await t().execute(Review, { id: s1.submission.id, decision: "REJECT" }, { token: "admin" })).expectNoErrors();
    expect(noFeedback.reviewSubmission).toMatchObject({ __typename: "InvalidInputError", field: "feedback" });

    (await t().execute(Review, { id: s1.submission.id, decision: "REJECT", feedback: "Duplicates an existing listing." }, { token: "admin" })).expectNoErrors();
    (await t().execute(Review, { id: s2.submission.id, decision: "REQUEST_REVISION", feedback: "Add a homepage." }, { token: "admin" })).expectNoErrors();

    const mine = (await t().execute(MySubmissions, {}, { token: "write" })).expectNoErrors().mySubmissions;
    expect(mine.edges.map((e) => e.node).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "pdf-tools", status: "REJECTED", feedback: "Duplicates an existing listing." },
      { name: "pdf-tools-two", status: "REVISION_REQUESTED", feedback: "Add a homepage." },
    ]);
    expect((await t().execute(MySubmissions, { status: "REJECTED" }, { token: "write" })).expectNoErrors().mySubmissions.totalCount).toBe(1);
    expect((await t().execute(MySubmissions, {}, { token: "admin" })).expectNoErrors().mySubmissions.totalCount).toBe(0);
    expect((await t().execute(Search, { query: "pdf" })).expectNoErrors().listings.edges).toEqual([]);
  });

  it("licence errors name the field and write nothing; licence concerns are warnings", async () => {
    await consent();
    const gpl = await artifact(t(), "gpl-thing", "GPL-3.0-only");
    const bad = await t().execute(Publish, { input: { ...base, license: "MIT ANDD Apache", artifactIds: [gpl] } }, { token: "write" });
    // The union declares InvalidInputError: refusals are that member, as data (#17).
    const err = bad.expectInvalidInput();
    expect(err.message).toMatch(/input\.license: must be a valid SPDX licence expression/);
    expect(err.field).toBe("input.license");

    const badVersion = await t().execute(Publish, { input: { ...base, version: "v1", artifactIds: [gpl] } }, { token: "write" });
    expect(badVersion.expectInvalidInput().message).toMatch(/input\.version: must be a semantic version/);
    const badName = await t().execute(Publish, { input: { ...base, name: "Bad Name", artifactIds: [gpl] } }, { token: "write" });
    expect(badName.expectInvalidInput()).toMatchObject({ field: "input.name", message: expect.stringMatching(/lower-case/) });
    expect(await t().app.database.prisma.submission.count()).toBe(0);

    const warned = await publish({ artifactIds: [gpl], license: "MIT" });
    if (warned.__typename !== "PublishListingPayload") throw new Error(warned.__typename);
    expect(warned.submission.warnings).toEqual([
      { field: "input.artifactIds", message: expect.stringMatching(/skill:gpl-thing is licensed GPL-3.0-only \(copyleft\)/) },
    ]);
    const notOsi = await publish({ artifactIds: [gpl], license: "LicenseRef-Acme-Proprietary", name: "closed-tools" });
    if (notOsi.__typename !== "PublishListingPayload") throw new Error(notOsi.__typename);
    expect(notOsi.submission.osiApproved).toBe(false);
    expect(notOsi.submission.warnings.map((w) => w.message)).toContain('"LicenseRef-Acme-Proprietary" is not known to be OSI approved');
  });

  it("unknown artifacts and names owned by another publisher are refused", async () => {
    await consent();
    await consent("admin");
    const id = await artifact(t(), "pdf", "MIT");
    const missing = await publish({ artifactIds: [encodeGlobalID("Artifact", "nope")] });
    expect(missing).toMatchObject({ __typename: "NotFoundError", entity: "Artifact", key: "nope" });

    const s = await publish({ artifactIds: [id] });
    if (s.__typename !== "PublishListingPayload") throw new Error(s.__typename);
    (await t().execute(Review, { id: s.submission.id, decision: "APPROVE" }, { token: "admin" })).expectNoErrors();
    const taken = (await t().execute(Publish, { input: { ...base, artifactIds: [id] } }, { token: "admin" })).expectNoErrors();
    expect(taken.publishListing).toMatchObject({ __typename: "AlreadyExistsError", field: "name", value: "pdf-tools" });

    // Two publishers submitting a free name: the first approval wins, the second is refused.
    const mine = await publish({ artifactIds: [id], name: "race-tools" });
    const theirs = (await t().execute(Publish, { input: { ...base, name: "race-tools", artifactIds: [id] } }, { token: "admin" })).expectNoErrors().publishListing;
    if (mine.__typename !== "PublishListingPayload" || theirs.__typename !== "PublishListingPayload") throw new Error("publish failed");
    (await t().execute(Review, { id: mine.submission.id, decision: "APPROVE" }, { token: "admin" })).expectNoErrors();
    const second = (await t().execute(Review, { id: theirs.submission.id, decision: "APPROVE" }, { token: "admin" })).expectNoErrors();
    expect(second.reviewSubmission).toMatchObject({ __typename: "AlreadyExistsError" });
    const listing = await t().app.database.prisma.marketplaceListing.findFirstOrThrow({ where: { name: "race-tools" } });
    expect(listing.publisher).toBe("test-write");
  });

  it("is secured by scope", async () => {
    const id = await artifact(t(), "pdf", "MIT");
    const read = await t().execute(Publish, { input: { ...base, artifactIds: [id] } }, { token: "read" });
    expect(read.expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
    const review = await t().execute(Review, { id: encodeGlobalID("Submission", "x"), decision: "APPROVE" }, { token: "write" });
    expect(review.expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t().execute(Queue, {}, { token: "write" })).expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");

    // A submission is visible to its publisher and to admins only, through node(id) too.
    await consent();
    const s = await publish({ artifactIds: [id] });
    if (s.__typename !== "PublishListingPayload") throw new Error(s.__typename);
    const doc = `query($id: ID!) { node(id: $id) { ... on Submission { name status } } }`;
    expect((await t().execute<{ node: { name: string } | null }, { id: string }>(doc, { id: s.submission.id }, { token: "write" })).expectNoErrors().node?.name).toBe("pdf-tools");
    expect((await t().execute<{ node: { name: string } | null }, { id: string }>(doc, { id: s.submission.id }, { token: "admin" })).expectNoErrors().node?.name).toBe("pdf-tools");
    const other = await t().execute<{ node: unknown }, { id: string }>(doc, { id: s.submission.id }, { token: "read" });
    expect(other.expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
