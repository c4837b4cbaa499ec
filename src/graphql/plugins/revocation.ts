// Revoking a token ends its open subscriptions within a second, on every instance: a graphql-ws
// socket carrying one closes with 4403, an SSE stream sends one UNAUTHENTICATED error and ends.
// Two ways to learn of a revoke: the auth:token-revoked event (every instance, through Redis when
// REDIS_URL is set), and, for revokes whose event cannot reach this process (a CLI command without
// Redis), a check twice a second of the open subscriptions' tokens, run only when the database's
// change signal for tokens moved (or is unavailable).
import { GraphQLError, type ExecutionResult } from "graphql";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import type { WebSocket } from "ws";
import type { ChangeSignals } from "../../db/index.js";
import type { EventBus } from "../../lib/event-bus.js";
import type { Logger } from "../../lib/logger.js";
import type { Context } from "../context.js";

export interface RevocationSources {
  bus: EventBus;
  changes: ChangeSignals;
  /** Which of these token ids are revoked (or gone). */
  revokedAmong(ids: readonly string[]): Promise<string[]>;
  logger: Logger;
  pollMs?: number;
}

/** Close code for a socket whose token was revoked (graphql-ws's Forbidden). */
export const REVOKED_CLOSE_CODE = 4403;

export class RevocationWatch {
  private readonly open = new Map<string, Set<() => void>>();
  private timer: NodeJS.Timeout | null = null;
  private seen: number | null | undefined;
  private checking = false;
  private events: AsyncIterator<unknown> | null = null;

  constructor(private readonly sources: RevocationSources) {}

  /** Calls `end` when the token is revoked; returns the function that stops watching. */
  track(tokenId: string, end: () => void): () => void {
    let set = this.open.get(tokenId);
    if (!set) {
      set = new Set();
      this.open.set(tokenId, set);
    }
    set.add(end);
    return () => {
      set.delete(end);
      if (set.size === 0 && this.open.get(tokenId) === set) this.open.delete(tokenId);
    };
  }

  revoked(tokenId: string): void {
    const set = this.open.get(tokenId);
    if (!set) return;
    this.open.delete(tokenId);
    for (const end of set) end();
  }

  start(): void {
    const stream = this.sources.bus.subscribe("auth:token-revoked");
    this.events = stream[Symbol.asyncIterator]();
    void (async () => {
      for await (const e of stream) this.revoked(e.tokenId);
    })().catch((err: unknown) => this.sources.logger.error("revocation events stopped", { error: String(err) }));
    this.timer = setInterval(() => void this.poll(), this.sources.pollMs ?? 500);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.checking || this.open.size === 0) return;
    this.checking = true;
    try {
      const version = await this.sources.changes.version("tokens");
      if (version !== null && version === this.seen) return;
      const ids = [...this.open.keys()];
      const revoked = await this.sources.revokedAmong(ids);
      this.seen = version;
      for (const id of revoked) this.revoked(id);
    } catch (err) {
      this.sources.logger.warn("revocation check failed", { error: String(err) });
    } finally {
      this.checking = false;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.events?.return?.();
  }
}

function revokedResult(): ExecutionResult {
  return { errors: [new GraphQLError("The API token has been revoked.", { extensions: { code: "UNAUTHENTICATED" } })] };
}

/** `source`, ended by end(): the stream sends `last` once, then completes, and the source is closed. */
export function endable<T>(source: AsyncIterable<T>, last: T, cleanup: () => void): { iterable: AsyncIterableIterator<T>; end(): void } {
  const it = source[Symbol.asyncIterator]();
  let ended = false;
  let finished = false;
  let signal: (r: IteratorResult<T>) => void = () => {};
  const endedResult = new Promise<IteratorResult<T>>((resolve) => (signal = resolve));
  const finish = async (): Promise<IteratorResult<T>> => {
    if (!finished) {
      finished = true;
      cleanup();
      await it.return?.();
    }
    return { done: true, value: undefined };
  };
  const iterable: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (finished) return { done: true, value: undefined };
      if (ended) {
        await finish();
        return { done: false, value: last };
      }
      const r = await Promise.race([it.next(), endedResult]);
      if (ended) {
        await finish();
        return { done: false, value: last };
      }
      if (r.done) await finish();
      return r;
    },
    return: () => finish(),
    async throw(err: unknown) {
      await finish();
      throw err;
    },
  };
  return {
    iterable,
    end() {
      if (ended || finished) return;
      ended = true;
      signal({ done: true, value: undefined });
    },
  };
}

export function useRevocation(watch: RevocationWatch): Plugin<Context> {
  return {
    onSubscribe({ args }) {
      const principal = args.contextValue.principal;
      if (principal?.kind !== "token") return;
      const socket = (args.contextValue as { socket?: WebSocket }).socket;
      return {
        onSubscribeResult({ result, setResult }) {
          if (!isAsyncIterable(result)) return;
          let untrack = () => {};
          const stream = endable<ExecutionResult>(result as AsyncIterable<ExecutionResult>, revokedResult(), () => untrack());
          untrack = watch.track(principal.id, () => {
            // graphql-ws: the whole socket goes (its operations authenticated with the revoked token).
            if (socket && socket.readyState === socket.OPEN) socket.close(REVOKED_CLOSE_CODE, "Forbidden");
            stream.end();
          });
          setResult(stream.iterable);
        },
      };
    },
  };
}
