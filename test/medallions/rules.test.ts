// Pure rules: summary cutting, scope normalisation and keys, the matching predicate, and the
// deterministic generator's merge.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evidenceSchema, medallionScopeSchema, normaliseGraphNode, type Evidence } from "../../src/modules/medallions/document.js";
import { cutAtWord, DeterministicGenerator } from "../../src/modules/medallions/generator.js";
import { scopeKey, scopeMatches } from "../../src/modules/medallions/scope.js";

const evidence = (value: unknown): Evidence => evidenceSchema.parse(value);
const now = new Date("2026-11-22T00:00:00.000Z");

describe("cutAtWord", () => {
  it("keeps short text and collapses whitespace", () => {
    expect(cutAtWord("  a \n b  ")).toBe("a b");
    expect(cutAtWord("x".repeat(300))).toBe("x".repeat(300));
  });
  it("cuts on a word boundary with an ellipsis, within the limit", () => {
    const text = `${"alpha ".repeat(60)}omega`;
    const cut = cutAtWord(text);
    expect(cut.length).toBeLessThanOrEqual(300);
    expect(cut.endsWith("alpha…")).toBe(true);
    expect(cut).not.toContain("alph…");
  });
  it("cuts one over-long word hard", () => {
    expect(cutAtWord("y".repeat(400))).toBe(`${"y".repeat(299)}…`);
  });
  it("never exceeds the limit and is a prefix of the flattened text (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 700 }), (s) => {
        const cut = cutAtWord(s);
        const flat = s.replace(/\s+/g, " ").trim();
        expect(cut.length).toBeLessThanOrEqual(300);
        expect(flat.startsWith(cut.replace(/…$/, ""))).toBe(true);
      }),
    );
  });
});

describe("scopes", () => {
  it("normalises graph nodes", () => {
    expect(normaliseGraphNode(" ./src/auth/ ")).toBe("src/auth");
    expect(normaliseGraphNode("src//auth\\tokens.ts")).toBe("src/auth/tokens.ts");
    expect(normaliseGraphNode("/")).toBe("/");
  });
  it("gives equal keys to equal scopes however they are written, and different keys otherwise", () => {
    const a = medallionScopeSchema.parse({ graphNodes: ["src/b", "./src/a/", "src/a"], tags: ["X", "y"] });
    const b = medallionScopeSchema.parse({ graphNodes: ["src/a", "src/b"], tags: ["y", "x", "x"] });
    expect(a).toEqual({ graphNodes: ["src/a", "src/b"], tags: ["x", "y"] });
    expect(scopeKey(a)).toBe(scopeKey(b));
    expect(scopeKey(a)).not.toBe(scopeKey({ graphNodes: ["src/a"], tags: ["x", "y"] }));
    // A node named like a tag is not the tag.
    expect(scopeKey({ graphNodes: ["x"], tags: [] })).not.toBe(scopeKey({ graphNodes: [], tags: ["x"] }));
  });
  it("matches subsets of graph nodes and any shared tag", () => {
    const own = { graphNodes: ["a", "b"], tags: ["t1", "t2"] };
    expect(scopeMatches({ graphNodes: ["a"], tags: [] }, own)).toBe(true);
    expect(scopeMatches({ graphNodes: ["a", "b"], tags: [] }, own)).toBe(true);
    expect(scopeMatches({ graphNodes: ["a", "c"], tags: [] }, own)).toBe(false);
    expect(scopeMatches({ graphNodes: ["a"], tags: ["t9", "t2"] }, own)).toBe(true);
    expect(scopeMatches({ graphNodes: ["a"], tags: ["t9"] }, own)).toBe(false);
    expect(scopeMatches({ graphNodes: [], tags: ["t1"] }, own)).toBe(true);
  });
});

describe("DeterministicGenerator", () => {
  const g = new DeterministicGenerator();
  const scope = { graphNodes: ["src/a"], tags: [] };

  it("is deterministic and names itself as the model", async () => {
    const e = evidence({ sessionSummary: "Did things", artefacts: { decisions: [{ id: "D-1", statement: "x" }] } });
    const one = await g.generate(scope, e, now);
    expect(await g.generate(scope, e, now)).toEqual(one);
    expect(one.model).toBe(g.name);
    expect(one.knowledgeMinTs).toEqual(now);
    expect(one.knowledgeMaxTs).toEqual(now);
  });

  it("merges by id on update: later statements replace, new ids append, resolved questions close, span widens", async () => {
    const base = await g.generate(
      scope,
      evidence({
        sessionSummary: "one",
        sessionStartedAt: "2026-11-10T00:00:00Z",
        sessionEndedAt: "2026-11-11T00:00:00Z",
        artefacts: {
          decisions: [{ id: "D-1", statement: "old", rationale: "why", confidence: 0.3 }],
          openQuestions: [{ id: "Q-1", question: "a?" }, { id: "Q-2", question: "b?", priority: "HIGH" }],
          subsystems: [{ name: "db", status: "IN_PROGRESS" }],
          avoidRepeating: ["x"],
        },
      }),
      now,
    );
    const next = await g.update(
      base,
      evidence({
        sessionSummary: "two",
        sessionStartedAt: "2026-11-09T00:00:00Z",
        sessionEndedAt: "2026-11-10T12:00:00Z",
        artefacts: [
          { decisions: [{ id: "D-1", statement: "new" }, { id: "D-2", statement: "more", confidence: 1 }] },
          { openQuestions: [{ id: "Q-2", question: "b, sharper?" }, { id: "Q-1", resolved: true }], subsystems: [{ name: "db", status: "STABLE" }] },
          { avoidRepeating: ["x", "y"] },
        ],
      }),
      now,
    );
    expect(next.summary.highLevel).toBe("two");
    // A later statement keeps the earlier rationale and confidence unless it restates them.
    expect(next.decisions).toEqual([
      { decisionId: "D-1", statement: "new", rationale: "why", confidence: 0.3 },
      { decisionId: "D-2", statement: "more", rationale: "", confidence: 1 },
    ]);
    expect(next.openQuestions).toEqual([{ questionId: "Q-2", question: "b, sharper?", blockedOn: [], priority: "HIGH" }]);
    expect(next.summary.subsystems).toEqual([{ name: "db", status: "STABLE", notes: "" }]);
    expect(next.affordances.avoidRepeating).toEqual(["x", "y"]);
    expect(next.knowledgeMinTs.toISOString()).toBe("2026-11-09T00:00:00.000Z");
    expect(next.knowledgeMaxTs.toISOString()).toBe("2026-11-11T00:00:00.000Z");
  });
});
