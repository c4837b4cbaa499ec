// Broker sync: fetches an HTTP_FEED broker's JSON feed page by page and brings its listings in
// step. Honours the broker's rate limit, 429 + Retry-After, and ETag/If-None-Match (a 304 on the
// first page means nothing changed). Each entry is upserted in its own transaction, so a bad
// entry is skipped and reported, never half-written. Listings gone from the feed are withdrawn.
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { Db } from "../../db/client.js";
import { ArtifactType } from "../../generated/prisma/enums.js";
import { InvalidInputError } from "../../lib/errors.js";
import { defineJobKind } from "../jobs/registry.js";
import { parseLicense } from "./licenses.js";
import { isSemver, SEMVER_RULE } from "./rules.js";
import { isHttpUrl, upsertListing, type MarketplaceService } from "./service.js";

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
  bundleUrl: url.nullish(),
  homepage: url.nullish(),
  repository: url.nullish(),
  downloads: z.number().int().min(0).default(0),
  rating: z.number().min(0, "must be 0–5").max(5, "must be 0–5").default(0),
  signature: z.string().max(2000).nullish(),
});

const feedPageSchema = z.object({
  listings: z.array(z.unknown()),
  /** The next page's URL (absolute or relative to this one); null or absent on the last page. */
  nextPage: z.string().nullish(),
  totalPages: z.number().int().min(1).optional(),
});

export interface SkippedEntry {
  page: number;
  index: number;
  id: string | null;
  reason: string;
}

export interface SyncResult {
  broker: string;
  /** The first page answered 304 Not Modified: nothing was fetched or changed. */
  unchanged: boolean;
  pages: number;
  requests: number;
  upserted: number;
  withdrawn: number;
  skipped: SkippedEntry[];
  /** Times the feed said 429 and the sync waited for Retry-After. */
  throttled: number;
}

export interface SyncReporter {
  signal?: AbortSignal;
  progress?(percent: number, message: string): Promise<void>;
}

