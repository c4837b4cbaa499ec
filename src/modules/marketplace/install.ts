// Installing a listing: its bundle (LOCAL: the file published here; HTTP_FEED: downloaded from its
// bundleUrl within a size limit and a timeout) checked against the listing's SHA-256 and signer and
// imported through sharing; a Claude Code plugin's skills, commands and agents imported through
// content from its git repository at the pinned commit; an MCP registry server registered in the
// MCP registry (where nothing runs until an admin approves its launch). Then, optionally, the
// artifacts are deployed into a project; the download is counted, audited and each installed
// artifact recorded as an INSTALL usage event. A job (marketplace.install) runs it.
import { createHash } from "node:crypto";
import { posix } from "node:path";
import { z } from "zod";
import type { Database } from "../../db/index.js";
import type { Broker, MarketplaceListing } from "../../generated/prisma/client.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { effectiveScopes, SYSTEM, type Principal } from "../../lib/principal.js";
import type { UsageSink } from "../../lib/usage.js";
import { artifactKey, type ArtifactService } from "../artifacts/index.js";
import { checkout, resolveUnder } from "../content/index.js";
import { defineJobKind } from "../jobs/index.js";
import { serverJsonSchema } from "../mcp/index.js";
import { BundleVerificationError, downloadBundle } from "../sharing/index.js";
import { auditedTransaction } from "./audit.js";
import { serverHash } from "./brokers/mcp-registry.js";
import { scanPlugin } from "./brokers/claude-plugins.js";
import { UnverifiedListingError, type InstallTrust } from "./errors.js";
import type { MarketplaceDeps } from "./service.js";

/** Where LOCAL listings' bundles are served: GET <prefix><listing name>. */
export const BUNDLE_ROUTE = "/marketplace/bundles/";

/** The signed bundle built when a listing was submitted. */
export interface SubmissionBundle {
  /** Its name in the bundles folder (<sha256>.skillmeat-pack). */
  file: string;
  sha256: string;
  size: number;
  signature: string;
  signer: string;
}

const bundleSchema = z.object({ file: z.string(), sha256: z.string(), size: z.number(), signature: z.string(), signer: z.string() });

/** A submission's bundle column read back; null when it has none. */
export function bundleOf(value: unknown): SubmissionBundle | null {
  const parsed = bundleSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The listing fields a published bundle sets (none when the submission has no bundle). */
export function listingBundle(name: string, bundle: SubmissionBundle | null) {
  if (!bundle) return {};
  return {
    bundleUrl: `${BUNDLE_ROUTE}${encodeURIComponent(name)}`,
    bundleSha256: bundle.sha256,
    bundleSize: bundle.size,
    signature: bundle.signature,
    signer: bundle.signer,
    install: { kind: "BUNDLE", file: bundle.file },
  };
}

/** How a listing installs, from its install column. */
export const installSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("BUNDLE"), file: z.string().optional(), url: z.string().optional() }),
  z.object({ kind: z.literal("CLAUDE_PLUGIN"), git: z.string(), ref: z.string().nullable(), path: z.string().nullable() }),
  z.object({ kind: z.literal("MCP_SERVER"), server: z.unknown() }),
]);
export type InstallSource = z.infer<typeof installSchema>;

export const INSTALL_STRATEGIES = ["MERGE", "FORK", "SKIP"] as const;
export type InstallStrategy = (typeof INSTALL_STRATEGIES)[number];

export const installInput = z.object({
  listing: z.string().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  strategy: z.enum(INSTALL_STRATEGIES),
  collection: z.string().min(1, "must not be empty").max(200).nullish(),
  /** A project's name or id. */
  deployTo: z.string().min(1, "must not be empty").max(200).nullish(),
  acceptUnverified: z.boolean().nullish(),
  /** Set only when an admin queued it: an unsigned bundle may then be accepted too. */
  acceptUnsigned: z.boolean().nullish(),
  /** Set only when an admin queued it: the job then acts with the admin scope (deploying hooks), else with write. */
  byAdmin: z.boolean().nullish(),
});
export type InstallInput = z.infer<typeof installInput>;

export interface InstallResult {
  listing: string;
  name: string;
  version: string;
  trust: InstallTrust;
  /** The signer's fingerprint, for a signed bundle. */
  signer: string | null;
  collection: string | null;
  items: { type: string; name: string; action: string; artifactId: string | null }[];
  /** The MCP server registered or updated (MCP_REGISTRY listings); it runs nothing until an admin approves its launch. */
  mcpServer: { id: string; name: string; approved: boolean } | null;
  deployments: { artifactId: string; project: string }[];
  downloads: number;
}

export type Progress = (percent: number, message: string) => Promise<void>;

