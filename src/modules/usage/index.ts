// usage: usage events (owns UsageEvent): recorded for imports, deploys, undeploys, syncs, updates
// and installs; counted by artifact, project or day.
import "./events.js";
import type { UsageService } from "./service.js";

export { UsageService, type UsageBucket, type UsageGroupBy, type UsageQuery } from "./service.js";
export type { UsageRecordedEvent } from "./events.js";

declare module "../../lib/services.js" {
  interface Services {
    usage: UsageService;
  }
}
