// Broker sync: fetches a broker's listings and brings them in step: an HTTP_FEED broker's JSON feed
// page by page, an MCP_REGISTRY's /v0/servers by cursor, a CLAUDE_MARKETPLACE's marketplace.json
// (brokers/). Honours the broker's rate limit, 429 + Retry-After, and (feeds) ETag/If-None-Match
// (a 304 on the first page means nothing changed). Each entry is upserted in its own transaction, so a bad
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
import { readFile } from "node:fs/promises";
import type { Checkout } from "../content/index.js";
import { MARKETPLACE_FILE, marketplaceFileSchema, pluginEntrySchema, pluginInstall, pluginListing, scanPlugin, type PluginArtifact } from "./brokers/claude-plugins.js";
import { registryEntry, registryPageSchema, pageUrl, serversEndpoint } from "./brokers/mcp-registry.js";
import { upsertListing, type ListingData } from "./listings.js";
import { isHttpUrl } from "./rules.js";

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

/** A sync under way: the broker, what was seen and stored so far, and its rate window. */
interface Run {
  db: Database;
  broker: Broker;
  reporter: SyncReporter;
  options: SyncOptions;
  window: RateWindow;
  result: SyncResult;
  seen: Set<string>;
}

function startRun(db: Database, broker: Broker, reporter: SyncReporter, options: SyncOptions): Run {
  return {
    db,
    broker,
    reporter,
    options,
    window: new RateWindow(broker.rateLimit, broker.rateWindowMs),
    result: { broker: broker.name, unchanged: false, pages: 0, requests: 0, upserted: 0, withdrawn: 0, skipped: [], throttled: 0 },
    seen: new Set(),
  };
}

