// `skillgraph rate` and `skillgraph show --scores` as real processes against a real database.
import { userInfo } from "node:os";
import { beforeAll, describe, expect, it } from "vitest";
import { useCliDatabase } from "../helpers/cli.js";
import { withServices } from "../helpers/services.js";
import { SYSTEM } from "../../src/lib/principal.js";

describe("skillgraph rate / show --scores", () => {
  const { cli, database } = useCliDatabase();
  beforeAll(async () => {
    await withServices(database().url, (s) => s.artifacts.add({ type: "SKILL", name: "pdf", origin: "GITHUB", source: "acme/skills/pdf" }));
  });

  it("rates as cli:<OS user>, prints the scores, and refuses a bad rating naming the option", async () => {
    const rated = await cli(["rate", "skill:pdf", "--rating", "5", "--feedback", "solid", "--json"]);
    expect(rated.code).toBe(0);
    const out = JSON.parse(rated.stdout) as { artifact: string; rating: { rating: number; feedback: string }; scores: { qualityScore: number; userRating: { count: number } } };
    expect(out.artifact).toBe("skill:pdf");
    expect(out.rating).toMatchObject({ rating: 5, feedback: "solid" });
    expect(out.scores.userRating.count).toBe(1);
    expect(out.scores.qualityScore).toBeCloseTo(0.4 * (350 / 6) + 30, 9);

    const [row] = await withServices(database().url, (s) => s.ratings.export(SYSTEM, false, {}));
    expect(row?.raterId).toBe(`cli:${userInfo().username}`);

    const human = await cli(["rate", "skill:pdf", "--rating", "3"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Rated skill:pdf 3\/5/);
    // one rating per rater: the second replaced the first
    expect(human.stdout).toMatch(/user rating\s+\d+\.\d × 0\.4\s+1 rating\(s\), average 3\.0/);

    for (const bad of ["6", "2.5"]) {
      const r = await cli(["rate", "skill:pdf", "--rating", bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--rating: must be a whole number from 1 to 5/);
    }
    const missing = await cli(["rate", "skill:nope", "--rating", "4"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Artifact "skill:nope" was not found/);
  }, 120_000);

  it("shows the breakdown, human-readable and as JSON", async () => {
    const shown = await cli(["show", "skill:pdf", "--scores"]);
    expect(shown.code).toBe(0);
    for (const line of [/quality\s+\d+\.\d \/ 100/, /community\s+50\.0 × 0\.3\s+prior/, /trust\s+\d+\.\d\s+github prior 60/, /confidence/]) {
      expect(shown.stdout).toMatch(line);
    }
    const json = await cli(["show", "skill:pdf", "--scores", "--json"]);
    const parsed = JSON.parse(json.stdout) as { key: string; scores: { trustTier: string; components: unknown[]; schemaVersion: string } };
    expect(parsed.key).toBe("skill:pdf");
    expect(parsed.scores).toMatchObject({ trustTier: "github", schemaVersion: "1" });
    expect(parsed.scores.components).toHaveLength(4);
  }, 60_000);
});
