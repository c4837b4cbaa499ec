// Every request gets an id (the client's X-Request-ID when it sends a sane one), echoed in the
// response; every execution runs inside a request scope (request id, acting principal:
// useExecutionScope), so what services log carries them; unexpected errors are logged with the request id (clients only see
// "Unexpected error.").
import { randomUUID } from "node:crypto";
import type { ExecutionArgs } from "graphql";
import { GraphQLError } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import type { Logger } from "../../lib/logger.js";
import { withScope } from "../../lib/request-scope.js";
import type { Context } from "../context.js";

const ids = new WeakMap<Request, string>();
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The id of a request seen by the plugin (a fresh one otherwise). */
export function requestIdOf(request: Request): string {
  return ids.get(request) ?? randomUUID();
}

function scoped<T>(args: ExecutionArgs, run: () => T): T {
  const ctx = args.contextValue as Partial<Context> | undefined;
  return withScope({ requestId: ctx?.requestId, actor: ctx?.principal?.name }, run);
}

export function useRequestScope(logger: Logger): Plugin<Context> {
  return {
    onRequest({ request }) {
      const given = request.headers.get("x-request-id");
      ids.set(request, given && REQUEST_ID.test(given) ? given : randomUUID());
    },
    onResponse({ request, response }) {
      const id = ids.get(request);
      if (id) response.headers.set("x-request-id", id);
    },
    onExecute() {
      return {
        onExecuteDone({ args, result }) {
          const log = (errors: readonly GraphQLError[] | undefined) => {
            for (const err of errors ?? []) {
              const original = err.originalError;
              if (original && !(original instanceof GraphQLError)) {
                logger.error("unexpected error", { requestId: args.contextValue.requestId, error: original.stack ?? String(original) });
              }
            }
          };
          // @defer/@stream: every part may carry errors of its own.
          if (isAsyncIterable(result)) {
            return {
              onNext({ result: part }) {
                log(part.errors);
                for (const inc of (part as { incremental?: { errors?: readonly GraphQLError[] }[] }).incremental ?? []) log(inc.errors);
              },
            };
          }
          log(result.errors);
          return undefined;
        },
      };
    },
  };
}

/**
 * Runs every execution inside the request scope. Registered after every plugin that replaces the
 * executor (graphql-jit, @defer/@stream), since a replacement drops an earlier plugin's wrapper.
 */
export function useExecutionScope(): Plugin<Context> {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => scoped(args, () => executeFn(args)));
    },
    onSubscribe({ subscribeFn, setSubscribeFn }) {
      setSubscribeFn((args) => scoped(args, () => subscribeFn(args)));
    },
  };
}
