// collections: named sets of artifacts (owns the Collection table).
import type { CollectionService } from "./service.js";

export { COLLECTION_NAME, COLLECTION_NAME_RULE, CollectionService, DEFAULT_COLLECTION, type CreateCollectionInput } from "./service.js";

declare module "../../lib/services.js" {
  interface Services {
    collections: CollectionService;
  }
}
