// Listings straight into the database (as an approval or a sync would write them), for search tests.
import type { Database } from "../../src/db/index.js";
import { upsertListing, type ListingData } from "../../src/modules/marketplace/listings.js";

export async function seedListings(db: Database, broker: string, listings: (Partial<ListingData> & { name: string })[]): Promise<string[]> {
  const b = await db.prisma.broker.upsert({
    where: { name: broker },
    create: { name: broker, kind: broker === "local" ? "LOCAL" : "HTTP_FEED", url: broker === "local" ? null : "https://feed.example/feed.json" },
    update: {},
  });
  const ids: string[] = [];
  for (const l of listings) {
    const row = await db.transaction(({ prisma: tx }) =>
      upsertListing(tx, b.id, {
        listingId: l.name,
        publisher: "acme",
        description: "",
        version: "1.0.0",
        license: "MIT",
        tags: [],
        artifacts: [{ type: "SKILL", name: `${l.name}-skill` }],
        ...l,
      }),
    );
    ids.push(row.id);
  }
  return ids;
}