export interface InstallOptions {
  /** Longest wait for a bundle download, in ms. */
  downloadTimeoutMs?: number;
  fetch?: typeof fetch;
}

const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

type ListingWithBroker = MarketplaceListing & { broker: Broker };

/** The trust tier a listing's content would have, before anything is downloaded (the job checks again). */
export async function expectedTrust(deps: MarketplaceDeps, listing: ListingWithBroker): Promise<{ tier: InstallTrust; reason: string }> {
  const source = sourceOf(listing);
  if (source.kind === "CLAUDE_PLUGIN") return { tier: "UNVERIFIED", reason: "a Claude Code plugin is files from a git repository, not a signed bundle" };
  if (source.kind === "MCP_SERVER") return { tier: "UNVERIFIED", reason: "an MCP registry server is a server.json from the registry, not a signed bundle" };
  if (!listing.signer) return { tier: "UNSIGNED", reason: "the listing names no signer" };
  const standing = await (await deps.sharing()).keys.standing(listing.signer);
  if (standing.status === "OWN" || standing.status === "TRUSTED") return { tier: "VERIFIED", reason: "signed by a trusted key" };
  if (standing.status === "REVOKED") throw new BundleVerificationError("REVOKED_KEY", "signature.json", `the listing's signer ${listing.signer} (${standing.name ?? "?"}) was revoked`);
  return { tier: "UNVERIFIED", reason: `the signer ${listing.signer} is not a trusted key (trustKey)` };
}

export function sourceOf(listing: MarketplaceListing): InstallSource {
  const parsed = installSchema.safeParse(listing.install);
  if (!parsed.success) throw new InvalidInputError("listing", `the listing "${listing.name}" publishes nothing to install (no bundle, plugin or server)`);
  return parsed.data;
}

/** Refuses an install that is not VERIFIED unless accepted (an UNSIGNED one also needs the admin's acceptUnsigned). */
export function checkTrust(listing: MarketplaceListing, trust: { tier: InstallTrust; reason: string }, input: Pick<InstallInput, "acceptUnverified" | "acceptUnsigned">): void {
  if (trust.tier === "VERIFIED") return;
  if (input.acceptUnverified !== true || (trust.tier === "UNSIGNED" && input.acceptUnsigned !== true)) throw new UnverifiedListingError(listing.id, trust.tier, trust.reason);
}

export class ListingInstaller {
  constructor(
    private readonly db: Database,
    private readonly artifacts: ArtifactService,
    private readonly deps: MarketplaceDeps,
    private readonly usage: () => UsageSink,
    private readonly options: InstallOptions = {},
  ) {}

  async listing(id: string): Promise<ListingWithBroker> {
    const listing = await this.db.prisma.marketplaceListing.findUnique({ where: { id }, include: { broker: true } });
    if (!listing) throw new NotFoundError("MarketplaceListing", id);
    if (listing.status !== "ACTIVE") throw new InvalidInputError("listing", `the listing "${listing.name}" was withdrawn`);
    return listing;
  }

  /** Checks an install before it is queued: the listing, its source, the project, the strategy and the trust it needs. */
  async check(input: InstallInput): Promise<ListingWithBroker> {
    const listing = await this.listing(input.listing);
    const source = sourceOf(listing);
    if (source.kind === "BUNDLE" && !listing.bundleSha256) throw new InvalidInputError("listing", `the listing "${listing.name}" records no bundle SHA-256 to check its bundle against (its broker must publish bundleSha256)`);
    if (source.kind === "MCP_SERVER" && input.deployTo) throw new InvalidInputError("deployTo", "an MCP server is not deployed into a project folder (deployMcpServer deploys it, once an admin approved its launch)");
    if (source.kind === "CLAUDE_PLUGIN" && input.strategy === "FORK") throw new InvalidInputError("strategy", "a plugin installs with MERGE (a new version of an existing artifact) or SKIP; FORK applies to bundles");
    if (source.kind === "MCP_SERVER" && input.strategy === "FORK") throw new InvalidInputError("strategy", "an MCP server installs with MERGE (replaces the registered server.json) or SKIP; FORK applies to bundles");
    if (input.collection && source.kind !== "MCP_SERVER") {
      await (await this.deps.collections()).resolve(input.collection).catch((err: unknown) => {
        throw err instanceof NotFoundError ? new InvalidInputError("collection", `there is no collection "${input.collection}" (createCollection)`) : err;
      });
    }
    if (input.deployTo) await this.project(input.deployTo);
    checkTrust(listing, await expectedTrust(this.deps, listing), input);
    return listing;
  }

  private async project(ref: string) {
    const projects = await this.deps.projects();
    try {
      return await projects.resolve({ name: ref });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      return projects.resolve({ id: ref }).catch(() => {
        throw new NotFoundError("Project", ref);
      });
    }
  }

