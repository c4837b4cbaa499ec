// `skillgraph medallion load|checkpoint|show` against DATABASE_URL, as a session hook calls them.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerMedallionCommands } from "../../src/modules/medallions/cli.js";
import type { MedallionDocument } from "../../src/modules/medallions/document.js";
import { runCli } from "../helpers/cli.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

describe("medallion CLI", () => {
  let database: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), "skillgraph-cli-"));
    process.env.DATABASE_URL = database.url;
    process.env.LOG_LEVEL = "silent";
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  /** Runs one command in-process; returns its parsed JSON output. */
  async function run(...args: string[]): Promise<unknown> {
    const program = new Command().exitOverride();
    registerMedallionCommands(program);
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(" ")));
    try {
      await program.parseAsync(["node", "skillgraph", "medallion", ...args]);
    } finally {
      spy.mockRestore();
    }
    return JSON.parse(lines.join("\n")) as unknown;
  }

  it("checkpoints with --summary, then updates the same medallion from an --evidence file, and loads it by scope", async () => {
    const first = (await run("checkpoint", "--node", "src/auth", "--tag", "auth", "--summary", "Looked at token hashing")) as {
      created: boolean;
      medallion: MedallionDocument;
    };
    expect(first.created).toBe(true);
    expect(first.medallion).toMatchObject({
      meta: { schemaVersion: "medallion.v1", status: "ACTIVE", model: "skillgraph-deterministic-v1" },
      scope: { graphNodes: ["src/auth"], tags: ["auth"] },
      summary: { highLevel: "Looked at token hashing" },
    });

    const file = join(dir, "evidence.json");
    writeFileSync(
      file,
      JSON.stringify({
        sessionSummary: "Decided on hashing",
        artefacts: { decisions: [{ id: "D-001", statement: "sha256 at rest", confidence: 0.9 }], avoidRepeating: ["benchmarking bcrypt"] },
      }),
    );
    const second = (await run("checkpoint", "--node", "./src/auth/", "--tag", "AUTH", "--evidence", file)) as { created: boolean; medallion: MedallionDocument };
    expect(second.created).toBe(false);
    expect(second.medallion.meta.medallionId).toBe(first.medallion.meta.medallionId);
    expect(second.medallion.meta.createdAt).toBe(first.medallion.meta.createdAt);
    expect(second.medallion.decisions).toEqual([{ id: "D-001", statement: "sha256 at rest", rationale: "", confidence: 0.9 }]);

    const loaded = (await run("load", "--node", "src/auth", "--tag", "auth")) as { medallions: MedallionDocument[] };
    expect(loaded.medallions.map((m) => m.meta.medallionId)).toEqual([first.medallion.meta.medallionId]);
    expect(loaded.medallions[0]?.affordances.avoidRepeating).toEqual(["benchmarking bcrypt"]);
    expect(((await run("load", "--node", "src/db")) as { medallions: unknown[] }).medallions).toEqual([]);
    expect(((await run("load", "--all", "--status", "stale")) as { medallions: unknown[] }).medallions).toEqual([]);

    const shown = (await run("show", first.medallion.meta.medallionId)) as MedallionDocument;
    expect(shown.summary.highLevel).toBe("Decided on hashing");
  });

  it("says clearly when the evidence file is missing, not JSON, or breaks a rule", async () => {
    await expect(run("checkpoint", "--node", "a", "--evidence", join(dir, "nope.json"))).rejects.toThrow(/--evidence: file not found: .*nope\.json/);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{ not json");
    await expect(run("checkpoint", "--node", "a", "--evidence", bad)).rejects.toThrow(/--evidence: .*bad\.json is not valid JSON/);
    await expect(run("checkpoint", "--node", "a", "--evidence", dir)).rejects.toThrow(/--evidence: not a regular file/);
    const list = join(dir, "list.json");
    writeFileSync(list, "[]");
    await expect(run("checkpoint", "--node", "a", "--evidence", list)).rejects.toThrow(/--evidence: must hold a JSON object/);
    const rule = join(dir, "rule.json");
    writeFileSync(rule, JSON.stringify({ sessionSummary: "s", artefacts: { decisions: [{ id: "D-1", statement: "x", confidence: 7 }] } }));
    await expect(run("checkpoint", "--node", "a", "--evidence", rule)).rejects.toThrow(/input\.evidence\.artefacts\.decisions\.0\.confidence: must be between 0\.0 and 1\.0/);
    await expect(run("checkpoint", "--node", "a")).rejects.toThrow(/give --summary <text> or --evidence <file\.json>/);
    await expect(run("checkpoint", "--summary", "s")).rejects.toThrow(/input\.scope: must name at least one graph node or tag/);
    await expect(run("load")).rejects.toThrow(/give at least one --node or --tag/);
    await expect(run("load", "--node", "a", "--status", "gone")).rejects.toThrow(/--status: "gone" is not one of ACTIVE, STALE, SUPERSEDED/);
  });

  it("runs through the real binary: JSON on stdout, exit 2 with the message on bad input", async () => {
    const env = { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: "silent" };
    const ok = await runCli(["medallion", "checkpoint", "--node", "src/bin", "--summary", "from the binary"], env);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { created: boolean }).created).toBe(true);
    const piped = await runCli(["medallion", "checkpoint", "--node", "src/bin", "--evidence", "-"], env, {
      input: JSON.stringify({ sessionSummary: "from standard input", artefacts: { invariants: ["stdin works"] } }),
    });
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ created: false, medallion: { summary: { highLevel: "from standard input" }, affordances: { invariants: ["stdin works"] } } });
    const bad = await runCli(["medallion", "checkpoint", "--node", "src/bin", "--evidence", join(dir, "missing.json")], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--evidence: file not found/);
  }, 60_000);
});
