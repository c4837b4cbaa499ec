// Full documents through the API: round trip, every validation rule (with nothing written),
// status changes, node(id) and scope-based authorisation.
import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";
import type { CreateMedallionInput } from "../gql/graphql.js";
import { CreateMedallion, MedallionById, Medallions, medallionInput, NodeById, SetMedallionStatus, UpdateMedallion } from "./documents.js";

describe("medallion documents", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());

  async function create(input: CreateMedallionInput) {
    const res = (await t().execute(CreateMedallion, { input }, { token: "write" })).expectNoErrors().createMedallion;
    if (res.__typename !== "CreateMedallionPayload") throw new Error(`${res.__typename}: ${"message" in res ? res.message : ""}`);
    return res.medallion;
  }

  async function total() {
    return (await t().execute(Medallions, { status: ["ACTIVE", "STALE", "SUPERSEDED"] }, { token: "read" })).expectNoErrors().medallions.totalCount;
  }

  it("round-trips a full medallion through the API", async () => {
    const input: CreateMedallionInput = {
      model: "claude-test",
      scope: { graphNodes: ["./src/auth/", "src/auth/tokens.ts", "src/auth"], tags: ["Auth", "security"] },
      summary: {
        highLevel: "Token auth is hashed at rest; scopes expand admin > write > read.",
        subsystems: [
          { name: "tokens", status: "STABLE", notes: "sha256 only" },
          { name: "sessions", status: "IN_PROGRESS" },
        ],
      },
      decisions: [
        { decisionId: "D-001", statement: "Store only token hashes", rationale: "A leak must not leak secrets", confidence: 0.9 },
        { decisionId: "D-002", statement: "No refresh tokens", confidence: 0.4 },
      ],
      openQuestions: [{ questionId: "Q-001", question: "Rotate tokens?", blockedOn: ["security review"], priority: "HIGH" }],
      affordances: { recommendedEntryPoints: ["src/auth/service.ts"], avoidRepeating: ["re-deriving scope rules"], invariants: ["admin ⊃ write ⊃ read"] },
      knowledgeMinTs: "2026-11-01T10:00:00.000Z",
      knowledgeMaxTs: "2026-11-01T12:00:00.000Z",
    };
    const m = await create(input);
    expect(m.medallionId).toMatch(/^med-[0-9a-f]{12}$/);
    expect(m.meta).toMatchObject({
      medallionId: m.medallionId,
      schemaVersion: "medallion.v1",
      model: "claude-test",
      status: "ACTIVE",
      knowledgeMinTs: "2026-11-01T10:00:00.000Z",
      knowledgeMaxTs: "2026-11-01T12:00:00.000Z",
    });
    expect(m.meta.createdAt).toBe(m.meta.updatedAt);
    // Normalised, de-duplicated, sorted.
    expect(m.scope).toEqual({ graphNodes: ["src/auth", "src/auth/tokens.ts"], tags: ["auth", "security"] });
    expect(m.summary.subsystems).toEqual([
      { name: "tokens", status: "STABLE", notes: "sha256 only" },
      { name: "sessions", status: "IN_PROGRESS", notes: "" },
    ]);
    expect(m.decisions).toEqual([
      { decisionId: "D-001", statement: "Store only token hashes", rationale: "A leak must not leak secrets", confidence: 0.9 },
      { decisionId: "D-002", statement: "No refresh tokens", rationale: "", confidence: 0.4 },
    ]);
    expect(m.openQuestions).toEqual([{ questionId: "Q-001", question: "Rotate tokens?", blockedOn: ["security review"], priority: "HIGH" }]);
    expect(m.affordances).toEqual(input.affordances);
    expect(m.supersededBy).toBeNull();

    const read = (await t().execute(MedallionById, { medallionId: m.medallionId }, { token: "read" })).expectNoErrors().medallion;
    expect(read).toEqual(m);
    expect(read?.document).toMatchObject({
      meta: { medallionId: m.medallionId, schemaVersion: "medallion.v1", status: "ACTIVE", supersededBy: null },
      scope: { graphNodes: ["src/auth", "src/auth/tokens.ts"], tags: ["auth", "security"] },
      decisions: [{ id: "D-001", confidence: 0.9 }, { id: "D-002" }],
      openQuestions: [{ id: "Q-001", priority: "HIGH", blockedOn: ["security review"] }],
    });

    const node = (await t().execute(NodeById, { id: m.id }, { token: "read" })).expectNoErrors().node;
    expect(node).toEqual({ __typename: "Medallion", medallionId: m.medallionId, summary: { highLevel: input.summary.highLevel } });
    expect((await t().execute(MedallionById, { medallionId: "med-000000000000" }, { token: "read" })).expectNoErrors().medallion).toBeNull();
  });

  it("imports meta (id, createdAt, updatedAt, status) and refuses a duplicate id or a second ACTIVE medallion of the same scope", async () => {
    const m = await create(
      medallionInput({
        medallionId: "med-0123456789ab",
        createdAt: "2026-10-01T00:00:00.000Z",
        updatedAt: "2026-10-02T00:00:00.000Z",
        scope: { graphNodes: ["src/x"] },
      }),
    );
    expect(m.meta).toMatchObject({ medallionId: "med-0123456789ab", createdAt: "2026-10-01T00:00:00.000Z", updatedAt: "2026-10-02T00:00:00.000Z" });

    const dupId = (await t().execute(CreateMedallion, { input: medallionInput({ medallionId: "med-0123456789ab" }) }, { token: "write" })).expectNoErrors();
    expect(dupId.createMedallion).toMatchObject({ __typename: "AlreadyExistsError", field: "medallionId", value: "med-0123456789ab" });

    const dupScope = (await t().execute(CreateMedallion, { input: medallionInput({ scope: { graphNodes: ["./src/x/"] } }) }, { token: "write" })).expectNoErrors();
    expect(dupScope.createMedallion).toMatchObject({ __typename: "AlreadyExistsError", field: "scope" });

    // A STALE one of the same scope may exist beside the ACTIVE one.
    await create(medallionInput({ scope: { graphNodes: ["src/x"] }, status: "STALE" }));
    expect(await total()).toBe(2);
  });

  const rules: [string, (i: CreateMedallionInput) => CreateMedallionInput, RegExp][] = [
    ["highLevel over 300", (i) => ({ ...i, summary: { highLevel: "x".repeat(301) } }), /input\.summary\.highLevel: must be at most 300 characters/],
    ["empty highLevel", (i) => ({ ...i, summary: { highLevel: "   " } }), /input\.summary\.highLevel: must not be empty/],
    ["confidence above 1", (i) => ({ ...i, decisions: [{ decisionId: "D-001", statement: "s", confidence: 1.01 }] }), /input\.decisions\.0\.confidence: must be between 0\.0 and 1\.0/],
    ["confidence below 0", (i) => ({ ...i, decisions: [{ decisionId: "D-001", statement: "s", confidence: -0.1 }] }), /input\.decisions\.0\.confidence: must be between 0\.0 and 1\.0/],
    ["bad decision id", (i) => ({ ...i, decisions: [{ decisionId: "1 bad", statement: "s", confidence: 0.5 }] }), /input\.decisions\.0\.decisionId: must be 1–64 letters/],
    [
      "duplicate decision id",
      (i) => ({ ...i, decisions: [{ decisionId: "D-001", statement: "a", confidence: 0.5 }, { decisionId: "D-001", statement: "b", confidence: 0.5 }] }),
      /input\.decisions\.1: duplicates the decision id "D-001"/,
    ],
    ["empty statement", (i) => ({ ...i, decisions: [{ decisionId: "D-001", statement: "", confidence: 0.5 }] }), /input\.decisions\.0\.statement: must not be empty/],
    [
      "duplicate question id",
      (i) => ({ ...i, openQuestions: [{ questionId: "Q-1", question: "a" }, { questionId: "Q-1", question: "b" }] }),
      /input\.openQuestions\.1: duplicates the question id "Q-1"/,
    ],
    ["empty question", (i) => ({ ...i, openQuestions: [{ questionId: "Q-1", question: "" }] }), /input\.openQuestions\.0\.question: must not be empty/],
    ["empty blockedOn item", (i) => ({ ...i, openQuestions: [{ questionId: "Q-1", question: "q", blockedOn: [""] }] }), /input\.openQuestions\.0\.blockedOn\.0: must not be empty/],
    [
      "duplicate subsystem",
      (i) => ({ ...i, summary: { highLevel: "h", subsystems: [{ name: "a" }, { name: "a" }] } }),
      /input\.summary\.subsystems\.1: duplicates the subsystem name "a"/,
    ],
    ["empty scope", (i) => ({ ...i, scope: { graphNodes: [], tags: [] } }), /input\.scope: must name at least one graph node or tag/],
    ["graph node that is only /", (i) => ({ ...i, scope: { graphNodes: ["/"] } }), /input\.scope\.graphNodes\.0: must name a graph node/],
    ["graph node with a control character", (i) => ({ ...i, scope: { graphNodes: ["src/\u0007"] } }), /input\.scope\.graphNodes\.0: must not contain control characters/],
    ["bad tag", (i) => ({ ...i, scope: { tags: ["has space"] } }), /input\.scope\.tags\.0: must be letters, digits/],
    ["too many graph nodes", (i) => ({ ...i, scope: { graphNodes: Array.from({ length: 101 }, (_, n) => `n${n}`) } }), /input\.scope\.graphNodes: must list at most 100 graph nodes/],
    ["knowledgeMaxTs before knowledgeMinTs", (i) => ({ ...i, knowledgeMaxTs: "2026-10-31T00:00:00.000Z" }), /input\.knowledgeMaxTs: must not be before knowledgeMinTs/],
    ["knowledge in the future", (i) => ({ ...i, knowledgeMaxTs: "2099-01-01T00:00:00.000Z" }), /input\.knowledgeMaxTs: must not be in the future/],
    [
      "updatedAt before createdAt",
      (i) => ({ ...i, createdAt: "2026-10-02T00:00:00.000Z", updatedAt: "2026-10-01T00:00:00.000Z" }),
      /input\.updatedAt: must not be before createdAt/,
    ],
    ["updatedAt without createdAt", (i) => ({ ...i, updatedAt: "2026-10-01T00:00:00.000Z" }), /input\.createdAt: is required when updatedAt is given/],
    ["bad medallionId", (i) => ({ ...i, medallionId: "med-XYZ" }), /input\.medallionId: must be med- followed by 12 lower-case hex digits/],
    ["empty model", (i) => ({ ...i, model: "" }), /input\.model: must not be empty/],
    ["empty affordance", (i) => ({ ...i, affordances: { invariants: [""] } }), /input\.affordances\.invariants\.0: must not be empty/],
  ];

  it.each(rules)("refuses %s, naming the field and the rule, and writes nothing", async (_name, breakIt, message) => {
    const res = await t().execute(CreateMedallion, { input: breakIt(medallionInput()) }, { token: "write" });
    // The union declares InvalidInputError: the refusal is that member, as data (#17).
    expect(res.expectInvalidInput().message).toMatch(message);
    expect(await total()).toBe(0);
  });

  it("applies the same rules in the service (the CLI's path)", async () => {
    const service = t().app.services.medallions;
    await expect(service.create(medallionInput({ summary: { highLevel: "x".repeat(301) } }))).rejects.toMatchObject({
      name: "InvalidInputError",
      field: "input.summary.highLevel",
    });
    await expect(service.checkpoint({ scope: { graphNodes: [] }, evidence: { sessionSummary: "s" } })).rejects.toMatchObject({
      field: "input.scope",
    });
    expect(await total()).toBe(0);
  });

  it("updates a full document: same id and createdAt, new content and scope; refuses bad input and unknown ids", async () => {
    const m = await create(medallionInput({ createdAt: "2026-10-01T00:00:00.000Z", decisions: [{ decisionId: "D-1", statement: "old", confidence: 0.2 }] }));
    const next = medallionInput({
      scope: { graphNodes: ["src/other"], tags: ["new"] },
      summary: { highLevel: "Replaced" },
      decisions: [{ decisionId: "D-2", statement: "new", confidence: 0.8 }],
    });
    const res = (await t().execute(UpdateMedallion, { medallionId: m.medallionId, input: next }, { token: "write" })).expectNoErrors().updateMedallion;
    if (res.__typename !== "UpdateMedallionPayload") throw new Error(res.__typename);
    expect(res.medallion).toMatchObject({
      medallionId: m.medallionId,
      meta: { createdAt: "2026-10-01T00:00:00.000Z" },
      scope: { graphNodes: ["src/other"], tags: ["new"] },
      summary: { highLevel: "Replaced" },
      decisions: [{ decisionId: "D-2", statement: "new" }],
    });
    expect(res.medallion.meta.updatedAt > m.meta.updatedAt).toBe(true);
    // The scope tables follow: the old scope no longer matches, the new one does.
    const byOld = (await t().execute(Medallions, { scope: { graphNodes: m.scope.graphNodes } }, { token: "read" })).expectNoErrors();
    expect(byOld.medallions.totalCount).toBe(0);
    const byNew = (await t().execute(Medallions, { scope: { tags: ["new"] } }, { token: "read" })).expectNoErrors();
    expect(byNew.medallions.edges.map((e) => e.node.medallionId)).toEqual([m.medallionId]);

    const bad = await t().execute(UpdateMedallion, { medallionId: m.medallionId, input: { ...next, summary: { highLevel: "" } } }, { token: "write" });
    expect(bad.expectInvalidInput().message).toMatch(/input\.summary\.highLevel: must not be empty/);
    const after = (await t().execute(MedallionById, { medallionId: m.medallionId }, { token: "read" })).expectNoErrors().medallion;
    expect(after?.summary.highLevel).toBe("Replaced");

    const missing = (await t().execute(UpdateMedallion, { medallionId: "med-aaaaaaaaaaaa", input: next }, { token: "write" })).expectNoErrors();
    expect(missing.updateMedallion).toMatchObject({ __typename: "NotFoundError", entity: "Medallion", key: "med-aaaaaaaaaaaa" });
  });

  it("sets status; SUPERSEDED may name a successor; re-activating refuses a second ACTIVE of the scope", async () => {
    const scope = { graphNodes: ["src/jobs"] };
    const old = await create(medallionInput({ scope }));
    const bad = (await t().execute(SetMedallionStatus, { medallionId: old.medallionId, status: "STALE", supersededBy: old.medallionId }, { token: "write" })).expectNoErrors();
    expect(bad.setMedallionStatus).toMatchObject({ __typename: "InvalidInputError", field: "supersededBy" });
    const self = (await t().execute(SetMedallionStatus, { medallionId: old.medallionId, status: "SUPERSEDED", supersededBy: old.medallionId }, { token: "write" })).expectNoErrors();
    expect(self.setMedallionStatus).toMatchObject({ __typename: "InvalidInputError", field: "supersededBy" });
    const ghost = (await t().execute(SetMedallionStatus, { medallionId: old.medallionId, status: "SUPERSEDED", supersededBy: "med-bbbbbbbbbbbb" }, { token: "write" })).expectNoErrors();
    expect(ghost.setMedallionStatus).toMatchObject({ __typename: "NotFoundError", key: "med-bbbbbbbbbbbb" });

    const stale = (await t().execute(SetMedallionStatus, { medallionId: old.medallionId, status: "STALE" }, { token: "write" })).expectNoErrors();
    expect(stale.setMedallionStatus).toMatchObject({ medallion: { meta: { status: "STALE" } } });
    const successor = await create(medallionInput({ scope }));
    const sup = (
      await t().execute(SetMedallionStatus, { medallionId: old.medallionId, status: "SUPERSEDED", supersededBy: successor.medallionId }, { token: "write" })
    ).expectNoErrors();
    expect(sup.setMedallionStatus).toMatchObject({ medallion: { meta: { status: "SUPERSEDED" }, supersededBy: { medallionId: successor.medallionId } } });

    const again = (await t().execute(SetMedallionStatus, { medallionId: old.medallionId, status: "ACTIVE" }, { token: "write" })).expectNoErrors();
    expect(again.setMedallionStatus).toMatchObject({ __typename: "AlreadyExistsError", field: "scope" });
    const unknown = (await t().execute(SetMedallionStatus, { medallionId: "med-cccccccccccc", status: "STALE" }, { token: "write" })).expectNoErrors();
    expect(unknown.setMedallionStatus).toMatchObject({ __typename: "NotFoundError", entity: "Medallion" });
  });

  it("needs write to change and read to look", async () => {
    const denied = await t().execute(CreateMedallion, { input: medallionInput() }, { token: "read" });
    expect(denied.expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
    const anon = await t().execute(CreateMedallion, { input: medallionInput() });
    expect(anon.expectErrors()[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await total()).toBe(0);
  });
});
