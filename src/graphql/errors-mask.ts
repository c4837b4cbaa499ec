// Which errors clients see. Expected failures (DomainError: not found, invalid input, forbidden …)
// thrown where no union member declares them (a query, a subscription) keep their message, with a
// code; anything else is masked as "Unexpected error." (and logged with the request id).
import { GraphQLError } from "graphql";
import { maskError as yogaMaskError } from "graphql-yoga";
import { DomainError, InputValidationError } from "../lib/errors.js";

const CODES: Record<string, string> = {
  NotFoundError: "NOT_FOUND",
  AlreadyExistsError: "ALREADY_EXISTS",
  InvalidInputError: "BAD_USER_INPUT",
  ForbiddenError: "FORBIDDEN",
  RateLimitExceededError: "RATE_LIMITED",
};

export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof DomainError && error instanceof GraphQLError) {
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: { ...error.extensions, code: CODES[original.name] ?? "BAD_REQUEST", ...(original instanceof InputValidationError ? { issues: original.issues } : {}) },
    });
  }
  return yogaMaskError(error, message, isDev);
}
