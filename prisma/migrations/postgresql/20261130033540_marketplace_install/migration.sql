-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "BrokerKind" ADD VALUE 'CLAUDE_MARKETPLACE';
ALTER TYPE "BrokerKind" ADD VALUE 'MCP_REGISTRY';

-- AlterTable
ALTER TABLE "MarketplaceListing" ADD COLUMN     "bundleSha256" TEXT,
ADD COLUMN     "bundleSize" INTEGER,
ADD COLUMN     "install" JSONB,
ADD COLUMN     "signer" TEXT;

-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "bundle" JSONB;

