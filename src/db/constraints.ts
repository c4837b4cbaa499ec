// The one classifier of constraint violations. Prisma reports them as P2002 (unique) / P2003
// (foreign key) from its model API and as P2010 (raw query failed) from raw SQL, where the driver
// adapter's classification is in the error's meta; both providers' adapters classify the same way.
import { Prisma } from "../generated/prisma/client.js";

export type ConstraintKind = "unique" | "foreign-key";

function adapterCause(err: Prisma.PrismaClientKnownRequestError): Record<string, unknown> | null {
  const adapterError = err.meta?.driverAdapterError;
  if (typeof adapterError !== "object" || adapterError === null || !("cause" in adapterError)) return null;
  const cause = adapterError.cause;
  return typeof cause === "object" && cause !== null ? (cause as Record<string, unknown>) : null;
}

/** Which constraint refused a write, or null when the error is something else. */
export function constraintViolation(err: unknown): ConstraintKind | null {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return null;
  if (err.code === "P2002") return "unique";
  if (err.code === "P2003") return "foreign-key";
  const kind = adapterCause(err)?.kind;
  if (kind === "UniqueConstraintViolation") return "unique";
  if (kind === "ForeignKeyConstraintViolation") return "foreign-key";
  return null;
}

export function isUniqueViolation(err: unknown): boolean {
  return constraintViolation(err) === "unique";
}

/** An update or delete of a row that does not exist (Prisma's P2025). */
export function isRecordMissing(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2025";
}