/** GETs a page within the broker's rate limit, waiting out 429s (Retry-After) up to the limits. */
async function get(run: Run, pageUrl: string, page: number, headers: Record<string, string>): Promise<Response> {
  const { broker, reporter, options, window, result } = run;
  const doFetch = options.fetch ?? fetch;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
  const maxRetries = options.maxRetries ?? 5;
  const signal = reporter.signal;
  for (let attempt = 0; ; attempt++) {
    const wait = window.delay();
    if (wait > 0) await sleep(wait, undefined, { signal });
    window.record();
    result.requests++;
    const sent = { ...headers };
    const timeout = AbortSignal.timeout(options.requestTimeoutMs ?? 15_000);
    // An outgoing call: a client span, and its traceparent sent along (the feed may trace too).
    const host = new URL(pageUrl).host;
    const response = await inSpan("GET feed page", { "http.request.method": "GET", "server.address": host, "marketplace.broker": broker.name, "marketplace.page": page }, async (span) => {
      injectTraceHeaders(sent);
      const r = await doFetch(pageUrl, { headers: sent, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      span?.setAttribute("http.response.status_code", r.status);
      return r;
    }, { kind: SpanKind.CLIENT });
    if (response.status !== 429) return response;
    await response.body?.cancel();
    result.throttled++;
    const after = retryAfterMs(response.headers.get("retry-after")) ?? 1000;
    if (attempt >= maxRetries) throw new Error(`feed ${pageUrl} still answers 429 after ${maxRetries} retries`);
    if (after > maxRetryAfterMs) throw new Error(`feed ${pageUrl} asks to retry after ${Math.round(after / 1000)} s, longer than this sync waits`);
    await sleep(after, undefined, { signal });
  }
}

/** Stores one listing in its own transaction; a failure is reported as skipped, never half-written. */
async function store(run: Run, page: number, index: number, listing: ListingData): Promise<void> {
  run.seen.add(listing.listingId);
  try {
    await run.db.transaction(({ prisma: tx }) => upsertListing(tx, run.broker.id, listing));
    run.result.upserted++;
  } catch (err) {
    run.result.skipped.push({ page, index, id: listing.listingId, reason: `could not be stored: ${err instanceof Error ? err.message.split("\n").at(-1) : String(err)}` });
  }
}

/** Withdraws what was not seen (unless nothing changed), stamps the broker and audits the sync. */
async function finish(run: Run, actor: string, etag: string | null): Promise<SyncResult> {
  const { db, broker, result, seen, reporter } = run;
  await auditedTransaction(db, async ({ prisma: tx }) => {
    if (!result.unchanged) {
      const withdrawn = await tx.marketplaceListing.updateMany({
        where: { brokerId: broker.id, status: "ACTIVE", listingId: { notIn: [...seen] } },
        data: { status: "WITHDRAWN", withdrawnAt: new Date() },
      });
      result.withdrawn = withdrawn.count;
    }
    await tx.broker.update({ where: { id: broker.id }, data: { lastSyncedAt: new Date(), ...(result.unchanged ? {} : { etag }) } });
    const { skipped, ...counts } = result;
    return {
      value: null,
      audit: [{ eventType: "BROKER_SYNCED", actor, subject: `broker:${broker.name}`, details: { ...counts, skipped: skipped.length } }],
    };
  });
  await reporter.progress?.(100, result.unchanged ? "Feed not modified" : `Done: ${result.upserted} stored, ${result.skipped.length} skipped, ${result.withdrawn} withdrawn`);
  return result;
}

/**
 * Syncs one HTTP_FEED broker (MarketplaceService.syncBroker checks it may sync). `actor` is who
 * the audit trail records: a principal's name, or job:<id>.
 */
export async function syncFeed(db: Database, broker: Broker, actor: string, reporter: SyncReporter = {}, options: SyncOptions = {}): Promise<SyncResult> {
  if (!broker.url) throw new InvalidInputError("name", `broker "${broker.name}" has no feed URL`);
  const run = startRun(db, broker, reporter, options);
  const { result } = run;
  let firstEtag: string | null = null;
  let next: string | null = broker.url;

  while (next) {
    const pageUrl: string = next;
    const page = result.pages + 1;
    const headers: Record<string, string> = { accept: "application/json" };
    if (page === 1 && broker.etag) headers["if-none-match"] = broker.etag;
    const response = await get(run, pageUrl, page, headers);
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
      if (rawId) run.seen.add(rawId);
      const entry = feedEntrySchema.safeParse(raw);
      if (!entry.success) {
        result.skipped.push({ page, index, id: rawId, reason: describeZod(entry.error) });
        continue;
      }
      const e = entry.data;
      // A bundle URL may be relative to the feed page; an install downloads it over http(s) only.
      const bundleUrl = e.bundleUrl ? new URL(e.bundleUrl, pageUrl).toString() : null;
      if (bundleUrl && !isHttpUrl(bundleUrl)) {
        result.skipped.push({ page, index, id: e.id, reason: "bundleUrl: must be an http(s) URL, absolute or relative to the feed" });
        continue;
      }
      await store(run, page, index, {
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
        bundleUrl,
        homepage: e.homepage,
        repository: e.repository,
        downloads: e.downloads,
        rating: e.rating,
        signature: e.signature,
        bundleSha256: e.bundleSha256,
        bundleSize: e.bundleSize,
        signer: e.signer,
        install: bundleUrl ? { kind: "BUNDLE", url: bundleUrl } : null,
      });
    }
    const total = body.data.totalPages;
    await reporter.progress?.(Math.min(95, total ? (page / total) * 95 : page * 10), `Page ${page}${total ? ` of ${total}` : ""}: ${result.upserted} listings stored, ${result.skipped.length} skipped`);
    next = body.data.nextPage ? new URL(body.data.nextPage, pageUrl).toString() : null;
  }
  return finish(run, actor, firstEtag);
}

/** Syncs an MCP_REGISTRY broker: GET /v0/servers page by page (metadata.nextCursor); each latest, active server becomes a listing. */
export async function syncMcpRegistry(db: Database, broker: Broker, actor: string, reporter: SyncReporter = {}, options: SyncOptions = {}): Promise<SyncResult> {
  if (!broker.url) throw new InvalidInputError("name", `broker "${broker.name}" has no registry URL`);
  const run = startRun(db, broker, reporter, options);
  const { result } = run;
  const endpoint = serversEndpoint(broker.url);
  let cursor: string | null = null;
  const cursors = new Set<string>();
  for (;;) {
    const url = pageUrl(endpoint, cursor);
    const page = result.pages + 1;
    const response = await get(run, url, page, { accept: "application/json" });
    if (!response.ok) throw new Error(`registry ${url} answered ${response.status} ${response.statusText}`);
    const body = registryPageSchema.safeParse(await response.json().catch(() => null));
    if (!body.success) throw new Error(`registry ${url} is not a /v0/servers page: ${describeZod(body.error)}`);
    result.pages = page;
    for (const [index, raw] of body.data.servers.entries()) {
      const entry = registryEntry(raw, endpoint);
      if (entry.id) run.seen.add(entry.id);
      if (entry.kind === "bad") result.skipped.push({ page, index, id: entry.id, reason: entry.reason });
      else if (entry.kind === "listing") await store(run, page, index, entry.listing);
    }
    await reporter.progress?.(Math.min(95, page * 10), `Page ${page}: ${result.upserted} servers stored, ${result.skipped.length} skipped`);
    const nextCursor = body.data.metadata?.nextCursor ?? null;
    if (!nextCursor) break;
    // A registry that hands back a cursor it gave before would page forever.
    if (cursors.has(nextCursor)) throw new Error(`registry ${endpoint} repeated the cursor ${nextCursor}`);
    cursors.add(nextCursor);
    cursor = nextCursor;
  }
  return finish(run, actor, null);
}

/** How a Claude Code plugin marketplace is read: content's git checkout, with its local-path rules. */
export interface PluginRepositories {
  /** Throws InvalidInputError when the URL may not be read (a local path outside SKILLGRAPH_IMPORT_ROOTS). */
  check(url: string): void;
  checkout(url: string, ref: string | null, signal?: AbortSignal): Promise<Checkout>;
  resolveUnder(root: string, target: string, label?: string): Promise<string>;
}

/**
 * Syncs a CLAUDE_MARKETPLACE broker: a git repository holding .claude-plugin/marketplace.json
 * (cloned at its default branch), or an http(s) URL of a marketplace.json. Each plugin becomes a
 * listing pinned to what it installs from (the marketplace's commit for a relative source).
 */
export async function syncClaudeMarketplace(db: Database, broker: Broker, actor: string, repos: PluginRepositories, reporter: SyncReporter = {}, options: SyncOptions = {}): Promise<SyncResult> {
  if (!broker.url) throw new InvalidInputError("name", `broker "${broker.name}" has no marketplace URL`);
  const run = startRun(db, broker, reporter, options);
  const { result } = run;
  const isJsonUrl = /^https?:\/\//i.test(broker.url) && /\.json$/i.test(new URL(broker.url).pathname);
  let raw: unknown;
  let co: Checkout | null = null;
  try {
    if (isJsonUrl) {
      const response = await get(run, broker.url, 1, { accept: "application/json" });
      if (!response.ok) throw new Error(`marketplace ${broker.url} answered ${response.status} ${response.statusText}`);
      raw = await response.json().catch(() => null);
    } else {
      repos.check(broker.url);
      await reporter.progress?.(5, "Cloning the marketplace");
      co = await repos.checkout(broker.url, null, reporter.signal);
      const file = await repos.resolveUnder(co.dir, MARKETPLACE_FILE, MARKETPLACE_FILE);
      raw = JSON.parse(await readFile(file, "utf8"));
    }
    const parsed = marketplaceFileSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${MARKETPLACE_FILE} of ${broker.url} is not a plugin marketplace: ${describeZod(parsed.error)}`);
    const file = parsed.data;
    result.pages = 1;
    const git = co ? broker.url : null;
    for (const [index, rawEntry] of file.plugins.entries()) {
      const rawId = rawEntryId({ id: typeof rawEntry === "object" && rawEntry && "name" in rawEntry ? rawEntry.name : null });
      if (rawId) run.seen.add(rawId);
      const entry = pluginEntrySchema.safeParse(rawEntry);
      if (!entry.success) {
        result.skipped.push({ page: 1, index, id: rawId, reason: describeZod(entry.error) });
        continue;
      }
      const install = pluginInstall(entry.data, file, { git, commit: co?.commit ?? null });
      if (typeof install === "string") {
        result.skipped.push({ page: 1, index, id: entry.data.name, reason: install });
        continue;
      }
      // A plugin in this repository is scanned now; one in a repository of its own when installed.
      let artifacts: PluginArtifact[] = [];
      if (co && install.git === git) {
        try {
          artifacts = await scanPlugin(await repos.resolveUnder(co.dir, install.path ?? ".", install.path ?? "."));
        } catch (err) {
          result.skipped.push({ page: 1, index, id: entry.data.name, reason: `source: ${err instanceof Error ? err.message : String(err)}` });
          continue;
        }
      }
      await store(run, 1, index, pluginListing(entry.data, file, install, artifacts.map(({ type, name }) => ({ type, name })), broker.url));
    }
  } finally {
    await co?.remove();
  }
  await reporter.progress?.(95, `${result.upserted} plugins stored, ${result.skipped.length} skipped`);
  return finish(run, actor, null);
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
    description: "Syncs a broker (HTTP_FEED feed, CLAUDE_MARKETPLACE plugin marketplace, MCP_REGISTRY /v0/servers) page by page, upserts its listings and withdraws the ones that vanished.",
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
