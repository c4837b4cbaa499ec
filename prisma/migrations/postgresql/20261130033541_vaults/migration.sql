-- CreateEnum
CREATE TYPE "VaultKind" AS ENUM ('FOLDER', 'GIT', 'S3');

-- CreateTable
CREATE TABLE "Vault" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "VaultKind" NOT NULL,
    "config" JSONB NOT NULL,
    "sealedCredentials" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT,

    CONSTRAINT "Vault_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Vault_name_key" ON "Vault"("name");

