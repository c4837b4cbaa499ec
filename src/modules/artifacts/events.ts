// The artifacts module's events.

export type ArtifactChangeKind = "ADDED" | "UPDATED" | "REMOVED";

export interface ArtifactChangedEvent {
  kind: ArtifactChangeKind;
  artifactId: string;
  collectionId: string;
  key: string;
  at: string;
}

declare module "../../lib/events.js" {
  interface EventMap {
    "artifact:changed": [ArtifactChangedEvent];
  }
}
