-- Marketplace search and facets at scale (hand-written: Prisma cannot express FTS5 or triggers).
--
-- 1. "MarketplaceFacetValue": every facet value (kind 'l' licence, 'p' publisher, 't' tag,
--    'b' broker id, '*' all listings) with the number of ACTIVE
--    listings that carry it, kept by the triggers below: whole-catalogue facets and counts read
--    it instead of grouping every listing. Ids are never reused while the row exists.
-- 2. The full-text table gets a fourth column, "facets": the ids of the listing's facet values
--    as tokens (kind and id: "l3 p41 b1 t7"), so a filter is a phrase ANDed into the MATCH (FTS5 intersects doclists) instead
--    of a join to every match. Queries address name/description/tags by a column filter, so user
--    words never reach "facets"; bm25 gives it weight 0. Only ACTIVE listings are indexed.
-- 3. "MarketplaceListingFacets": per ACTIVE listing (rid = the listing's rowid, as the FTS rowid)
--    its id, downloads, whether it is free (a filter that keeps most listings is cheaper here than
--    as an index phrase) and the same facet ids: the narrow row that ranking (tie-break on
--    downloads, then id) and facet counting read for each match, instead of the wide listing row.
-- A listing's contribution is removed with its old values and added with its new ones whenever
-- a searched or faceted column changes; tags (ListingTag rows) adjust it one tag at a time.

DROP TRIGGER "MarketplaceListing_search_insert";
DROP TRIGGER "MarketplaceListing_search_delete";
DROP TRIGGER "MarketplaceListing_search_update";
DROP TABLE "MarketplaceListingSearch";

CREATE TABLE "MarketplaceFacetValue" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX "MarketplaceFacetValue_kind_value_key" ON "MarketplaceFacetValue" ("kind", "value");
CREATE INDEX "MarketplaceFacetValue_kind_count_idx" ON "MarketplaceFacetValue" ("kind", "count" DESC, "value");

CREATE TABLE "MarketplaceListingFacets" (
    "rid" INTEGER NOT NULL PRIMARY KEY,
    "id" TEXT NOT NULL,
    "downloads" INTEGER NOT NULL,
    "free" BOOLEAN NOT NULL,
    "codes" TEXT NOT NULL
);

CREATE VIRTUAL TABLE "MarketplaceListingSearch" USING fts5(
    name,
    description,
    tags,
    facets,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- Exact-name matches rank first; this finds them without reading every match's name.
CREATE INDEX "MarketplaceListing_lower_name_idx" ON "MarketplaceListing" (lower("name"));

-- Backfill from the listings already stored.
INSERT INTO "MarketplaceFacetValue" ("kind", "value", "count")
    SELECT '*', '', COUNT(*) FROM "MarketplaceListing" WHERE "status" = 'ACTIVE';
INSERT INTO "MarketplaceFacetValue" ("kind", "value", "count")
    SELECT 'l', "license", COUNT(*) FROM "MarketplaceListing" WHERE "status" = 'ACTIVE' GROUP BY "license";
INSERT INTO "MarketplaceFacetValue" ("kind", "value", "count")
    SELECT 'p', "publisher", COUNT(*) FROM "MarketplaceListing" WHERE "status" = 'ACTIVE' GROUP BY "publisher";
INSERT INTO "MarketplaceFacetValue" ("kind", "value", "count")
    SELECT 'b', "brokerId", COUNT(*) FROM "MarketplaceListing" WHERE "status" = 'ACTIVE' GROUP BY "brokerId";
INSERT INTO "MarketplaceFacetValue" ("kind", "value", "count")
    SELECT 't', t."tag", COUNT(*) FROM "ListingTag" t JOIN "MarketplaceListing" l ON l."id" = t."listingId" WHERE l."status" = 'ACTIVE' GROUP BY t."tag";

INSERT INTO "MarketplaceListingFacets" ("rid", "id", "downloads", "free", "codes")
    SELECT x.rid, l."id", l."downloads", l."priceCents" = 0, group_concat(x.code, ' ')
    FROM (
        SELECT l.rowid AS rid, v."kind" || v."id" AS code FROM "MarketplaceListing" l JOIN "MarketplaceFacetValue" v ON v."kind" = 'l' AND v."value" = l."license" WHERE l."status" = 'ACTIVE'
        UNION ALL SELECT l.rowid, v."kind" || v."id" FROM "MarketplaceListing" l JOIN "MarketplaceFacetValue" v ON v."kind" = 'p' AND v."value" = l."publisher" WHERE l."status" = 'ACTIVE'
        UNION ALL SELECT l.rowid, v."kind" || v."id" FROM "MarketplaceListing" l JOIN "MarketplaceFacetValue" v ON v."kind" = 'b' AND v."value" = l."brokerId" WHERE l."status" = 'ACTIVE'
        UNION ALL SELECT l.rowid, v."kind" || v."id" FROM "ListingTag" t JOIN "MarketplaceListing" l ON l."id" = t."listingId" JOIN "MarketplaceFacetValue" v ON v."kind" = 't' AND v."value" = t."tag" WHERE l."status" = 'ACTIVE'
    ) x JOIN "MarketplaceListing" l ON l.rowid = x.rid
    GROUP BY x.rid;

INSERT INTO "MarketplaceListingSearch" (rowid, name, description, tags, facets)
    SELECT l.rowid, l."name", l."description", l."tagText", f."codes"
    FROM "MarketplaceListing" l JOIN "MarketplaceListingFacets" f ON f."rid" = l.rowid;

-- A listing's (kind, value) pairs are spelled out from NEW/OLD in each trigger (a trigger cannot
-- share a view over them), each looked up by ("kind", "value") so that the unique index is used.

CREATE TRIGGER "MarketplaceListing_facets_insert" AFTER INSERT ON "MarketplaceListing"
WHEN new."status" = 'ACTIVE' BEGIN
    INSERT OR IGNORE INTO "MarketplaceFacetValue" ("kind", "value")
        SELECT '*', '' UNION ALL SELECT 'l', new."license" UNION ALL SELECT 'p', new."publisher" UNION ALL SELECT 'b', new."brokerId"
        UNION ALL SELECT 't', "tag" FROM "ListingTag" WHERE "listingId" = new."id";
    UPDATE "MarketplaceFacetValue" SET "count" = "count" + 1 WHERE ("kind" = '*' AND "value" = '' OR "kind" = 'l' AND "value" = new."license" OR "kind" = 'p' AND "value" = new."publisher" OR "kind" = 'b' AND "value" = new."brokerId");
    UPDATE "MarketplaceFacetValue" SET "count" = "count" + 1 WHERE "kind" = 't' AND "value" IN (SELECT "tag" FROM "ListingTag" WHERE "listingId" = new."id");
    INSERT INTO "MarketplaceListingFacets" ("rid", "id", "downloads", "free", "codes")
        SELECT new.rowid, new."id", new."downloads", new."priceCents" = 0,
            (SELECT 'l' || "id" FROM "MarketplaceFacetValue" WHERE "kind" = 'l' AND "value" = new."license") || ' ' || (SELECT 'p' || "id" FROM "MarketplaceFacetValue" WHERE "kind" = 'p' AND "value" = new."publisher") || ' ' || (SELECT 'b' || "id" FROM "MarketplaceFacetValue" WHERE "kind" = 'b' AND "value" = new."brokerId")
            || coalesce((SELECT ' ' || group_concat('t' || "id", ' ') FROM "MarketplaceFacetValue" WHERE "kind" = 't' AND "value" IN (SELECT "tag" FROM "ListingTag" WHERE "listingId" = new."id")), '');
    INSERT INTO "MarketplaceListingSearch" (rowid, name, description, tags, facets)
        SELECT new.rowid, new."name", new."description", new."tagText", "codes" FROM "MarketplaceListingFacets" WHERE "rid" = new.rowid;
END;

-- Runs before the row goes, so that its tags (deleted after it by the cascade) are still there.
CREATE TRIGGER "MarketplaceListing_facets_delete" BEFORE DELETE ON "MarketplaceListing"
WHEN old."status" = 'ACTIVE' BEGIN
    UPDATE "MarketplaceFacetValue" SET "count" = "count" - 1 WHERE ("kind" = '*' AND "value" = '' OR "kind" = 'l' AND "value" = old."license" OR "kind" = 'p' AND "value" = old."publisher" OR "kind" = 'b' AND "value" = old."brokerId");
    UPDATE "MarketplaceFacetValue" SET "count" = "count" - 1 WHERE "kind" = 't' AND "value" IN (SELECT "tag" FROM "ListingTag" WHERE "listingId" = old."id");
    DELETE FROM "MarketplaceListingFacets" WHERE "rid" = old.rowid;
    DELETE FROM "MarketplaceListingSearch" WHERE rowid = old.rowid;
END;

-- A change to what is searched or faceted: take the old values out, put the new ones in.
CREATE TRIGGER "MarketplaceListing_facets_update" AFTER UPDATE OF "name", "description", "tagText", "license", "publisher", "brokerId", "priceCents", "status" ON "MarketplaceListing"
WHEN old."name" IS NOT new."name" OR old."description" IS NOT new."description" OR old."tagText" IS NOT new."tagText"
  OR old."license" IS NOT new."license" OR old."publisher" IS NOT new."publisher" OR old."brokerId" IS NOT new."brokerId"
  OR (old."priceCents" = 0) IS NOT (new."priceCents" = 0) OR old."status" IS NOT new."status" BEGIN
    UPDATE "MarketplaceFacetValue" SET "count" = "count" - 1 WHERE old."status" = 'ACTIVE' AND ("kind" = '*' AND "value" = '' OR "kind" = 'l' AND "value" = old."license" OR "kind" = 'p' AND "value" = old."publisher" OR "kind" = 'b' AND "value" = old."brokerId");
    UPDATE "MarketplaceFacetValue" SET "count" = "count" - 1 WHERE old."status" = 'ACTIVE' AND "kind" = 't' AND "value" IN (SELECT "tag" FROM "ListingTag" WHERE "listingId" = old."id");
    DELETE FROM "MarketplaceListingFacets" WHERE "rid" = old.rowid;
    DELETE FROM "MarketplaceListingSearch" WHERE rowid = old.rowid;
    INSERT OR IGNORE INTO "MarketplaceFacetValue" ("kind", "value")
        SELECT '*', '' WHERE new."status" = 'ACTIVE' UNION ALL SELECT 'l', new."license" WHERE new."status" = 'ACTIVE' UNION ALL SELECT 'p', new."publisher" WHERE new."status" = 'ACTIVE' UNION ALL SELECT 'b', new."brokerId" WHERE new."status" = 'ACTIVE'
        UNION ALL SELECT 't', "tag" FROM "ListingTag" WHERE "listingId" = new."id" AND new."status" = 'ACTIVE';
    UPDATE "MarketplaceFacetValue" SET "count" = "count" + 1 WHERE new."status" = 'ACTIVE' AND ("kind" = '*' AND "value" = '' OR "kind" = 'l' AND "value" = new."license" OR "kind" = 'p' AND "value" = new."publisher" OR "kind" = 'b' AND "value" = new."brokerId");
    UPDATE "MarketplaceFacetValue" SET "count" = "count" + 1 WHERE new."status" = 'ACTIVE' AND "kind" = 't' AND "value" IN (SELECT "tag" FROM "ListingTag" WHERE "listingId" = new."id");
    INSERT INTO "MarketplaceListingFacets" ("rid", "id", "downloads", "free", "codes")
        SELECT new.rowid, new."id", new."downloads", new."priceCents" = 0,
            (SELECT 'l' || "id" FROM "MarketplaceFacetValue" WHERE "kind" = 'l' AND "value" = new."license") || ' ' || (SELECT 'p' || "id" FROM "MarketplaceFacetValue" WHERE "kind" = 'p' AND "value" = new."publisher") || ' ' || (SELECT 'b' || "id" FROM "MarketplaceFacetValue" WHERE "kind" = 'b' AND "value" = new."brokerId")
            || coalesce((SELECT ' ' || group_concat('t' || "id", ' ') FROM "MarketplaceFacetValue" WHERE "kind" = 't' AND "value" IN (SELECT "tag" FROM "ListingTag" WHERE "listingId" = new."id")), '')
        WHERE new."status" = 'ACTIVE';
    INSERT INTO "MarketplaceListingSearch" (rowid, name, description, tags, facets)
        SELECT new.rowid, new."name", new."description", new."tagText", "codes" FROM "MarketplaceListingFacets" WHERE "rid" = new.rowid;
END;

-- Downloads only order results: the narrow row follows them without touching the index.
CREATE TRIGGER "MarketplaceListing_facets_downloads" AFTER UPDATE OF "downloads" ON "MarketplaceListing"
WHEN old."downloads" IS NOT new."downloads" BEGIN
    UPDATE "MarketplaceListingFacets" SET "downloads" = new."downloads" WHERE "rid" = new.rowid;
END;

-- A tag added to or removed from an ACTIVE listing: its count, and the listing's facet ids.
CREATE TRIGGER "ListingTag_facets_insert" AFTER INSERT ON "ListingTag"
WHEN EXISTS (SELECT 1 FROM "MarketplaceListing" WHERE "id" = new."listingId" AND "status" = 'ACTIVE') BEGIN
    INSERT OR IGNORE INTO "MarketplaceFacetValue" ("kind", "value") VALUES ('t', new."tag");
    UPDATE "MarketplaceFacetValue" SET "count" = "count" + 1 WHERE "kind" = 't' AND "value" = new."tag";
    UPDATE "MarketplaceListingFacets" SET "codes" = "codes" || ' ' || (SELECT 't' || "id" FROM "MarketplaceFacetValue" WHERE "kind" = 't' AND "value" = new."tag")
        WHERE "rid" = (SELECT rowid FROM "MarketplaceListing" WHERE "id" = new."listingId");
    UPDATE "MarketplaceListingSearch" SET facets = (SELECT f."codes" FROM "MarketplaceListingFacets" f WHERE f."rid" = "MarketplaceListingSearch".rowid)
        WHERE rowid = (SELECT rowid FROM "MarketplaceListing" WHERE "id" = new."listingId");
END;

CREATE TRIGGER "ListingTag_facets_delete" AFTER DELETE ON "ListingTag"
WHEN EXISTS (SELECT 1 FROM "MarketplaceListing" WHERE "id" = old."listingId" AND "status" = 'ACTIVE') BEGIN
    UPDATE "MarketplaceFacetValue" SET "count" = "count" - 1 WHERE "kind" = 't' AND "value" = old."tag";
    UPDATE "MarketplaceListingFacets" SET "codes" = trim(replace(' ' || "codes" || ' ', ' ' || (SELECT 't' || "id" FROM "MarketplaceFacetValue" WHERE "kind" = 't' AND "value" = old."tag") || ' ', ' '))
        WHERE "rid" = (SELECT rowid FROM "MarketplaceListing" WHERE "id" = old."listingId");
    UPDATE "MarketplaceListingSearch" SET facets = (SELECT f."codes" FROM "MarketplaceListingFacets" f WHERE f."rid" = "MarketplaceListingSearch".rowid)
        WHERE rowid = (SELECT rowid FROM "MarketplaceListing" WHERE "id" = old."listingId");
END;
