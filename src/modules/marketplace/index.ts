// marketplace: listings from brokers and their search, publishing through moderation, broker
// feeds and their sync, and the audit trail (owns the Broker, MarketplaceListing, ListingTag,
// ListingArtifact, Submission, PublisherConsent and AuditEvent tables, and the search index).
import type { MarketplaceService } from "./service.js";

export {
  MarketplaceService,
  type MarketplaceDeps,
  type AuditFilter,
  type CreateBrokerInput,
  type ListingPage,
} from "./service.js";
export { PUBLISHER_AGREEMENT_VERSION, type PublishInput, type ReviewDecision } from "./publishing.js";
export { LOCAL_BROKER, type ListingData } from "./listings.js";
export type { ListingFacets, ListingFilter, ListingOrder, ListingSearch, ListingSearchPage, ListingSearchParams } from "./search.js";
export type { AuditEntry, AuditEventType, AuditVerification } from "./audit.js";
export { marketplaceSyncKind, type SyncReporter, type SyncResult } from "./sync.js";
export { ConsentRequiredError, SubmissionStateError, UnverifiedListingError, type InstallTrust } from "./errors.js";
export { BUNDLE_ROUTE, marketplaceInstallKind, type InstallInput, type InstallResult } from "./install.js";

declare module "../../lib/services.js" {
  interface Services {
    marketplace: MarketplaceService;
  }
}
