// The projects module's expected failures. No GraphQL here: the CLI and job handlers use them too.
import { DomainError } from "../../lib/errors.js";

/** Files a deploy would write exist and were not written by skillgraph (or were edited since): nothing was changed. */
export class DeployConflictError extends DomainError {
  override name = "DeployConflictError";
  constructor(readonly files: string[]) {
    super(`${files.length} file(s) exist and were not written by this deployment: ${files.slice(0, 5).join(", ")}${files.length > 5 ? " …" : ""}. Nothing was changed; move them, or sync the deployment.`);
  }
}

/** A path in a project breaks a rule (a symlink on the way, a path leaving the project, a settings file that is not JSON). */
export class ProjectPathError extends DomainError {
  override name = "ProjectPathError";
  constructor(
    readonly path: string,
    readonly rule: string,
    detail: string,
  ) {
    super(`${path}: ${detail} (rule: ${rule})`);
  }
}
