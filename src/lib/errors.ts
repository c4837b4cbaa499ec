// Expected failures, thrown by services and returned to GraphQL clients as typed union members
// (src/graphql/errors.ts). No GraphQL imports here: the CLI and tests use these too.

export class DomainError extends Error {
  override name = "DomainError";
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
