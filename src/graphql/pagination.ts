import { z } from "zod";

export const DEFAULT_PAGE_SIZE = 20;
/** The largest page a connection serves; more is an error, not a silent clamp. */
export const MAX_PAGE_SIZE = 100;

export const pageSize = z
  .number()
  .int()
  .min(0, "must be 0 or more")
  .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE} (the largest page); page with "after" for more`);

/** Options for `first`/`last` on every connection: validated, with the limit in the description. */
export const pageArgOptions = (which: "first" | "last") => ({
  description:
    which === "first"
      ? `Return at most this many items from the start (0–${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}).`
      : `Return at most this many items from the end (0–${MAX_PAGE_SIZE}).`,
  validate: pageSize,
});
