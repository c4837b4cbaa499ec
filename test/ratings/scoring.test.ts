// The formulas, with values computed by hand.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bayesianRating,
  communityValue,
  computeScores,
  decayFactor,
  maintenanceValue,
  matchValue,
  trustTier,
  type ScoreInputs,
} from "../../src/modules/ratings/scoring.js";

const NOW = new Date("2026-11-22T00:00:00.000Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const local = { origin: "LOCAL" as const, sourceOwner: null };
const none: ScoreInputs = { artifact: local, ratingCount: 0, ratingSum: 0, community: [], matchResolvedCount: 0, matchConfirmedConfidence: 0 };

describe("scoring formulas", () => {
  it("user rating is a Bayesian average with prior 50 and weight 5", () => {
    expect(bayesianRating(0, 0)).toBe(50);
    // one 5-star: (5·50 + 100) / 6
    expect(bayesianRating(5, 1)).toBeCloseTo(350 / 6, 10);
    // 5 and 4: (250 + 100 + 75) / 7
    expect(bayesianRating(9, 2)).toBeCloseTo(425 / 7, 10);
    // five 1-stars: 250 / 10
    expect(bayesianRating(5, 5)).toBe(25);
    // a thousand 5-stars approach but never pass 100: (250 + 100000) / 1005
    expect(bayesianRating(5000, 1000)).toBeCloseTo(100250 / 1005, 10);
  });

  it("an artifact with no data scores 50 and every component is a prior", () => {
    const s = computeScores(none, NOW);
    expect(s.qualityScore).toBe(50);
    expect(s.components.every((c) => c.isPrior)).toBe(true);
    expect(s.components.map((c) => [c.name, c.weight])).toEqual([
      ["userRating", 0.4],
      ["community", 0.3],
      ["maintenance", 0.2],
      ["compatibility", 0.1],
    ]);
    expect(s.userRating).toEqual({ average: null, count: 0, bayesian: 50 });
    expect(s.matchScore).toBeNull();
    expect(s.schemaVersion).toBe("1");
  });

  it("one 5-star rating does not make a perfect score", () => {
    const s = computeScores({ ...none, ratingCount: 1, ratingSum: 5 }, NOW);
    // 0.4 · 350/6 + 0.3·50 + 0.2·50 + 0.1·50 = 23.333… + 30
    expect(s.qualityScore).toBeCloseTo(0.4 * (350 / 6) + 30, 10);
    expect(s.qualityScore).toBeLessThan(54);
    expect(s.userRating.average).toBe(5);
    expect(s.components[0]).toMatchObject({ name: "userRating", isPrior: false });
  });

  it("community signals decay 5% a month and never below 0.4 of the original", () => {
    expect(decayFactor(NOW, NOW)).toBe(1);
    expect(decayFactor(daysAgo(30), NOW)).toBeCloseTo(0.95, 12);
    expect(decayFactor(daysAgo(60), NOW)).toBeCloseTo(0.9025, 12);
    expect(decayFactor(daysAgo(15), NOW)).toBeCloseTo(Math.sqrt(0.95), 12);
    // 0.95^30 ≈ 0.215, floored
    expect(decayFactor(daysAgo(900), NOW)).toBe(0.4);
    // a date after now does not grow the signal
    expect(decayFactor(new Date(NOW.getTime() + 86_400_000), NOW)).toBe(1);

    expect(communityValue([], NOW)).toBeNull();
    expect(communityValue([{ source: "a", score: 80, lastUpdated: daysAgo(30) }], NOW)).toBeCloseTo(76, 10);
    expect(communityValue([{ source: "a", score: 80, lastUpdated: daysAgo(900) }], NOW)).toBeCloseTo(32, 10);
    // (80 + 60·0.95) / 2
    expect(
      communityValue(
        [
          { source: "a", score: 80, lastUpdated: NOW },
          { source: "b", score: 60, lastUpdated: daysAgo(30) },
        ],
        NOW,
      ),
    ).toBeCloseTo(68.5, 10);
    const s = computeScores({ ...none, community: [{ source: "a", score: 80, lastUpdated: daysAgo(30) }] }, NOW);
    // 0.4·50 + 0.3·76 + 0.2·50 + 0.1·50
    expect(s.qualityScore).toBeCloseTo(57.8, 10);
    expect(s.communityScore).toBeCloseTo(76, 10);
  });

  it("trust starts from the origin prior and moves with ratings", () => {
    expect(trustTier({ origin: "GITHUB", sourceOwner: "anthropics" })).toBe("official");
    expect(trustTier({ origin: "MARKETPLACE", sourceOwner: null, verified: true })).toBe("verified");
    expect(trustTier({ origin: "GITHUB", sourceOwner: "someone" })).toBe("github");
    expect(trustTier(local)).toBe("local");
    expect(trustTier({ origin: "MARKETPLACE", sourceOwner: null })).toBe("unknown");
    const trust = (artifact: ScoreInputs["artifact"], n = 0, sum = 0) => computeScores({ ...none, artifact, ratingCount: n, ratingSum: sum }, NOW).trustScore;
    expect(trust({ origin: "GITHUB", sourceOwner: "anthropics" })).toBe(95);
    expect(trust({ origin: "MARKETPLACE", sourceOwner: null, verified: true })).toBe(80);
    expect(trust({ origin: "GITHUB", sourceOwner: "x" })).toBe(60);
    expect(trust(local)).toBe(50);
    expect(trust({ origin: "MARKETPLACE", sourceOwner: null })).toBe(40);
    // GitHub with one 1-star: (5·60 + 0) / 6
    expect(trust({ origin: "GITHUB", sourceOwner: "x" }, 1, 1)).toBe(50);
  });

  it("match score and confidence blend as documented", () => {
    expect(matchValue(0, 0)).toBeNull();
    // confirmed 0.9 and 0.7, two rejected: 100 · 1.6 / 4
    expect(matchValue(4, 1.6)).toBeCloseTo(40, 10);
    const github = { origin: "GITHUB" as const, sourceOwner: "x" };
    // without a match: 0.5·60 + 0.5·50
    expect(computeScores({ ...none, artifact: github }, NOW).confidence).toBe(55);
    // with a match of 40: 0.25·60 + 0.25·50 + 0.5·40
    const s = computeScores({ ...none, artifact: github, matchResolvedCount: 4, matchConfirmedConfidence: 1.6 }, NOW);
    expect(s.matchScore).toBeCloseTo(40, 10);
    expect(s.confidence).toBeCloseTo(47.5, 10);
  });

  it("every score stays within 0–100 for any inputs", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 50 }),
        fc.array(fc.record({ score: fc.double({ min: 0, max: 100, noNaN: true }), days: fc.integer({ min: -10, max: 5000 }) }), { maxLength: 5 }),
        fc.nat({ max: 20 }),
        fc.constantFrom("LOCAL", "GITHUB", "MARKETPLACE"),
        (_seed, ratings, community, resolved, origin) => {
          const confirmed = Math.min(resolved, Math.floor(resolved / 2));
          const s = computeScores(
            {
              artifact: { origin: origin as "LOCAL" | "GITHUB" | "MARKETPLACE", sourceOwner: null },
              ratingCount: ratings.length,
              ratingSum: ratings.reduce((a, b) => a + b, 0),
              community: community.map((c, i) => ({ source: `s${i}`, score: c.score, lastUpdated: daysAgo(c.days) })),
              matchResolvedCount: resolved,
              matchConfirmedConfidence: confirmed * 0.99,
            },
            NOW,
          );
          for (const v of [s.qualityScore, s.trustScore, s.confidence, s.communityScore, s.userRating.bayesian, s.matchScore ?? 0]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(100);
          }
        },
      ),
    );
  });
});

