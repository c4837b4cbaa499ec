// The one classifier of constraint violations, whichever executor ran the statement: Prisma
// reports them as P2002 (unique) / P2003 (foreign key) from its model API and as P2010 (raw query
// failed) from raw SQL with the driver adapter's classification in the error's meta; the drivers
// themselves (the model-less executor, driver.ts) as SQLite result codes and PostgreSQL SQLSTATEs.
// Errors are recognised by their documented fields, not by class identity: the generated client
// and @prisma/client-runtime-utils each have their own copy of Prisma's error classes.

export type ConstraintKind = "unique" | "foreign-key";

type Fields = Record<string, unknown>;
const asObject = (v: unknown): Fields | null => (typeof v === "object" && v !== null ? (v as Fields) : null);

function prismaCode(err: Fields): string | null {
  return err.name === "PrismaClientKnownRequestError" && typeof err.code === "string" ? err.code : null;
}

/** Which constraint refused a write, or null when the error is something else. */
export function constraintViolation(error: unknown): ConstraintKind | null {
  const err = asObject(error);
  if (!err) return null;
  const code = prismaCode(err);
  if (code === "P2002") return "unique";
  if (code === "P2003") return "foreign-key";
  if (code === "P2010") {
    const kind = asObject(asObject(asObject(err.meta)?.driverAdapterError)?.cause)?.kind;
    if (kind === "UniqueConstraintViolation") return "unique";
    if (kind === "ForeignKeyConstraintViolation") return "foreign-key";
    return null;
  }
  // better-sqlite3's SqliteError and pg's DatabaseError (driver.ts).
  if (err.code === "SQLITE_CONSTRAINT_UNIQUE" || err.code === "SQLITE_CONSTRAINT_PRIMARYKEY" || err.code === "23505") return "unique";
  if (err.code === "SQLITE_CONSTRAINT_FOREIGNKEY" || err.code === "23503") return "foreign-key";
  return null;
}

export function isUniqueViolation(err: unknown): boolean {
  return constraintViolation(err) === "unique";
}

/** An update or delete of a row that does not exist (Prisma's P2025). */
export function isRecordMissing(error: unknown): boolean {
  const err = asObject(error);
  return err !== null && prismaCode(err) === "P2025";
}
