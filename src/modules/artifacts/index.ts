// artifacts: skills, commands, agents … kept in collections (owns the Artifact table).
import type { ArtifactService } from "./service.js";
import "./events.js";

export {
  ArtifactService,
  artifactOrder,
  type AddArtifactInput,
  type ArtifactFilter,
  type ArtifactMetadataInput,
  type ArtifactOrder,
  type ArtifactTagging,
  type ArtifactTrustRow,
  type CollectionChange,
  type CollectionChangeListener,
  type UpdateArtifactInput,
} from "./service.js";
export { ARTIFACT_TYPES, artifactKey, artifactNameProblem, parseArtifactKey, type ArtifactTypeName } from "./names.js";
export { formatSourceSpec, parseSourceSpec, type SourceSpec } from "./source-spec.js";
export type { ArtifactChangedEvent, ArtifactChangeKind } from "./events.js";
export { preloadedCollection, preloadedTags } from "./relations.js";

declare module "../../lib/services.js" {
  interface Services {
    artifacts: ArtifactService;
  }
}
