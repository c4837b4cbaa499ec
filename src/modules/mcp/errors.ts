// Expected failures of the MCP module (GraphQL types in ./schema-errors.ts).
import { DomainError } from "../../lib/errors.js";

/** A client settings file that cannot be changed safely (not JSON, wrong shape, unreadable). */
export class SettingsFileError extends DomainError {
  override name = "SettingsFileError";
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`The settings file ${path} ${reason}; it was left unchanged.`);
  }
}

/** Required environment variables are not set, so the server cannot be deployed. */
export class MissingEnvError extends DomainError {
  override name = "MissingEnvError";
  constructor(readonly names: string[]) {
    super(`Required environment variables are not set: ${names.join(", ")}. Set them with setMcpServerEnv first.`);
  }
}

/** Secret values cannot be stored or read (no key configured, or a different key). */
export class SecretKeyError extends DomainError {
  override name = "SecretKeyError";
  constructor(reason: string) {
    super(`Secrets are unavailable: ${reason}.`);
  }
}

/** The server's launch specification is not the one an admin approved: nothing is run, reached or deployed. */
export class LaunchNotApprovedError extends DomainError {
  override name = "LaunchNotApprovedError";
  constructor(readonly serverId: string) {
    super("The server's launch specification is not approved as it stands: an admin must review and approve it (approveMcpServerLaunch) before it is deployed or checked.");
  }
}
