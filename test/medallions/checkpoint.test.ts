// checkpointSession: create path, update path (no duplicate, createdAt kept, merge by id),
// concurrent checkpoints of one scope, evidence validation.
import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";
import type { CheckpointSessionInput } from "../gql/graphql.js";
import { CheckpointSession, Medallions } from "./documents.js";

describe("checkpointSession", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());

  async function checkpoint(input: CheckpointSessionInput) {
    const res = (await t().execute(CheckpointSession, { input }, { token: "write" })).expectNoErrors().checkpointSession;
    if (res.__typename !== "CheckpointSessionPayload") throw new Error(`${res.__typename}: ${"message" in res ? res.message : ""}`);
    return res;
  }
  async function all() {
    return (await t().execute(Medallions, { status: ["ACTIVE", "STALE", "SUPERSEDED"] }, { token: "read" })).expectNoErrors().medallions;
  }

  it("creates a medallion from evidence with the deterministic generator", async () => {
    const summary = `${"word ".repeat(70)}end`; // 353 characters
    const res = await checkpoint({
      scope: { graphNodes: ["src/auth"], tags: ["auth"] },
      evidence: {
        sessionSummary: summary,
        transcripts: ["user: hi"],
        sessionStartedAt: "2026-11-20T09:00:00.000Z",
        sessionEndedAt: "2026-11-20T10:00:00.000Z",
        artefacts: {
          decisions: [{ id: "D-001", statement: "Hash tokens", rationale: "leaks", confidence: 0.8 }],
          openQuestions: [{ id: "Q-001", question: "Rotate?", blockedOn: ["review"], priority: "HIGH" }],
          invariants: ["never store secrets"],
          notes: "ignored by the generator",
        },
      },
    });
    expect(res.created).toBe(true);
    const m = res.medallion;
    expect(m.meta).toMatchObject({
      model: "skillgraph-deterministic-v1",
      status: "ACTIVE",
      knowledgeMinTs: "2026-11-20T09:00:00.000Z",
      knowledgeMaxTs: "2026-11-20T10:00:00.000Z",
    });
    expect(m.summary.highLevel.length).toBeLessThanOrEqual(300);
    expect(m.summary.highLevel).toMatch(/^word( word)*…$/);
    expect(m.decisions).toEqual([{ decisionId: "D-001", statement: "Hash tokens", rationale: "leaks", confidence: 0.8 }]);
    expect(m.openQuestions).toEqual([{ questionId: "Q-001", question: "Rotate?", blockedOn: ["review"], priority: "HIGH" }]);
    expect(m.affordances.invariants).toEqual(["never store secrets"]);
  });

  it("updates the ACTIVE medallion of the exact scope: same id, createdAt kept, merged by id, span widened", async () => {
    const first = await checkpoint({
      scope: { graphNodes: ["src/b", "src/a"], tags: ["x"] },
      evidence: {
        sessionSummary: "First session",
        sessionStartedAt: "2026-11-20T09:00:00.000Z",
        sessionEndedAt: "2026-11-20T10:00:00.000Z",
        artefacts: [
          { decisions: [{ id: "D-001", statement: "Use SQLite", confidence: 0.6 }, { id: "D-002", statement: "Keep WAL" }] },
          { openQuestions: [{ id: "Q-001", question: "Postgres too?" }, { id: "Q-002", question: "Backups?", priority: "LOW" }] },
        ],
      },
    });
    expect(first.medallion.decisions.map((d) => [d.decisionId, d.confidence])).toEqual([["D-001", 0.6], ["D-002", 0.5]]);

    // Same scope, written differently.
    const second = await checkpoint({
      scope: { graphNodes: ["./src/a/", "src/b"], tags: ["X"] },
      evidence: {
        sessionSummary: "Second session",
        sessionStartedAt: "2026-11-21T09:00:00.000Z",
        sessionEndedAt: "2026-11-21T10:00:00.000Z",
        artefacts: {
          decisions: [{ id: "D-001", statement: "Use SQLite and PostgreSQL", confidence: 0.9 }, { id: "D-003", statement: "Pin Prisma 6" }],
          openQuestions: [{ id: "Q-001", resolved: true }, { id: "Q-003", question: "Redis?" }],
          resolvedQuestions: ["Q-002"],
        },
      },
    });
    expect(second.created).toBe(false);
    const m = second.medallion;
    expect(m.medallionId).toBe(first.medallion.medallionId);
    expect(m.meta.createdAt).toBe(first.medallion.meta.createdAt);
    expect(m.meta.updatedAt >= m.meta.createdAt).toBe(true);
    expect(m.summary.highLevel).toBe("Second session");
    expect(m.decisions).toEqual([
      { decisionId: "D-001", statement: "Use SQLite and PostgreSQL", rationale: "", confidence: 0.9 },
      { decisionId: "D-002", statement: "Keep WAL", rationale: "", confidence: 0.5 },
      { decisionId: "D-003", statement: "Pin Prisma 6", rationale: "", confidence: 0.5 },
    ]);
    expect(m.openQuestions.map((q) => q.questionId)).toEqual(["Q-003"]);
    expect(m.meta.knowledgeMinTs).toBe("2026-11-20T09:00:00.000Z");
    expect(m.meta.knowledgeMaxTs).toBe("2026-11-21T10:00:00.000Z");
    expect((await all()).totalCount).toBe(1);

    // A different scope (a subset) is a different medallion.
    const other = await checkpoint({ scope: { graphNodes: ["src/a"], tags: ["x"] }, evidence: { sessionSummary: "Narrower" } });
    expect(other.created).toBe(true);
    expect((await all()).totalCount).toBe(2);
  });

  it("creates a new one when the matching medallion is no longer ACTIVE", async () => {
    const first = await checkpoint({ scope: { tags: ["ops"] }, evidence: { sessionSummary: "one" } });
    await t().app.services.medallions.setStatus(first.medallion.medallionId, "STALE");
    const second = await checkpoint({ scope: { tags: ["ops"] }, evidence: { sessionSummary: "two" } });
    expect(second.created).toBe(true);
    expect(second.medallion.medallionId).not.toBe(first.medallion.medallionId);
  });

  it("produces one medallion from concurrent checkpoints of one scope, keeping every session's decisions", async () => {
    const n = 8;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        checkpoint({
          scope: { graphNodes: ["src/race"], tags: ["race"] },
          evidence: { sessionSummary: `session ${i}`, artefacts: { decisions: [{ id: `D-${i}`, statement: `from session ${i}` }] } },
        }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.medallion.medallionId)).size).toBe(1);
    const list = await all();
    expect(list.totalCount).toBe(1);
    const final = await t().app.services.medallions.document(results[0]?.medallion.medallionId ?? "");
    // No lost update: each session's decision survived the merge.
    expect(final.decisions.map((d) => d.id).sort()).toEqual(Array.from({ length: n }, (_, i) => `D-${i}`).sort());
  });

  it("refuses bad evidence naming the field and the rule, writing nothing", async () => {
    const cases: [CheckpointSessionInput, RegExp][] = [
      [{ scope: { graphNodes: [], tags: [] }, evidence: { sessionSummary: "s" } }, /input\.scope: must name at least one graph node or tag/],
      [{ scope: { tags: ["a"] }, evidence: { sessionSummary: " " } }, /input\.evidence\.sessionSummary: must not be empty/],
      [{ scope: { tags: ["a"] }, evidence: { sessionSummary: "s", artefacts: 42 } }, /input\.evidence\.artefacts: must be a JSON object/],
      [
        { scope: { tags: ["a"] }, evidence: { sessionSummary: "s", artefacts: [{}, { decisions: [{ id: "D-1", statement: "x", confidence: 2 }] }] } },
        /input\.evidence\.artefacts\.1\.decisions\.0\.confidence: must be between 0\.0 and 1\.0/,
      ],
      [
        { scope: { tags: ["a"] }, evidence: { sessionSummary: "s", artefacts: { openQuestions: [{ id: "Q-1" }] } } },
        /input\.evidence\.artefacts\.openQuestions\.0\.question: is required unless resolved is true/,
      ],
      [
        { scope: { tags: ["a"] }, evidence: { sessionSummary: "s", artefacts: { openQuestions: [{ id: "Q-1", question: "q", priority: "URGENT" }] } } },
        /input\.evidence\.artefacts\.openQuestions\.0\.priority/,
      ],
      [
        { scope: { tags: ["a"] }, evidence: { sessionSummary: "s", sessionStartedAt: "2026-11-21T00:00:00Z", sessionEndedAt: "2026-11-20T00:00:00Z" } },
        /input\.evidence\.sessionEndedAt: must not be before sessionStartedAt/,
      ],
    ];
    for (const [input, message] of cases) {
      const err = (await t().execute(CheckpointSession, { input }, { token: "write" })).expectInvalidInput();
      expect(err.message).toMatch(message);
    }
    expect((await all()).totalCount).toBe(0);
  });

  it("refuses a merge that would break a rule, keeping the stored medallion", async () => {
    const scope = { tags: ["big"] };
    const decisions = (from: number) => Array.from({ length: 150 }, (_, i) => ({ id: `D-${from + i}`, statement: "s" }));
    await checkpoint({ scope, evidence: { sessionSummary: "one", artefacts: { decisions: decisions(0) } } });
    const res = (await t().execute(CheckpointSession, { input: { scope, evidence: { sessionSummary: "two", artefacts: { decisions: decisions(150) } } } }, { token: "write" })).expectNoErrors();
    expect(res.checkpointSession).toMatchObject({ __typename: "InvalidInputError", field: "input.evidence" });
    expect("message" in res.checkpointSession ? res.checkpointSession.message : "").toMatch(/decisions: must list at most 200 decisions/);
    const list = await all();
    expect(list.totalCount).toBe(1);
  });
});
