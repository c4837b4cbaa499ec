// An HTTP_FEED broker's feed, the pure part: the shape of a page and of a listing in it, the
// broker's request rate window, and Retry-After.
import { z } from "zod";
import { ArtifactType } from "../../generated/prisma/enums.js";
import { parseLicense } from "./licenses.js";
import { isHttpUrl, isSemver, SEMVER_RULE } from "./rules.js";

const url = z.string().max(2000).refine(isHttpUrl, "must be an http(s) URL");

/** One listing in a feed. */
export const feedEntrySchema = z.object({
  id: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  name: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  publisher: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  description: z.string().max(5000, "must be at most 5000 characters").default(""),
  version: z.string().refine(isSemver, SEMVER_RULE),
  license: z.string().refine((l) => parseLicense(l).ok, "must be a valid SPDX licence expression"),
  tags: z.array(z.string().max(64)).max(50).default([]),
  artifacts: z.array(z.object({ type: z.enum(ArtifactType), name: z.string().min(1).max(200) })).max(500).default([]),
  priceCents: z.number().int().min(0).default(0),
  sourceUrl: url.nullish(),
  /** Absolute, or relative to the feed page (resolved when stored). */
  bundleUrl: z.string().min(1).max(2000).nullish(),
  homepage: url.nullish(),
  repository: url.nullish(),
  downloads: z.number().int().min(0).default(0),
  rating: z.number().min(0, "must be 0–5").max(5, "must be 0–5").default(0),
  signature: z.string().max(2000).nullish(),
  /** The bundle's SHA-256 (hex) and size: installListing refuses a download that differs. */
  bundleSha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits").nullish(),
  bundleSize: z.number().int().min(0).nullish(),
  /** The fingerprint of the key that signed the bundle. */
  signer: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits").nullish(),
});

export const feedPageSchema = z.object({
  listings: z.array(z.unknown()),
  /** The next page's URL (absolute or relative to this one); null or absent on the last page. */
  nextPage: z.string().nullish(),
  totalPages: z.number().int().min(1).optional(),
});

/** A feed entry's id when it has one, even when the rest of the entry is bad. */
export function rawEntryId(raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null || !("id" in raw)) return null;
  return typeof raw.id === "string" ? raw.id : null;
}

/** A sliding window of request start times: at most `limit` starts in any `windowMs`. */
export class RateWindow {
  private readonly starts: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds to wait before the next request may start. */
  delay(): number {
    const t = this.now();
    while (this.starts.length && (this.starts[0] ?? 0) <= t - this.windowMs) this.starts.shift();
    if (this.starts.length < this.limit) return 0;
    return (this.starts[0] ?? t) + this.windowMs - t;
  }

  record(): void {
    this.starts.push(this.now());
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export function describeZod(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}
