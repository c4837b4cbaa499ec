// The projects module's events.
export type DeploymentStatusName = "SYNCED" | "MODIFIED" | "OUTDATED" | "CONFLICTED" | "MISSING";

/** A deployment's status changed (found by a scan, or set by a deploy, sync or undeploy). */
export interface DeploymentChangedEvent {
  projectId: string;
  deploymentId: string;
  artifactId: string;
  /** null for a new deployment. */
  previousStatus: DeploymentStatusName | null;
  /** null once undeployed. */
  status: DeploymentStatusName | null;
  at: string;
}

declare module "../../lib/events.js" {
  interface EventMap {
    "projects:deployment-changed": [DeploymentChangedEvent];
  }
}
