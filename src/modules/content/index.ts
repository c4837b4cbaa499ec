// content: artifacts' files (content-addressed blobs), versions, diffs, imports and the collection
// folder (owns ContentBlob, ArtifactVersion, ArtifactFile).
import type { ContentService } from "./service.js";

export { ContentService, classify, diffTrees, prepare, type FileDiff, type FileInfo, type ImportInput, type ImportResult } from "./service.js";
export { ContentRuleError } from "./errors.js";
export { contentImportKind } from "./import-job.js";
export { git, gitRefProblem, localPathOf, remoteActivity, type RemoteActivity } from "./git.js";
export { resolveUnder } from "./tree.js";
export type { ContentConfig } from "./config.js";

declare module "../../lib/services.js" {
  interface Services {
    content: ContentService;
  }
}
// Used by projects (deploys write artifacts' files into project folders the same way).
export { sha256, textOf } from "./hash.js";
export { readTree, safeRelative } from "./tree.js";
// Used by the marketplace (Claude Code plugin marketplaces are git repositories read like imports).
export { checkout, type Checkout } from "./git.js";
