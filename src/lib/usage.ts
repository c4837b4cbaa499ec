// Usage events: what modules report when an artifact is imported, deployed, undeployed, synced,
// updated or installed. The usage module records them (src/modules/usage); a module that reports
// one only knows this sink, so this file knows no module.
export type UsageKind = "IMPORT" | "DEPLOY" | "UNDEPLOY" | "SYNC" | "UPDATE" | "INSTALL";

export interface UsageReport {
  kind: UsageKind;
  artifactId: string;
  projectId?: string | null;
  /** Who did it (token name, cli:user, system). */
  actor?: string | null;
}

/** Records a report after the change committed; never throws (a failure is logged). */
export type UsageSink = (report: UsageReport) => Promise<void>;

export const noUsage: UsageSink = async () => {};
