// tags: global labels and their links to artifacts (owns the Tag and ArtifactTag tables).
import type { TagService } from "./service.js";

export { newTagData, slugify, TagService, type TagInput } from "./service.js";

declare module "../../lib/services.js" {
  interface Services {
    tags: TagService;
  }
}
