// A deployment's status from what is on disk and what the collection holds. Pure.
import type { DeploymentStatusName } from "./events.js";

/**
 * MISSING: a deployed file is gone. MODIFIED: a file's hash differs from the one written.
 * OUTDATED: the artifact has a newer version than the deployed one. CONFLICTED: both.
 */
export function driftStatus(recorded: readonly { path: string; sha256: string }[], onDisk: ReadonlyMap<string, string | null>, outdated: boolean): DeploymentStatusName {
  let missing = false;
  let modified = false;
  for (const f of recorded) {
    const now = onDisk.get(f.path);
    if (now === null || now === undefined) missing = true;
    else if (now !== f.sha256) modified = true;
  }
  if (missing) return "MISSING";
  if (modified && outdated) return "CONFLICTED";
  if (modified) return "MODIFIED";
  if (outdated) return "OUTDATED";
  return "SYNCED";
}

const RANK: Record<DeploymentStatusName, number> = { SYNCED: 0, OUTDATED: 1, MODIFIED: 2, CONFLICTED: 3, MISSING: 4 };

/** A project's status: its worst deployment's (SYNCED with none). */
export function worstStatus(statuses: readonly DeploymentStatusName[]): DeploymentStatusName {
  return statuses.reduce<DeploymentStatusName>((w, s) => (RANK[s] > RANK[w] ? s : w), "SYNCED");
}