describe("maintenance from upstream activity", () => {
  const now = new Date("2026-11-30T00:00:00Z");
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);

  it("is the prior without data, and 0.6·recency + 0.4·activity with it", () => {
    expect(maintenanceValue(null, now)).toBeNull();
    expect(maintenanceValue({ lastCommitAt: now, commitsLast90Days: 10 }, now)).toBeCloseTo(100);
    expect(maintenanceValue({ lastCommitAt: now, commitsLast90Days: 25 }, now)).toBeCloseTo(100);
    // Half-life 90 days: 0.6·50 + 0.4·20 = 38.
    expect(maintenanceValue({ lastCommitAt: daysAgo(90), commitsLast90Days: 2 }, now)).toBeCloseTo(38);
    // A commit dated after now counts as now.
    expect(maintenanceValue({ lastCommitAt: daysAgo(-5), commitsLast90Days: 0 }, now)).toBeCloseTo(60);
    const withData = computeScores({ artifact: { origin: "LOCAL", sourceOwner: null }, ratingCount: 0, ratingSum: 0, community: [], matchResolvedCount: 0, matchConfirmedConfidence: 0, maintenance: { lastCommitAt: daysAgo(90), commitsLast90Days: 2 } }, now);
    expect(withData.components.find((c) => c.name === "maintenance")).toMatchObject({ value: 38, isPrior: false });
    expect(withData.qualityScore).toBeCloseTo(0.4 * 50 + 0.3 * 50 + 0.2 * 38 + 0.1 * 50);
  });

  it("never leaves 0–100 and falls as the last commit ages", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 100_000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (days, commits, later) => {
        const a = maintenanceValue({ lastCommitAt: daysAgo(days), commitsLast90Days: commits }, now) ?? -1;
        const b = maintenanceValue({ lastCommitAt: daysAgo(days + later), commitsLast90Days: commits }, now) ?? -1;
        return a >= 0 && a <= 100 && b <= a;
      }),
    );
  });
});