export interface SyncOptions {
  fetch?: typeof fetch;
  /** Longest Retry-After honoured, in ms; a longer one fails the sync (the job retries later). */
  maxRetryAfterMs?: number;
  maxRetries?: number;
  requestTimeoutMs?: number;
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

function describeZod(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

export async function syncBroker(db: Db, service: MarketplaceService, brokerName: string, actor: string, reporter: SyncReporter = {}, options: SyncOptions = {}): Promise<SyncResult> {
  const broker = await service.brokerByName(brokerName);
  if (broker.kind !== "HTTP_FEED" || !broker.url) throw new InvalidInputError("name", `broker "${broker.name}" is ${broker.kind}; only HTTP_FEED brokers sync`);
  if (!broker.enabled) throw new InvalidInputError("name", `broker "${broker.name}" is disabled`);
  const doFetch = options.fetch ?? fetch;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
  const maxRetries = options.maxRetries ?? 5;
  const window = new RateWindow(broker.rateLimit, broker.rateWindowMs);
  const signal = reporter.signal;
  const result: SyncResult = { broker: broker.name, unchanged: false, pages: 0, requests: 0, upserted: 0, withdrawn: 0, skipped: [], throttled: 0 };
  const seen = new Set<string>();
  let firstEtag: string | null = null;
  let next: string | null = broker.url;

  while (next) {
    const pageUrl: string = next;
    const page = result.pages + 1;
    let response: Response | null = null;
    for (let attempt = 0; ; attempt++) {
      const wait = window.delay();
      if (wait > 0) await sleep(wait, undefined, { signal });
      window.record();
      result.requests++;
      const headers: Record<string, string> = { accept: "application/json" };
      if (page === 1 && broker.etag) headers["if-none-match"] = broker.etag;
      const timeout = AbortSignal.timeout(options.requestTimeoutMs ?? 15_000);
      response = await doFetch(pageUrl, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      if (response.status !== 429) break;
      await response.body?.cancel();
      result.throttled++;
      const after = retryAfterMs(response.headers.get("retry-after")) ?? 1000;
      if (attempt >= maxRetries) throw new Error(`feed ${pageUrl} still answers 429 after ${maxRetries} retries`);
      if (after > maxRetryAfterMs) throw new Error(`feed ${pageUrl} asks to retry after ${Math.round(after / 1000)} s, longer than this sync waits`);
      await sleep(after, undefined, { signal });
    }
    if (page === 1 && response.status === 304) {
      result.unchanged = true;
      break;
    }
    if (!response.ok) throw new Error(`feed ${pageUrl} answered ${response.status} ${response.statusText}`);
    if (page === 1) firstEtag = response.headers.get("etag");
    const body = feedPageSchema.safeParse(await response.json().catch(() => null));
    if (!body.success) throw new Error(`feed ${pageUrl} is not a feed page: ${describeZod(body.error)}`);
    result.pages = page;

    for (const [index, raw] of body.data.listings.entries()) {
      const rawId = typeof raw === "object" && raw !== null && typeof (raw as { id?: unknown }).id === "string" ? (raw as { id: string }).id : null;
      // A listing still in the feed is not withdrawn, even when this copy of it is bad.
      if (rawId) seen.add(rawId);
      const entry = feedEntrySchema.safeParse(raw);
      if (!entry.success) {
        result.skipped.push({ page, index, id: rawId, reason: describeZod(entry.error) });
        continue;
      }
      const e = entry.data;
      try {
        await db.$transaction((tx) =>
          upsertListing(tx, broker.id, {
            listingId: e.id,
            name: e.name,
            publisher: e.publisher,
            description: e.description,
            version: e.version,
            license: e.license,
            tags: e.tags,
            artifacts: e.artifacts,
            priceCents: e.priceCents,
            sourceUrl: e.sourceUrl,
            bundleUrl: e.bundleUrl,
            homepage: e.homepage,
            repository: e.repository,
            downloads: e.downloads,
            rating: e.rating,
            signature: e.signature,
          }),
        );
        result.upserted++;
      } catch (err) {
        result.skipped.push({ page, index, id: e.id, reason: `could not be stored: ${err instanceof Error ? err.message.split("\n").at(-1) : String(err)}` });
      }
    }
    const total = body.data.totalPages;
    await reporter.progress?.(Math.min(95, total ? (page / total) * 95 : page * 10), `Page ${page}${total ? ` of ${total}` : ""}: ${result.upserted} listings stored, ${result.skipped.length} skipped`);
    next = body.data.nextPage ? new URL(body.data.nextPage, pageUrl).toString() : null;
  }

  await service.audited(async (tx) => {
    if (!result.unchanged) {
      const withdrawn = await tx.marketplaceListing.updateMany({
        where: { brokerId: broker.id, status: "ACTIVE", listingId: { notIn: [...seen] } },
        data: { status: "WITHDRAWN", withdrawnAt: new Date() },
      });
      result.withdrawn = withdrawn.count;
    }
    await tx.broker.update({ where: { id: broker.id }, data: { lastSyncedAt: new Date(), ...(result.unchanged ? {} : { etag: firstEtag }) } });
    const { skipped, ...counts } = result;
    return {
      value: null,
      audit: [{ eventType: "BROKER_SYNCED", actor, subject: `broker:${broker.name}`, details: { ...counts, skipped: skipped.length } }],
    };
  });
  await reporter.progress?.(100, result.unchanged ? "Feed not modified" : `Done: ${result.upserted} stored, ${result.skipped.length} skipped, ${result.withdrawn} withdrawn`);
  return result;
}

export const syncInput = z.object({ broker: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters") });

/** The marketplace.sync job kind: syncBroker with the job's progress and cancellation. */
export function marketplaceSyncKind(db: Db, service: MarketplaceService) {
  return defineJobKind({
    name: "marketplace.sync",
    description: "Fetches an HTTP_FEED broker's feed page by page, upserts its listings and withdraws the ones that vanished.",
    input: syncInput,
    scope: "admin",
    maxAttempts: 3,
    run: (ctx) =>
      syncBroker(db, service, ctx.input.broker, `job:${ctx.jobId}`, {
        signal: ctx.signal,
        progress: (percent, message) => ctx.progress(percent, { phase: "fetching", message }),
      }),
  });
}
