// Expected failures, thrown by services and returned to GraphQL clients as typed union members
// (src/graphql/errors.ts). No GraphQL imports here: the CLI and tests use these too.

export class DomainError extends Error {
  override name = "DomainError";
}

/** A bad environment variable or command-line setting; the message names each one and its rule. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Something named by the caller does not exist (or is not visible to them). */
export class NotFoundError extends DomainError {
  override name = "NotFoundError";
  constructor(
    readonly entity: string,
    readonly key: string,
  ) {
    super(`${entity} "${key}" was not found.`);
  }
}

/** A create or rename would break a uniqueness rule. */
export class AlreadyExistsError extends DomainError {
  override name = "AlreadyExistsError";
  constructor(
    readonly entity: string,
    readonly field: string,
    readonly value: string,
  ) {
    super(`${entity} with ${field} "${value}" already exists.`);
  }
}

/** A value breaks a domain rule; `field` is the input path, e.g. "input.source". */
export class InvalidInputError extends DomainError {
  override name = "InvalidInputError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** One rule an input value breaks: the input path and the rule, in words. */
export interface InputIssue {
  field: string;
  message: string;
}

/**
 * Input that fails its field's validation rules, every issue at once. An InvalidInputError, so a
 * mutation whose union declares InvalidInputError returns it as that member (`field` is the first
 * issue's); elsewhere it is a top-level BAD_USER_INPUT error listing `issues`.
 */
export class InputValidationError extends InvalidInputError {
  constructor(readonly issues: InputIssue[]) {
    super(issues[0]?.field ?? "input", issues[0]?.message ?? "is not valid");
    this.message = `Invalid input: ${issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join("; ")}`;
  }
}

/** Too many attempts in a window; the caller may retry after `retryAfterSeconds`. */
export class RateLimitExceededError extends DomainError {
  override name = "RateLimitExceededError";
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
  }
}

/** The caller may see the thing but not change it (e.g. someone else's rating). */
export class ForbiddenError extends DomainError {
  override name = "ForbiddenError";
  constructor(
    readonly entity: string,
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/** A job action that its current status does not allow (e.g. retrying a running job). */
export class JobStateError extends DomainError {
  override name = "JobStateError";
  constructor(
    readonly jobId: string,
    readonly action: string,
    readonly status: string,
    detail: string,
  ) {
    super(`Cannot ${action} job ${jobId}: it is ${status}; ${detail}`);
  }
}

/** A response to a job that is not waiting for one (not PENDING_HITL). */
export class JobNotWaitingError extends DomainError {
  override name = "JobNotWaitingError";
  constructor(
    readonly jobId: string,
    readonly status: string,
  ) {
    super(`Job ${jobId} is not waiting for a response: it is ${status}.`);
  }
}
