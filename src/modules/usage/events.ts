// The usage module's events.
import type { UsageKind } from "../../lib/usage.js";

/** A usage event was recorded. */
export interface UsageRecordedEvent {
  id: string;
  kind: UsageKind;
  artifactId: string;
  projectId: string | null;
  actor: string | null;
  at: string;
}

declare module "../../lib/events.js" {
  interface EventMap {
    "usage:recorded": [UsageRecordedEvent];
  }
}
