// Keyset cursors of listing search: the order, the page's last row's sort key values and its id,
// as opaque base64url JSON. A cursor only fits the order it came from.
import { InvalidInputError } from "../../lib/errors.js";
import type { ListingOrder } from "./search.js";

/** How a sort key's value is put into a cursor and taken back out. */
export type CursorValueKind = "number" | "date";

export interface CursorData {
  o: ListingOrder;
  v: (number | string)[];
  id: string;
}

export function encodeCursor(c: CursorData): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

/** The cursor's data, checked against the order and its sort keys; an InvalidInputError on `after` otherwise. */
export function decodeCursor(cursor: string, order: ListingOrder, kinds: readonly CursorValueKind[]): CursorData {
  const bad = () => new InvalidInputError("after", "is not a cursor from this search and order (start again without `after`)");
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (typeof parsed !== "object" || parsed === null) throw bad();
  const c = parsed as Partial<CursorData>;
  if (c.o !== order || typeof c.id !== "string" || !Array.isArray(c.v) || c.v.length !== kinds.length) throw bad();
  for (const [i, kind] of kinds.entries()) {
    const v = c.v[i];
    const ok = kind === "number" ? Number.isSafeInteger(v) : typeof v === "string" && !Number.isNaN(Date.parse(v));
    if (!ok) throw bad();
  }
  return { o: c.o, v: c.v, id: c.id };
}

/** A decoded sort key value (a number, or a Date for dates) as the cursor holds it. */
export function cursorValue(v: unknown, kind: CursorValueKind): number | string {
  if (kind === "date") return (v instanceof Date ? v : new Date(String(v))).toISOString();
  return Number(v);
}

/** A cursor's value as a statement parameter: dates back to Date. */
export function cursorParam(v: number | string | undefined, kind: CursorValueKind): number | Date | null {
  if (v === undefined) return null;
  return kind === "date" ? new Date(v) : Number(v);
}
