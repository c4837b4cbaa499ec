// sharing: signed bundles and vaults (owns the SigningKey, TrustedKey and Vault tables): Ed25519 signing keys with the
// private key sealed, trusted keys, deterministic bundle export (a job) and verification.
import type { SharingService } from "./service.js";

export { SharingService, type ExportInput, type ExportResult, type ImportBundleResult, type VerifyOptions, type VerifyResult } from "./service.js";
export { BundleVerificationError, type BundleProblem } from "./errors.js";
export { sharingExportKind, sharingImportKind } from "./export-job.js";
export { sharingPullKind, sharingPushKind } from "./vault-jobs.js";
export { VaultError } from "./vault-store.js";
export type { VaultBundle, PullResult, PushResult } from "./vaults.js";
export type { SharingConfig } from "./config.js";
export { ShareLinkRefusedError, BundleDownloadError } from "./errors.js";
export { downloadBundle } from "./download.js";

declare module "../../lib/services.js" {
  interface Services {
    sharing: SharingService;
  }
}
export { SHARE_PATH } from "./links.js";
