// One execution per subscription event, shared by the subscribers that would get the same answer.
// graphql executes a subscription's selection once per subscriber per event; a job watched by a
// thousand dashboards paid a thousand identical executions per progress report. When a subscribe
// resolver yields a payload marked with sharedPayload() (the same object to every subscriber of
// an event, never changed afterwards), subscriptions whose document, operation name, variables
// and principal (kind, id, name, scopes) are identical share one result. Anything else runs as before.
import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from "graphql";
import { isAsyncIterable, mapAsyncIterator, type Plugin } from "graphql-yoga";
import type { Principal } from "../../lib/principal.js";
import type { Context } from "../context.js";

const shareable = new WeakSet<object>();

/**
 * Marks a subscription payload as one event's value for every subscriber: it must not be changed
 * after this call. Returns it.
 */
export function sharedPayload<T extends object>(value: T): T {
  shareable.add(value);
  return value;
}

type Result = ExecutionResult | Promise<ExecutionResult>;
/** payload → subscription key → its result. Entries go with the payload once every subscriber has it. */
const results = new WeakMap<object, Map<string, Result>>();

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

function documentKey(document: DocumentNode): string {
  // The source text when it was kept (parsed documents are cached, but the text is the identity).
  const body = document.loc?.source.body;
  if (body !== undefined) return body;
  let id = documentIds.get(document);
  if (id === undefined) {
    id = ++nextDocumentId;
    documentIds.set(document, id);
  }
  return `#${id}`;
}

/** Who is asking, as far as a resolver can tell: everything in the principal. */
export function principalKey(principal: Principal): string {
  return JSON.stringify([principal.kind, principal.id, principal.name, [...principal.scopes].sort()]);
}

/** The key under which two subscriptions get the same result for the same event; null when they cannot share. */
export function subscriptionKey(args: Pick<ExecutionArgs, "document" | "operationName" | "variableValues">, principal: Principal | undefined): string | null {
  if (!principal) return null;
  let variables: string;
  try {
    variables = JSON.stringify(args.variableValues ?? {});
  } catch {
    return null;
  }
  return JSON.stringify([documentKey(args.document), args.operationName ?? null, variables, principalKey(principal)]);
}

/**
 * Each event runs with a copy of the subscription's context: the same principal, services and request
 * id, but a new identity, so loaders and caches that Pothos keeps per context (dataloaders, the
 * Prisma plugin's model loaders, auth scope results) start empty for every event instead of
 * answering a later event with what an earlier one read.
 */
function eventArgs(args: ExecutionArgs, payload: unknown): ExecutionArgs {
  const context = args.contextValue;
  return { ...args, rootValue: payload, contextValue: typeof context === "object" && context !== null ? { ...context } : context };
}

function executeEvent(args: ExecutionArgs, key: string | null, payload: unknown): Result {
  if (key === null || typeof payload !== "object" || payload === null || !shareable.has(payload)) return execute(eventArgs(args, payload));
  let byKey = results.get(payload);
  if (!byKey) {
    byKey = new Map();
    results.set(payload, byKey);
  }
  let result = byKey.get(key);
  if (!result) {
    result = execute(eventArgs(args, payload));
    byKey.set(key, result);
  }
  return result;
}

/**
 * The envelop plugin: subscriptions are run as graphql-js `subscribe` does (source stream, then
 * `execute` per event with the event as root value), each event with a fresh copy of the context,
 * and the per-event execution shared as above where the subscription can share.
 */
export function useSharedSubscriptionResults(): Plugin<Context> {
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const key = subscriptionKey(args, (args.contextValue as Partial<Context> | undefined)?.principal);
      setSubscribeFn(async (a: ExecutionArgs) => {
        const stream = await createSourceEventStream(a);
        if (!isAsyncIterable(stream)) return stream;
        const iterator = stream[Symbol.asyncIterator]();
        const signal = (a as { signal?: AbortSignal }).signal;
        signal?.addEventListener("abort", () => void iterator.return?.(), { once: true });
        return mapAsyncIterator(iterator, (payload: unknown) => executeEvent(a, key, payload));
      });
    },
  };
}
