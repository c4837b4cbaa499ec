// The rate limit: the rolling 24-hour window (injected clock) and concurrent calls.
import { beforeEach, describe, expect, it } from "vitest";
import { RateLimitExceededError } from "../../src/lib/errors.js";
import { tokenPrincipal } from "../../src/lib/principal.js";
import { RatingService } from "../../src/modules/ratings/index.js";
import { useTestApp } from "../helpers/app.js";
import { RateArtifact } from "./documents.js";
import { makeArtifact } from "./fixtures.js";

const HOUR = 3_600_000;

describe("rating rate limit", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());

  const rater = (id: string) => tokenPrincipal({ id, name: id, scopes: ["write"] });

  it("allows 5 ratings in any rolling 24 hours, and the sixth again once the oldest leaves the window", async () => {
    const a = await makeArtifact(t(), "windowed");
    const t0 = new Date("2026-11-20T10:00:00.000Z").getTime();
    let now = t0;
    const service = new RatingService(t().app.database, t().app.services.artifacts, () => new Date(now));
    const rate = () => service.rate(rater("clock"), { artifactId: a.id, rating: 4 });

    for (let i = 0; i < 5; i++) {
      now = t0 + i * HOUR;
      await rate();
    }
    // one millisecond before the first leaves the window
    now = t0 + 24 * HOUR - 1;
    const err = await rate().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitExceededError);
    expect((err as RateLimitExceededError).retryAfterSeconds).toBe(1);
    // one rating per rater and artifact (each call replaced it), five calls counted; the refusal wrote nothing
    expect(await t().app.database.prisma.rating.count()).toBe(1);
    expect(await t().app.database.prisma.ratingEvent.count()).toBe(5);

    // exactly 24 hours after the first, it has left the window
    now = t0 + 24 * HOUR;
    await rate();
    // and now the window is full again until the second leaves it, an hour later
    const again = await rate().catch((e: unknown) => e);
    expect(again).toBeInstanceOf(RateLimitExceededError);
    expect((again as RateLimitExceededError).retryAfterSeconds).toBe(3600);

    // another viewer and another artifact have their own limits
    await service.rate(rater("someone-else"), { artifactId: a.id, rating: 2 });
    const b = await makeArtifact(t(), "other");
    await service.rate(rater("clock"), { artifactId: b.id, rating: 2 });

    const scores = await service.scoresOf({ id: a.id, origin: "LOCAL", sourceOwner: null });
    expect(scores.userRating).toMatchObject({ count: 2, average: 3 });
  });

  it("does not give an attempt back when a rating is deleted", async () => {
    const a = await makeArtifact(t(), "no-refund");
    const service = t().app.services.ratings;
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await service.rate(rater("del"), { artifactId: a.id, rating: 3 })).rating.id);
    // rating again replaced the one rating
    expect(ids.size).toBe(1);
    for (const id of ids) await service.deleteRating(rater("del"), id);
    await expect(service.rate(rater("del"), { artifactId: a.id, rating: 3 })).rejects.toBeInstanceOf(RateLimitExceededError);
    const scores = await service.scoresOf({ id: a.id, origin: "LOCAL", sourceOwner: null });
    expect(scores.userRating.count).toBe(0);
    expect(scores.qualityScore).toBe(50);
  });

  it("lets exactly 5 of 10 concurrent rateArtifact calls for one viewer and artifact succeed", async () => {
    const a = await makeArtifact(t(), "contended");
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t().execute(RateArtifact, { input: { artifactId: a.gid, rating: (i % 5) + 1 } }, { token: "write" })),
    );
    const kinds = results.map((r) => r.expectNoErrors().rateArtifact.__typename);
    expect(kinds.filter((k) => k === "RateArtifactPayload")).toHaveLength(5);
    expect(kinds.filter((k) => k === "RateLimitExceededError")).toHaveLength(5);
    const db = t().app.database.prisma;
    expect(await db.rating.count({ where: { artifactId: a.id } })).toBe(1);
    expect(await db.ratingEvent.count({ where: { artifactId: a.id } })).toBe(5);
    const aggregate = await db.artifactScore.findUnique({ where: { artifactId: a.id } });
    const sum = await db.rating.aggregate({ where: { artifactId: a.id }, _sum: { rating: true } });
    expect(aggregate).toMatchObject({ ratingCount: 1, ratingSum: sum._sum.rating });
  });

  it("still lets exactly 5 of 10 through when they arrive while another Prisma transaction is open", async () => {
    const a = await makeArtifact(t(), "behind-a-transaction");
    const db = t().app.database.prisma;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let opened: () => void = () => {};
    const open = new Promise<void>((resolve) => (opened = resolve));
    // Holds a transaction open (on SQLite it holds the one writer) while the rates arrive.
    const holder = t().app.database.transaction(async (tx) => {
      await tx.prisma.artifact.findUnique({ where: { id: a.id } });
      opened();
      await gate;
    });
    await open;
    const rates = Array.from({ length: 10 }, (_, i) => t().execute(RateArtifact, { input: { artifactId: a.gid, rating: (i % 5) + 1 } }, { token: "write" }));
    await new Promise((r) => setTimeout(r, 50));
    release();
    await holder;
    const kinds = (await Promise.all(rates)).map((r) => r.expectNoErrors().rateArtifact.__typename);
    expect(kinds.filter((k) => k === "RateArtifactPayload")).toHaveLength(5);
    expect(kinds.filter((k) => k === "RateLimitExceededError")).toHaveLength(5);
    expect(await db.rating.count({ where: { artifactId: a.id } })).toBe(1);
    expect(await db.ratingEvent.count({ where: { artifactId: a.id } })).toBe(5);
    const aggregate = await db.artifactScore.findUnique({ where: { artifactId: a.id } });
    const sum = await db.rating.aggregate({ where: { artifactId: a.id }, _sum: { rating: true } });
    expect(aggregate).toMatchObject({ ratingCount: 1, ratingSum: sum._sum.rating });
  });
});
