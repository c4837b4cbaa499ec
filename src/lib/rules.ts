// Small validation rules shared by several modules' inputs.
import { z } from "zod";

/** A colour as #RRGGBB. */
export const COLOR = /^#[0-9A-Fa-f]{6}$/;
export const COLOR_RULE = "must be a colour #RRGGBB";

/** A required string of 1 to `max` characters, with the messages every input uses. */
export function boundedText(max: number) {
  return z.string().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
}
