import { encodeGlobalID } from "@pothos/plugin-relay";
import { beforeEach, describe, expect, it } from "vitest";
import { sql } from "../../src/db/index.js";
import { GENESIS_HASH } from "../../src/modules/marketplace/audit.js";
import { graphql } from "../gql/index.js";
import { useTestApp } from "../helpers/app.js";
import { testPrincipal } from "../helpers/principals.js";

const AuditLog = graphql(`
  query AuditLog($filter: AuditFilter, $first: Int) {
    auditLog(filter: $filter, first: $first) {
      totalCount
      edges { node { id sequence eventType actor subject details at previousHash eventHash } }
    }
  }
`);

const Verify = graphql(`
  query VerifyAudit {
    verifyAuditLog { ok checked reason firstBroken { id sequence eventType } }
  }
`);

describe("audit trail", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());

  async function someHistory() {
    const m = t().app.services.marketplace;
    const a = await t().app.services.artifacts.add({ type: "SKILL", name: "audited", origin: "LOCAL", metadata: { license: "MIT" } });
    const pub = testPrincipal("pub");
    const mod = testPrincipal("mod", ["admin"]);
    await m.acceptAgreement(pub, "2026-11");
    const s = await m.publish(pub, { name: "audited-kit", description: "A kit that is audited.", version: "1.0.0", license: "MIT", artifactIds: [a.id] });
    await m.review(mod, s.id, "APPROVE", null);
    await m.createBroker(mod, { name: "partner", kind: "HTTP_FEED", url: "https://feed.example/f.json" });
    return s;
  }

  it("records every step as a hash chain that verifies", async () => {
    const s = await someHistory();
    const log = (await t().execute(AuditLog, { first: 50 }, { token: "admin" })).expectNoErrors().auditLog;
    const events = [...log.edges.map((e) => e.node)].reverse();
    expect(events.map((e) => e.eventType)).toEqual(["CONSENT_ACCEPTED", "SUBMISSION_CREATED", "LICENSE_VALIDATED", "SUBMISSION_REVIEWED", "BROKER_CREATED"]);
    expect(events[3]).toMatchObject({ actor: "mod", subject: `submission:${s.id}`, details: { decision: "APPROVE", status: "APPROVED" } });
    expect(events[0]?.previousHash).toBe(GENESIS_HASH);
    for (let i = 1; i < events.length; i++) expect(events[i]?.previousHash).toBe(events[i - 1]?.eventHash);

    const filtered = (await t().execute(AuditLog, { filter: { subject: `submission:${s.id}` } }, { token: "admin" })).expectNoErrors();
    expect(filtered.auditLog.totalCount).toBe(3);
    expect((await t().execute(Verify, {}, { token: "admin" })).expectNoErrors().verifyAuditLog).toEqual({ ok: true, checked: 5, reason: null, firstBroken: null });
  });

  it("names the event that was edited directly in the database", async () => {
    await someHistory();
    const db = t().app.database;
    const target = await db.prisma.auditEvent.findFirstOrThrow({ where: { eventType: "LICENSE_VALIDATED" } });
    await db.sql.execute(sql`UPDATE "AuditEvent" SET "details" = '{"license":"GPL-3.0-only","valid":true}' WHERE "id" = ${target.id}`);
    const v = (await t().execute(Verify, {}, { token: "admin" })).expectNoErrors().verifyAuditLog;
    expect(v).toMatchObject({ ok: false, checked: 3, firstBroken: { id: encodeGlobalID("AuditEvent", String(target.id)), sequence: target.id, eventType: "LICENSE_VALIDATED" } });
    expect(v.reason).toMatch(/changed after it was written/);
  });

  it("names the event after one that was deleted from the chain", async () => {
    await someHistory();
    const db = t().app.database;
    const [, second, third] = await db.prisma.auditEvent.findMany({ orderBy: { id: "asc" } });
    if (!second || !third) throw new Error("missing events");
    await db.sql.execute(sql`DELETE FROM "AuditEvent" WHERE "id" = ${second.id}`);
    const v = (await t().execute(Verify, {}, { token: "admin" })).expectNoErrors().verifyAuditLog;
    expect(v).toMatchObject({ ok: false, firstBroken: { sequence: third.id } });
    expect(v.reason).toMatch(/previousHash/);
  });

  it("records a step once when the same consent or broker is created concurrently", async () => {
    const m = t().app.services.marketplace;
    const pub = testPrincipal("pub");
    const [a, b] = await Promise.all([m.acceptAgreement(pub, "2026-11"), m.acceptAgreement(pub, "2026-11")]);
    expect(b.id).toBe(a.id);
    const mod = testPrincipal("mod", ["admin"]);
    const created = await Promise.allSettled([0, 1].map(() => m.createBroker(mod, { name: "twin", kind: "LOCAL" })));
    expect(created.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(created.find((r) => r.status === "rejected")).toMatchObject({ reason: { name: "AlreadyExistsError" } });
    const events = await t().app.database.prisma.auditEvent.findMany({ orderBy: { id: "asc" }, select: { eventType: true } });
    expect(events.map((e) => e.eventType)).toEqual(["CONSENT_ACCEPTED", "BROKER_CREATED"]);
    expect((await m.verifyAuditLog()).ok).toBe(true);
  });

  it("is for admins only", async () => {
    expect((await t().execute(AuditLog, {}, { token: "write" })).expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t().execute(Verify, {}, { token: "write" })).expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
