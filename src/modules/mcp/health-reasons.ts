// Why a health check was not healthy, classified: what every reader sees. The detail (process
// output, protocol errors) is kept truncated and shown to admins only: a checked program may print
// anything, secrets included.
export const HEALTH_REASONS = [
  "TIMEOUT",
  "SPAWN_FAILED",
  "EXITED",
  "OUTPUT_LIMIT",
  "HANDSHAKE_FAILED",
  "CONNECTION_FAILED",
  "TOOLS_LIST_FAILED",
  "SLOW",
  "MISSING_ENV",
  "SECRET_KEY",
  "NOT_RUNNABLE",
  "CANCELLED",
  "UNKNOWN",
] as const;
export type HealthReason = (typeof HEALTH_REASONS)[number];

export const REASON_TEXT: Record<HealthReason, string> = {
  TIMEOUT: "No answer within the time limit; the process was stopped.",
  SPAWN_FAILED: "The command could not be started.",
  EXITED: "The process exited before the handshake finished.",
  OUTPUT_LIMIT: "The process wrote more output than a check allows; it was stopped.",
  HANDSHAKE_FAILED: "The MCP handshake failed.",
  CONNECTION_FAILED: "The remote server could not be reached or refused the handshake.",
  TOOLS_LIST_FAILED: "It answered the handshake, but tools/list failed.",
  SLOW: "It answered, but slower than the configured threshold.",
  MISSING_ENV: "Required environment variables are not set.",
  SECRET_KEY: "Its secret values cannot be read with the configured key.",
  NOT_RUNNABLE: "The server has no package or remote that can be run or reached.",
  CANCELLED: "The check was cancelled.",
  UNKNOWN: "The check failed.",
};

/** Process output and error detail are stored at most this long. */
export const MAX_DETAIL_CHARS = 500;

export function reasonOf(value: unknown): HealthReason {
  return typeof value === "string" && (HEALTH_REASONS as readonly string[]).includes(value) ? (value as HealthReason) : "UNKNOWN";
}
