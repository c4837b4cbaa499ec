// What a log line should say about the work it happens in (the request id, who asks, a job id),
// carried through async calls so services log it without passing it around.
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestScope {
  requestId?: string;
  /** The acting principal's name (never a secret). */
  actor?: string;
  jobId?: string;
  traceId?: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs fn with `scope` merged over the current one. */
export function withScope<T>(scope: RequestScope, fn: () => T): T {
  const current = storage.getStore();
  return storage.run(current ? { ...current, ...scope } : scope, fn);
}

export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}
