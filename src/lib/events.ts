// Domain events: published by services after their transaction commits, delivered to
// subscriptions through the pubsub (in-process or Redis). Payloads are plain JSON.

export type ArtifactChangeKind = "ADDED" | "UPDATED" | "REMOVED";

export interface ArtifactChangedEvent {
  kind: ArtifactChangeKind;
  artifactId: string;
  collectionId: string;
  key: string;
  at: string;
}

/** Event name → payload tuple. */
// A type alias, not an interface: yoga's pubsub needs it to be indexable by string.
export type EventMap = {
  "artifact:changed": [ArtifactChangedEvent];
};

export interface EventPublisher {
  publish<K extends keyof EventMap>(name: K, ...payload: EventMap[K]): void;
}
