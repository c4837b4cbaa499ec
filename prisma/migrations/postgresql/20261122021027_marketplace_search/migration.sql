-- Marketplace full-text search (hand-written: Prisma cannot express expression indexes).
-- A GIN index on the weighted tsvector of name (A), tags (B) and description (C). Being an
-- expression over the row, it is kept in step with every write by PostgreSQL itself. Queries
-- must use exactly this expression (src/modules/marketplace/search-postgres.ts) to use the index.
CREATE INDEX "MarketplaceListing_search_idx" ON "MarketplaceListing" USING GIN ((
    setweight(to_tsvector('simple'::regconfig, "name"), 'A') ||
    setweight(to_tsvector('simple'::regconfig, "tagText"), 'B') ||
    setweight(to_tsvector('simple'::regconfig, "description"), 'C')
));
