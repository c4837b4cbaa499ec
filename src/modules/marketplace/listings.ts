// Writing listings: the LOCAL broker, and creating or replacing a broker's listing with its tags
// and artifacts. Approvals (service.ts) and feed syncs (sync.ts) both write through here, inside
// their own transactions.
import { DbNull, type Prisma, type Tx } from "../../db/index.js";
import type { Broker, MarketplaceListing } from "../../generated/prisma/client.js";
import type { ArtifactType } from "../../generated/prisma/enums.js";
import { normaliseTags } from "./rules.js";

/** The broker that holds listings published here. */
export const LOCAL_BROKER = "local";

export interface ListingData {
  listingId: string;
  name: string;
  publisher: string;
  description: string;
  version: string;
  license: string;
  tags: string[];
  artifacts: { type: ArtifactType; name: string; artifactId?: string | null }[];
  priceCents?: number;
  sourceUrl?: string | null;
  bundleUrl?: string | null;
  homepage?: string | null;
  repository?: string | null;
  downloads?: number;
  rating?: number;
  signature?: string | null;
  /** SHA-256 (hex) and size of the bundle (or, for an MCP registry server, of its canonical server.json). */
  bundleSha256?: string | null;
  bundleSize?: number | null;
  /** The fingerprint of the key that signed the bundle. */
  signer?: string | null;
  /** How to install it (broker-specific: see install.ts). */
  install?: Prisma.InputJsonValue | null;
}

export function ensureLocalBroker(tx: Tx): Promise<Broker> {
  return tx.broker.upsert({ where: { name: LOCAL_BROKER }, create: { name: LOCAL_BROKER, kind: "LOCAL" }, update: {} });
}

/** Creates or replaces a listing of a broker, with its tags and artifacts; it becomes ACTIVE. */
export async function upsertListing(tx: Tx, brokerId: string, d: ListingData): Promise<MarketplaceListing> {
  const tags = normaliseTags(d.tags);
  const fields = {
    name: d.name,
    publisher: d.publisher,
    description: d.description,
    version: d.version,
    license: d.license,
    priceCents: d.priceCents ?? 0,
    sourceUrl: d.sourceUrl ?? null,
    bundleUrl: d.bundleUrl ?? null,
    homepage: d.homepage ?? null,
    repository: d.repository ?? null,
    ...(d.downloads !== undefined ? { downloads: d.downloads } : {}),
    ...(d.rating !== undefined ? { rating: d.rating } : {}),
    signature: d.signature ?? null,
    bundleSha256: d.bundleSha256 ?? null,
    bundleSize: d.bundleSize ?? null,
    signer: d.signer ?? null,
    install: d.install ?? DbNull,
    status: "ACTIVE" as const,
    withdrawnAt: null,
    tagText: tags.join(" "),
  };
  const artifacts = { createMany: { data: d.artifacts.map((a, position) => ({ position, type: a.type, name: a.name, artifactId: a.artifactId ?? null })) } };
  const existing = await tx.marketplaceListing.findUnique({
    where: { brokerId_listingId: { brokerId, listingId: d.listingId } },
    select: { id: true, tags: { select: { tag: true } } },
  });
  if (!existing) return tx.marketplaceListing.create({ data: { brokerId, listingId: d.listingId, ...fields, tags: { createMany: { data: tags.map((tag) => ({ tag })) } }, artifacts } });
  // Only the tags that changed are written: each tag row written re-indexes the listing for search
  // (SQLite triggers), and a sync re-sends mostly unchanged listings.
  const had = new Set(existing.tags.map((t) => t.tag));
  const added = tags.filter((t) => !had.has(t));
  const removed = [...had].filter((t) => !tags.includes(t));
  if (removed.length) await tx.listingTag.deleteMany({ where: { listingId: existing.id, tag: { in: removed } } });
  await tx.listingArtifact.deleteMany({ where: { listingId: existing.id } });
  return tx.marketplaceListing.update({
    where: { id: existing.id },
    data: { ...fields, artifacts, ...(added.length ? { tags: { createMany: { data: added.map((tag) => ({ tag })) } } } : {}) },
  });
}