  async install(actor: Principal, input: InstallInput, progress: Progress = async () => {}, signal?: AbortSignal): Promise<InstallResult> {
    const listing = await this.check(input);
    const source = sourceOf(listing);
    const project = input.deployTo ? await this.project(input.deployTo) : null;
    let result: Omit<InstallResult, "downloads" | "deployments">;
    if (source.kind === "BUNDLE") result = await this.installBundle(actor, listing, source, input, progress, signal);
    else if (source.kind === "CLAUDE_PLUGIN") result = await this.installPlugin(actor, listing, source, input, progress, signal);
    else result = await this.installServer(listing, source, input);
    await progress(85, "installed");

    const deployments: InstallResult["deployments"] = [];
    if (project) {
      const projects = await this.deps.projects();
      for (const item of result.items) {
        if (!item.artifactId || item.action === "SKIPPED") continue;
        await projects.deploy(actor, item.artifactId, project.id);
        deployments.push({ artifactId: item.artifactId, project: project.name });
      }
      await progress(95, `deployed into ${project.name}`);
    }
    const downloads = await auditedTransaction(this.db, async ({ prisma: tx }) => {
      const updated = await tx.marketplaceListing.update({ where: { id: listing.id }, data: { downloads: { increment: 1 } }, select: { downloads: true } });
      return {
        value: updated.downloads,
        audit: [
          {
            eventType: "LISTING_INSTALLED",
            actor: actor.name,
            subject: `listing:${listing.id}`,
            details: { broker: listing.broker.name, listingId: listing.listingId, version: listing.version, trust: result.trust, signer: result.signer, bundleSha256: listing.bundleSha256, items: result.items.length, project: project?.name ?? null },
          },
        ],
      };
    });
    const sink = this.usage();
    for (const item of result.items) if (item.artifactId && item.action !== "SKIPPED") await sink({ kind: "INSTALL", artifactId: item.artifactId, projectId: project?.id ?? null, actor: actor.name });
    await progress(100, `installed ${listing.name} ${listing.version}`);
    return { ...result, deployments, downloads };
  }

  private async installBundle(actor: Principal, listing: ListingWithBroker, source: Extract<InstallSource, { kind: "BUNDLE" }>, input: InstallInput, progress: Progress, signal?: AbortSignal) {
    const sharing = await this.deps.sharing();
    if (!listing.bundleSha256) throw new InvalidInputError("listing", `the listing "${listing.name}" records no bundle SHA-256 to check its bundle against`);
    let bytes: Buffer;
    if (source.file) {
      bytes = await sharing.readBundle(source.file);
    } else if (source.url) {
      await progress(10, `downloading ${source.url}`);
      // The sharing module's download (size limit, timeout, typed reasons), under the app's outbound policy.
      bytes = await downloadBundle(source.url, { maxBytes: sharing.config.maxBundleBytes, timeoutMs: this.options.downloadTimeoutMs ?? sharing.config.downloadTimeoutMs, ...(this.options.fetch ? { fetch: this.options.fetch } : {}) }, signal);
    } else {
      throw new InvalidInputError("listing", `the listing "${listing.name}" has no bundle to download`);
    }
    const got = sha256(bytes);
    if (got !== listing.bundleSha256) throw new BundleVerificationError("FILE_CHANGED", null, `the bundle's SHA-256 is ${got}, not the ${listing.bundleSha256} the listing records`);
    if (listing.bundleSize !== null && bytes.length !== listing.bundleSize) throw new BundleVerificationError("FILE_CHANGED", null, `the bundle is ${bytes.length} bytes, not the ${listing.bundleSize} the listing records`);
    const stored = await sharing.storeBundle(bytes);
    await progress(30, "verifying");
    // Verified once accepting everything but a revoked key or a bad signature, to learn its tier.
    const verified = await sharing.verifyBundle(stored.file, { allowUnsigned: true, allowUnknownSigner: true });
    const tier: InstallTrust = verified.trust === "OWN" || verified.trust === "TRUSTED" ? "VERIFIED" : verified.trust;
    checkTrust(listing, { tier, reason: tier === "UNSIGNED" ? "the bundle is not signed" : `the signer ${verified.signer} is not a trusted key (trustKey)` }, input);
    if (listing.signer && verified.signer !== listing.signer) throw new BundleVerificationError("UNKNOWN_KEY", "signature.json", `the bundle is signed by ${verified.signer ?? "nobody"}, not by the ${listing.signer} the listing names`);
    await progress(40, "importing");
    const imported = await sharing.importBundle(actor, {
      file: stored.file,
      collection: input.collection ?? null,
      strategy: input.strategy,
      allowUnsigned: tier === "UNSIGNED",
      allowUnknownSigner: tier === "UNVERIFIED",
    });
    const items = [];
    for (const item of imported.items) {
      const a = item.action === "SKIPPED" ? null : await this.artifacts.findByKey(actor, { type: item.type as never, name: item.name }, imported.collection);
      items.push({ ...item, artifactId: a?.id ?? null });
    }
    return { listing: listing.id, name: listing.name, version: listing.version, trust: tier, signer: verified.signer, collection: imported.collection, items, mcpServer: null };
  }

