-- AlterTable
ALTER TABLE "MarketplaceListing" ADD COLUMN "bundleSha256" TEXT;
ALTER TABLE "MarketplaceListing" ADD COLUMN "bundleSize" INTEGER;
ALTER TABLE "MarketplaceListing" ADD COLUMN "install" JSONB;
ALTER TABLE "MarketplaceListing" ADD COLUMN "signer" TEXT;

-- AlterTable
ALTER TABLE "Submission" ADD COLUMN "bundle" JSONB;

