// projects: folders artifacts are deployed into (owns Project and Deployment): deploy, undeploy,
// drift scans, sync and capture.
import "./events.js";
import type { ProjectService } from "./service.js";

export { ProjectService, type SyncStrategy, type ProjectStatus } from "./service.js";
export { DeployConflictError, ProjectPathError } from "./errors.js";
export { projectsScanKind, projectsScanScheduler, projectsSyncKind, PROJECTS_SCAN, PROJECTS_SYNC } from "./jobs.js";
export type { ProjectsConfig } from "./config.js";
export type { DeploymentChangedEvent, DeploymentStatusName } from "./events.js";

declare module "../../lib/services.js" {
  interface Services {
    projects: ProjectService;
  }
}
