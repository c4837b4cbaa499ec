// The marketplace's tamper-evident record: an append-only hash chain. Each event's hash covers
// its canonical content and the previous event's hash, so editing, deleting or reordering any
// stored event breaks the chain at that event, and verify() names it.
import { createHash } from "node:crypto";
import type { Database, Prisma, Transaction } from "../../db/index.js";
import { sql } from "../../db/index.js";
import type { AuditEvent } from "../../generated/prisma/client.js";
import { canonicalJson } from "./canonical-json.js";

export const GENESIS_HASH = "0".repeat(64);

export const AUDIT_EVENT_TYPES = [
  "CONSENT_ACCEPTED",
  "SUBMISSION_CREATED",
  "LICENSE_VALIDATED",
  "SUBMISSION_REVIEWED",
  "BROKER_CREATED",
  "BROKER_SYNCED",
  "LISTING_INSTALLED",
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export interface AuditEntry {
  eventType: AuditEventType;
  /** Who did it: a principal's name, or job:<id> for a job. */
  actor: string;
  /** What it is about, e.g. submission:<id>, broker:<name>. */
  subject: string;
  details: Record<string, unknown>;
}

/** A step's result and the audit entries that describe it. */
export interface Audited<T> {
  value: T;
  audit: AuditEntry[];
}

/** sha256 over the canonical JSON of the event's content and the previous hash. */
export function auditHash(e: { eventType: string; actor: string; subject: string; details: unknown; at: Date; previousHash: string }): string {
  const text = canonicalJson({
    eventType: e.eventType,
    actor: e.actor,
    subject: e.subject,
    details: e.details,
    at: e.at.toISOString(),
    previousHash: e.previousHash,
  });
  return createHash("sha256").update(text).digest("hex");
}

/** PostgreSQL advisory lock key that serialises appends (SQLite serialises write transactions itself). */
const APPEND_LOCK = 7_201_107;

/**
 * Appends events inside the caller's transaction, so the record and the change it describes
 * commit together. On PostgreSQL a transaction-scoped lock makes concurrent appends queue; the
 * unique previousHash would reject a fork anyway.
 */
export async function appendAudit(tx: Transaction, entries: AuditEntry[], now = new Date()): Promise<AuditEvent[]> {
  if (entries.length === 0) return [];
  // CAST: the lock function has a bigint and an (int, int) form; an untyped parameter picks neither.
  if (tx.sql.provider === "postgresql") await tx.sql.execute(sql`SELECT pg_advisory_xact_lock(CAST(${APPEND_LOCK} AS bigint))`);
  const last = await tx.prisma.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { eventHash: true } });
  let previousHash = last?.eventHash ?? GENESIS_HASH;
  const out: AuditEvent[] = [];
  for (const e of entries) {
    // Round-tripped so the hashed details are exactly what the database gives back.
    const details = JSON.parse(JSON.stringify(e.details)) as Prisma.InputJsonObject;
    const at = new Date(now.getTime());
    const eventHash = auditHash({ ...e, details, at, previousHash });
    out.push(await tx.prisma.auditEvent.create({ data: { eventType: e.eventType, actor: e.actor, subject: e.subject, details, at, previousHash, eventHash } }));
    previousHash = eventHash;
  }
  return out;
}

/** Runs a step in a transaction and appends its audit entries in the same one. */
export function auditedTransaction<T>(db: Database, step: (tx: Transaction) => Promise<Audited<T>>): Promise<T> {
  return db.transaction(async (tx) => {
    const { value, audit } = await step(tx);
    await appendAudit(tx, audit);
    return value;
  });
}

export interface AuditVerification {
  ok: boolean;
  /** Events checked, up to and including the broken one. */
  checked: number;
  /** The first event whose stored hash or link does not hold; null when the chain is intact. */
  firstBroken: AuditEvent | null;
  reason: string | null;
}

/** Walks the chain in order, in pages, and stops at the first broken link. */
export async function verifyAuditChain(db: Database, pageSize = 1000): Promise<AuditVerification> {
  let previousHash = GENESIS_HASH;
  let checked = 0;
  let afterId = 0;
  for (;;) {
    const page = await db.prisma.auditEvent.findMany({ where: { id: { gt: afterId } }, orderBy: { id: "asc" }, take: pageSize });
    for (const e of page) {
      checked++;
      if (e.previousHash !== previousHash) {
        return { ok: false, checked, firstBroken: e, reason: `previousHash does not match the eventHash of the event before it (expected ${previousHash})` };
      }
      const expected = auditHash(e);
      if (e.eventHash !== expected) {
        return { ok: false, checked, firstBroken: e, reason: "eventHash does not match the event's content: the event was changed after it was written" };
      }
      previousHash = e.eventHash;
      afterId = e.id;
    }
    if (page.length < pageSize) return { ok: true, checked, firstBroken: null, reason: null };
  }
}
