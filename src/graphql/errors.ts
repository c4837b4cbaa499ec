// GraphQL types for the expected failures in src/lib/errors.ts. Mutations list the ones they can
// return in `errors: { types: [...] }`; the result is a union of the payload and these.
import { AlreadyExistsError, ForbiddenError, InvalidInputError, NotFoundError, RateLimitExceededError } from "../lib/errors.js";
import { builder } from "./builder.js";

export const ErrorInterface = builder.interfaceRef<Error>("Error").implement({
  description: "An expected failure, returned as data. `message` is written for people.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "What went wrong, in a sentence." }),
  }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  description: "Something named in the request does not exist.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof NotFoundError,
  fields: (t) => ({
    entity: t.exposeString("entity", { description: "The kind of thing, e.g. Artifact." }),
    key: t.exposeString("key", { description: "The id or key that was asked for." }),
  }),
});

builder.objectType(AlreadyExistsError, {
  name: "AlreadyExistsError",
  description: "A create or rename would duplicate a unique value.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof AlreadyExistsError,
  fields: (t) => ({
    entity: t.exposeString("entity", { description: "The kind of thing, e.g. Artifact." }),
    field: t.exposeString("field", { description: "The unique field, e.g. key or name." }),
    value: t.exposeString("value", { description: "The value that is taken." }),
  }),
});

builder.objectType(InvalidInputError, {
  name: "InvalidInputError",
  description: "A value breaks a domain rule (e.g. a malformed source spec).",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof InvalidInputError,
  fields: (t) => ({
    field: t.exposeString("field", { description: "The input path, e.g. input.source." }),
  }),
});

builder.objectType(RateLimitExceededError, {
  name: "RateLimitExceededError",
  description: "Too many attempts in a time window; nothing was written. Retry after `retryAfterSeconds`.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof RateLimitExceededError,
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt("retryAfterSeconds", { description: "Seconds until the next attempt can succeed (at least 1)." }),
  }),
});

builder.objectType(ForbiddenError, {
  name: "ForbiddenError",
  description: "The thing exists but the viewer may not change it (e.g. someone else's rating).",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof ForbiddenError,
  fields: (t) => ({
    entity: t.exposeString("entity", { description: "The kind of thing, e.g. Rating." }),
    key: t.exposeString("key", { description: "The id that was asked for." }),
  }),
});

/** The errors a write that creates or renames a named thing can return. */
export const writeErrors = [NotFoundError, AlreadyExistsError, InvalidInputError];

/** The errors of a write that changes, removes or checks an existing thing and can duplicate nothing (no AlreadyExistsError). */
export const changeErrors = [NotFoundError, InvalidInputError];
