// Broker sync: fetches an HTTP_FEED broker's JSON feed page by page and brings its listings in
// step. Honours the broker's rate limit, 429 + Retry-After, and ETag/If-None-Match (a 304 on the
// first page means nothing changed). Each entry is upserted in its own transaction, so a bad
// entry is skipped and reported, never half-written. Listings gone from the feed are withdrawn.
import { injectTraceHeaders, inSpan, SpanKind } from "../../lib/telemetry.js";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { Database } from "../../db/index.js";
import type { Broker } from "../../generated/prisma/client.js";
import { InvalidInputError } from "../../lib/errors.js";
import { defineJobKind } from "../jobs/index.js";
import { auditedTransaction } from "./audit.js";
import { describeZod, feedEntrySchema, feedPageSchema, RateWindow, rawEntryId, retryAfterMs } from "./feed.js";
import { upsertListing } from "./listings.js";

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

/**
 * Syncs one HTTP_FEED broker (MarketplaceService.syncBroker checks it may sync). `actor` is who
 * the audit trail records: a principal's name, or job:<id>.
 */
export async function syncFeed(db: Database, broker: Broker, actor: string, reporter: SyncReporter = {}, options: SyncOptions = {}): Promise<SyncResult> {
  if (!broker.url) throw new InvalidInputError("name", `broker "${broker.name}" has no feed URL`);
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
      // An outgoing call: a client span, and its traceparent sent along (the feed may trace too).
      const host = new URL(pageUrl).host;
      response = await inSpan("GET feed page", { "http.request.method": "GET", "server.address": host, "marketplace.broker": broker.name, "marketplace.page": page }, async (span) => {
        injectTraceHeaders(headers);
        const r = await doFetch(pageUrl, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        span?.setAttribute("http.response.status_code", r.status);
        return r;
      }, { kind: SpanKind.CLIENT });
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
      const rawId = rawEntryId(raw);
      // A listing still in the feed is not withdrawn, even when this copy of it is bad.
      if (rawId) seen.add(rawId);
      const entry = feedEntrySchema.safeParse(raw);
      if (!entry.success) {
        result.skipped.push({ page, index, id: rawId, reason: describeZod(entry.error) });
        continue;
      }
      const e = entry.data;
      try {
        await db.transaction(({ prisma: tx }) =>
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

  await auditedTransaction(db, async ({ prisma: tx }) => {
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

/** What the job kind needs of the marketplace service. */
export interface BrokerSyncer {
  syncBroker(name: string, actor: string, reporter?: SyncReporter): Promise<SyncResult>;
}

/** The marketplace.sync job kind: a broker sync with the job's progress and cancellation, recorded as job:<id>. */
export function marketplaceSyncKind(marketplace: BrokerSyncer) {
  return defineJobKind({
    name: "marketplace.sync",
    description: "Fetches an HTTP_FEED broker's feed page by page, upserts its listings and withdraws the ones that vanished.",
    input: syncInput,
    scope: "admin",
    maxAttempts: 3,
    run: (ctx) =>
      marketplace.syncBroker(ctx.input.broker, `job:${ctx.jobId}`, {
        signal: ctx.signal,
        progress: (percent, message) => ctx.progress(percent, { phase: "fetching", message }),
      }),
  });
}
