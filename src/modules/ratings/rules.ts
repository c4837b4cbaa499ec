// The rating rules: what a rating may be, and how many a rater may give.
import { InvalidInputError, RateLimitExceededError } from "../../lib/errors.js";

export const RATE_LIMIT = 5;
export const RATE_WINDOW_MS = 24 * 60 * 60 * 1000;
export const MAX_FEEDBACK = 2000;
export const MAX_IMPORT_ROWS = 10_000;

export function checkRating(rating: number, field: string): void {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new InvalidInputError(field, "must be a whole number from 1 to 5");
}

export function checkFeedback(feedback: string | null | undefined, field: string): void {
  if (feedback != null && feedback.length > MAX_FEEDBACK) throw new InvalidInputError(field, `must be at most ${MAX_FEEDBACK} characters`);
}

/** Refuses a rating when the rater's window already holds RATE_LIMIT (recent: oldest first). */
export function checkRateLimit(recent: readonly { createdAt: Date }[], now: Date): void {
  const oldest = recent[0]?.createdAt;
  if (recent.length < RATE_LIMIT || !oldest) return;
  const retryAfterSeconds = Math.max(1, Math.ceil((oldest.getTime() + RATE_WINDOW_MS - now.getTime()) / 1000));
  throw new RateLimitExceededError(
    retryAfterSeconds,
    `You have rated this artifact ${RATE_LIMIT} times in the last 24 hours; try again in ${retryAfterSeconds} seconds.`,
  );
}
