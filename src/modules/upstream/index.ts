// upstream: git-imported artifacts' remotes: update checks (owns ArtifactUpstream) and updates
// through content's import.
import type { UpstreamService } from "./service.js";

export { UpstreamService, ACTIVITY_WINDOW_DAYS, type GitSource } from "./service.js";
export { upstreamCheckKind, upstreamCheckScheduler, upstreamUpdateKind, UPSTREAM_CHECK, UPSTREAM_UPDATE } from "./jobs.js";
export type { UpstreamConfig } from "./config.js";

declare module "../../lib/services.js" {
  interface Services {
    upstream: UpstreamService;
  }
}
