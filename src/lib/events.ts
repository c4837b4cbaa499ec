// Domain events: published by services after their transaction commits, delivered to
// subscriptions through the pubsub (in-process or Redis). Payloads are plain JSON.
import type { JobSnapshot } from "../modules/jobs/snapshot.js";

export type ArtifactChangeKind = "ADDED" | "UPDATED" | "REMOVED";

export interface ArtifactChangedEvent {
  kind: ArtifactChangeKind;
  artifactId: string;
  collectionId: string;
  key: string;
  at: string;
}

/** A job's state after a stored event (dates as ISO strings, so it crosses Redis unchanged). */
export interface JobUpdatedEvent {
  sequence: number;
  type: "STATUS" | "PROGRESS";
  job: JobSnapshot;
}

export type McpHealthStatusName = "HEALTHY" | "DEGRADED" | "UNHEALTHY" | "UNKNOWN" | "NOT_DEPLOYED";

/** An MCP server's shown health status changed (a check, a deploy or an undeploy). */
export interface McpHealthChangedEvent {
  serverId: string;
  name: string;
  previousStatus: McpHealthStatusName;
  status: McpHealthStatusName;
  at: string;
}

/** Event name → payload tuple. */
// A type alias, not an interface: yoga's pubsub needs it to be indexable by string.
export type EventMap = {
  "artifact:changed": [ArtifactChangedEvent];
  /** One job's events, on a topic per job id. */
  "job:updated": [jobId: string, event: JobUpdatedEvent];
  /** Every job's events, for dashboards. */
  "jobs:updated": [JobUpdatedEvent];
  "mcp:health-changed": [McpHealthChangedEvent];
};

export interface EventPublisher {
  publish<K extends keyof EventMap>(name: K, ...payload: EventMap[K]): void;
}
