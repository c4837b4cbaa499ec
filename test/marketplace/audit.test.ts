import { encodeGlobalID } from "@pothos/plugin-relay";
import { beforeEach, describe, expect, it } from "vitest";
import { GENESIS_HASH } from "../../src/modules/marketplace/audit.js";
import { graphql } from "../gql/index.js";
import { useTestApp } from "../helpers/app.js";

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
    const a = await t().app.services.artifacts.addArtifact({ type: "SKILL", name: "audited", origin: "LOCAL", metadata: { license: "MIT" } });
    await m.acceptAgreement({ name: "pub" }, "2026-11");
    const s = await m.publish({ name: "pub" }, { name: "audited-kit", description: "A kit that is audited.", version: "1.0.0", license: "MIT", artifactIds: [a.id] });
    await m.review({ name: "mod" }, s.id, "APPROVE", null);
    await m.createBroker({ name: "mod" }, { name: "partner", kind: "HTTP_FEED", url: "https://feed.example/f.json" });
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
    const db = t().app.database.prisma;
    const target = await db.auditEvent.findFirstOrThrow({ where: { eventType: "LICENSE_VALIDATED" } });
    await db.$executeRawUnsafe(`UPDATE "AuditEvent" SET "details" = '{"license":"GPL-3.0-only","valid":true}' WHERE "id" = ${target.id}`);
    const v = (await t().execute(Verify, {}, { token: "admin" })).expectNoErrors().verifyAuditLog;
    expect(v).toMatchObject({ ok: false, checked: 3, firstBroken: { id: encodeGlobalID("AuditEvent", String(target.id)), sequence: target.id, eventType: "LICENSE_VALIDATED" } });
    expect(v.reason).toMatch(/changed after it was written/);
  });

  it("names the event after one that was deleted from the chain", async () => {
    await someHistory();
    const db = t().app.database.prisma;
    const [, second, third] = await db.auditEvent.findMany({ orderBy: { id: "asc" } });
    if (!second || !third) throw new Error("missing events");
    await db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "id" = ${second.id}`);
    const v = (await t().execute(Verify, {}, { token: "admin" })).expectNoErrors().verifyAuditLog;
    expect(v).toMatchObject({ ok: false, firstBroken: { sequence: third.id } });
    expect(v.reason).toMatch(/previousHash/);
  });

  it("is for admins only", async () => {
    expect((await t().execute(AuditLog, {}, { token: "write" })).expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t().execute(Verify, {}, { token: "write" })).expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
