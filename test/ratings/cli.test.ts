// `skillgraph rate` and `skillgraph show --scores` as real processes against a real database.
import { execFile } from "node:child_process";
import { userInfo } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/db/migrator.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { withServices } from "../helpers/services.js";
import { SYSTEM } from "../../src/lib/principal.js";

const bin = fileURLToPath(new URL("../../src/bin/skillgraph.mjs", import.meta.url));
const run = promisify(execFile);

async function cli(db: TestDatabase, args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent" } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("skillgraph rate / show --scores", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.url);
    await withServices(db.url, (s) => s.artifacts.add({ type: "SKILL", name: "pdf", origin: "GITHUB", source: "acme/skills/pdf" }));
  });
  afterAll(async () => {
    await db.drop();
  });

  it("rates as cli:<OS user>, prints the scores, and refuses a bad rating naming the option", async () => {
    const rated = await cli(db, ["rate", "skill:pdf", "--rating", "5", "--feedback", "solid", "--json"]);
    expect(rated.code).toBe(0);
    const out = JSON.parse(rated.stdout) as { artifact: string; rating: { rating: number; feedback: string }; scores: { qualityScore: number; userRating: { count: number } } };
    expect(out.artifact).toBe("skill:pdf");
    expect(out.rating).toMatchObject({ rating: 5, feedback: "solid" });
    expect(out.scores.userRating.count).toBe(1);
    expect(out.scores.qualityScore).toBeCloseTo(0.4 * (350 / 6) + 30, 9);

    const [row] = await withServices(db.url, (s) => s.ratings.export(SYSTEM, false, {}));
    expect(row?.raterId).toBe(`cli:${userInfo().username}`);

    const human = await cli(db, ["rate", "skill:pdf", "--rating", "3"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Rated skill:pdf 3\/5/);
    // one rating per rater: the second replaced the first
    expect(human.stdout).toMatch(/user rating\s+\d+\.\d × 0\.4\s+1 rating\(s\), average 3\.0/);

    for (const bad of ["6", "2.5"]) {
      const r = await cli(db, ["rate", "skill:pdf", "--rating", bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--rating: must be a whole number from 1 to 5/);
    }
    const missing = await cli(db, ["rate", "skill:nope", "--rating", "4"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Artifact "skill:nope" was not found/);
  }, 120_000);

  it("shows the breakdown, human-readable and as JSON", async () => {
    const shown = await cli(db, ["show", "skill:pdf", "--scores"]);
    expect(shown.code).toBe(0);
    for (const line of [/quality\s+\d+\.\d \/ 100/, /community\s+50\.0 × 0\.3\s+prior/, /trust\s+\d+\.\d\s+github prior 60/, /confidence/]) {
      expect(shown.stdout).toMatch(line);
    }
    const json = await cli(db, ["show", "skill:pdf", "--scores", "--json"]);
    const parsed = JSON.parse(json.stdout) as { key: string; scores: { trustTier: string; components: unknown[]; schemaVersion: string } };
    expect(parsed.key).toBe("skill:pdf");
    expect(parsed.scores).toMatchObject({ trustTier: "github", schemaVersion: "1" });
    expect(parsed.scores.components).toHaveLength(4);
  }, 60_000);
});
