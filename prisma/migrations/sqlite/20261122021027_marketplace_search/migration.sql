-- Marketplace full-text search (hand-written: Prisma cannot express FTS5).
-- An FTS5 index over listings' name, description and tags, its rowid being the listing's rowid,
-- kept in step with MarketplaceListing by triggers. Ranked with bm25 (name weighs most).
CREATE VIRTUAL TABLE "MarketplaceListingSearch" USING fts5(
    name,
    description,
    tags,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER "MarketplaceListing_search_insert" AFTER INSERT ON "MarketplaceListing" BEGIN
    INSERT INTO "MarketplaceListingSearch" (rowid, name, description, tags) VALUES (new.rowid, new."name", new."description", new."tagText");
END;

CREATE TRIGGER "MarketplaceListing_search_delete" AFTER DELETE ON "MarketplaceListing" BEGIN
    DELETE FROM "MarketplaceListingSearch" WHERE rowid = old.rowid;
END;

CREATE TRIGGER "MarketplaceListing_search_update" AFTER UPDATE OF "name", "description", "tagText" ON "MarketplaceListing" BEGIN
    UPDATE "MarketplaceListingSearch" SET name = new."name", description = new."description", tags = new."tagText" WHERE rowid = old.rowid;
END;

INSERT INTO "MarketplaceListingSearch" (rowid, name, description, tags)
    SELECT rowid, "name", "description", "tagText" FROM "MarketplaceListing";
