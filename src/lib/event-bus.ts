// The event bus behind subscriptions, workers' wake-ups and CLI changes: in-process by default,
// Redis when REDIS_URL is set so events reach every instance (and a CLI command's changes reach
// the servers' subscribers). The Redis client is loaded only when it is used.
import { setMaxListeners } from "node:events";
import { createPubSub, type PubSub, type PubSubEvent } from "@graphql-yoga/subscription";
import type { EventArgs } from "./events.js";

export type EventBus = PubSub<EventArgs>;

export interface EventBusHandle {
  bus: EventBus;
  /** True when events cross processes (Redis). */
  shared: boolean;
  close(): Promise<void>;
}

/** The in-process bus: subscribers in this process only. */
export function localEventBus(): EventBusHandle {
  // One listener per subscription: a popular topic (a job a dashboard fleet watches) has
  // hundreds, which is not a leak, so Node's 10-listener warning is switched off.
  const eventTarget = new EventTarget();
  setMaxListeners(0, eventTarget);
  return { bus: createPubSub<EventArgs>({ eventTarget }), shared: false, close: async () => {} };
}

let processBus: EventBusHandle | undefined;

/**
 * The process's bus: one per process, shared by every set of services built in it (the server,
 * its workers, a CLI command run inside it), so a change made by any of them reaches the others'
 * subscribers as it would over Redis. Closing it is a no-op: it lives as long as the process.
 */
export function processEventBus(): EventBusHandle {
  return (processBus ??= localEventBus());
}

/** Redis when a URL is given, else the process's bus. */
export async function createEventBus(redisUrl: string | undefined): Promise<EventBusHandle> {
  if (!redisUrl) return processEventBus();
  const [{ Redis }, { createRedisEventTarget }] = await Promise.all([import("ioredis"), import("@graphql-yoga/redis-event-target")]);
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  // ioredis 5.8.2 sends its handshake (CLIENT SETINFO, INFO ready check) after a SUBSCRIBE issued
  // while connecting, and the connection rejects them in subscriber mode (redis/ioredis#2037): a
  // subscription made right at start-up then dies. The subscriber needs neither.
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3, disableClientInfo: true, enableReadyCheck: false });
  const eventTarget = createRedisEventTarget<PubSubEvent<EventArgs, keyof EventArgs>>({ publishClient, subscribeClient });
  return {
    bus: createPubSub<EventArgs>({ eventTarget }),
    shared: true,
    async close() {
      // Published events still in the client's queue are sent before it quits.
      await publishClient.quit().catch(() => publishClient.disconnect());
      subscribeClient.disconnect();
    },
  };
}
