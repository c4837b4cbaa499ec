-- AlterTable
ALTER TABLE "Collection" ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 0;

