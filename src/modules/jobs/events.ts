// The jobs module's events: a job's state after each stored event (dates as ISO strings, so it
// crosses Redis unchanged), on a topic per job and on one for every job.
import type { JobSnapshot } from "./snapshot.js";

export interface JobUpdatedEvent {
  sequence: number;
  type: "STATUS" | "PROGRESS";
  job: JobSnapshot;
}

declare module "../../lib/events.js" {
  interface EventMap {
    /** One job's events, on a topic per job id. */
    "job:updated": [jobId: string, event: JobUpdatedEvent];
    /** Every job's events, for dashboards. */
    "jobs:updated": [JobUpdatedEvent];
  }
}