  private async installPlugin(actor: Principal, listing: ListingWithBroker, source: Extract<InstallSource, { kind: "CLAUDE_PLUGIN" }>, input: InstallInput, progress: Progress, signal?: AbortSignal) {
    const content = await this.deps.content();
    content.checkInput({ git: { url: source.git } });
    await progress(10, `cloning ${source.git}`);
    const co = await checkout(source.git, source.ref, signal);
    let found;
    try {
      found = await scanPlugin(await resolveUnder(co.dir, source.path ?? ".", source.path ?? "."));
    } finally {
      await co.remove();
    }
    if (found.length === 0) throw new InvalidInputError("listing", `the plugin "${listing.name}" holds no skills, commands or agents (skills/<name>/SKILL.md, commands/*.md, agents/*.md)`);
    const items: InstallResult["items"] = [];
    let collection: string | null = null;
    for (const [i, a] of found.entries()) {
      const existing = input.strategy === "SKIP" ? await this.artifacts.findByKey(actor, { type: a.type, name: a.name }, input.collection) : null;
      if (existing) {
        items.push({ type: a.type, name: a.name, action: "SKIPPED", artifactId: existing.id });
        continue;
      }
      // Pinned to the commit the clone resolved, so every file comes from the same tree.
      const r = await content.import(actor, { collection: input.collection ?? null, git: { url: source.git, ref: co.commit, path: source.path ? posix.join(source.path, a.path) : a.path }, type: a.type }, undefined, signal);
      collection = r.collection;
      items.push({ type: a.type, name: r.key.slice(r.key.indexOf(":") + 1), action: r.created ? "CREATED" : r.unchanged ? "UNCHANGED" : "MERGED", artifactId: r.artifactId });
      await progress(20 + Math.floor((60 * (i + 1)) / found.length), `imported ${artifactKey(a.type, a.name)}`);
    }
    return { listing: listing.id, name: listing.name, version: listing.version, trust: "UNVERIFIED" as const, signer: null, collection, items, mcpServer: null };
  }

  private async installServer(listing: ListingWithBroker, source: Extract<InstallSource, { kind: "MCP_SERVER" }>, input: InstallInput) {
    if (listing.bundleSha256 && serverHash(source.server) !== listing.bundleSha256) throw new BundleVerificationError("FILE_CHANGED", null, "the server.json differs from the one the listing's SHA-256 records");
    const doc = serverJsonSchema.safeParse(source.server);
    if (!doc.success) throw new InvalidInputError("listing", `the listing's server.json is not valid: ${doc.error.issues[0]?.message ?? "invalid"}`);
    const mcp = await this.deps.mcp();
    const existing = await mcp.registry.findByName(doc.data.name);
    let server;
    let action: string;
    if (!existing) {
      server = await mcp.register(doc.data);
      action = "CREATED";
    } else if (input.strategy === "SKIP") {
      server = existing;
      action = "SKIPPED";
    } else {
      server = await mcp.update(existing.id, doc.data);
      action = "MERGED";
    }
    const approved = server.approvedLaunchHash !== null && server.approvedLaunchHash === server.launchHash;
    return {
      listing: listing.id,
      name: listing.name,
      version: listing.version,
      trust: "UNVERIFIED" as const,
      signer: null,
      collection: null,
      items: [{ type: "MCP", name: server.name, action, artifactId: null }],
      mcpServer: { id: server.id, name: server.name, approved },
    };
  }
}

/** marketplace.install: downloads, checks and imports a listing, optionally deploys it. acceptUnsigned is only set when an admin queued it. */
export function marketplaceInstallKind(installer: ListingInstaller) {
  return defineJobKind({
    name: "marketplace.install",
    description: "Installs a marketplace listing: its bundle checked (SHA-256, signature, trust) and imported, a plugin's skills, commands and agents imported, or an MCP server registered; optionally deployed into a project.",
    input: installInput,
    scope: "write",
    maxAttempts: 1,
    run: (ctx) => {
      // The job acts with the scopes of whoever queued it, not the system's.
      const actor: Principal = { ...SYSTEM, name: ctx.createdBy ?? SYSTEM.name, scopes: effectiveScopes([ctx.input.byAdmin === true ? "admin" : "write"]) };
      return installer.install(actor, ctx.input, (percent, message) => ctx.progress(percent, { phase: "install", message }), ctx.signal);
    },
  });
}
