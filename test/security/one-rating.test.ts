// Item 11: a rater has one rating per artifact; rating again replaces it; the daily limit stays.
import { describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";

const Rate = `mutation R($input: RateArtifactInput!) { rateArtifact(input: $input) { __typename ... on RateArtifactPayload { rating { id rating feedback } scores { userRating { count average } } } ... on RateLimitExceededError { retryAfterSeconds } } }`;

describe("one rating per rater and artifact", () => {
  const t = useTestApp();

  it("replaces the rater's rating, counts it once in the average, and still stops the sixth call in a day", async () => {
    const a = await t().app.services.artifacts.add({ type: "SKILL", name: "rated-once", origin: "LOCAL" });
    const gid = Buffer.from(`Artifact:${a.id}`).toString("base64");
    type R = { rateArtifact: { __typename: string; rating?: { id: string; rating: number; feedback: string | null }; scores?: { userRating: { count: number; average: number } } } };
    const rate = async (rating: number, token: string, feedback?: string) => ((await t().execute(Rate, { input: { artifactId: gid, rating, feedback } }, { token })).expectNoErrors() as R).rateArtifact;

    const first = await rate(1, "write", "bad");
    const ids = new Set([first.rating?.id]);
    for (const r of [1, 1, 1]) ids.add((await rate(r, "write")).rating?.id);
    const fifth = await rate(5, "write", "changed my mind");
    ids.add(fifth.rating?.id);
    expect(ids.size).toBe(1);
    expect(fifth.rating).toMatchObject({ rating: 5, feedback: "changed my mind" });
    // Five calls by one rater weigh as one rating.
    expect(fifth.scores?.userRating).toEqual({ count: 1, average: 5 });
    const other = await rate(3, "admin");
    expect(other.scores?.userRating).toEqual({ count: 2, average: 4 });

    const sixth = await rate(1, "write");
    expect(sixth.__typename).toBe("RateLimitExceededError");
    const db = t().app.database.prisma;
    expect(await db.rating.count({ where: { artifactId: a.id } })).toBe(2);
    expect((await db.rating.findMany({ where: { artifactId: a.id } })).map((r) => r.rating).sort()).toEqual([3, 5]);
  });
});
