// The typed event map and the pubsub behind subscriptions: in-process by default, Redis when
// REDIS_URL is set so events reach subscribers on every instance.
import { setMaxListeners } from "node:events";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub } from "graphql-yoga";
import { Redis } from "ioredis";
import type { EventMap } from "../lib/events.js";

export type { EventMap };

export type PubSub = ReturnType<typeof createPubSub<EventMap>>;

export interface PubSubHandle {
  pubsub: PubSub;
  close(): Promise<void>;
}

export function createEventBus(redisUrl: string | undefined): PubSubHandle {
  if (!redisUrl) {
    // One listener per subscription: a popular topic (a job a dashboard fleet watches) has
    // hundreds, which is not a leak, so Node's 10-listener warning is switched off.
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    return { pubsub: createPubSub<EventMap>({ eventTarget }), close: async () => {} };
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  // ioredis 5.8.2 sends its handshake (CLIENT SETINFO, INFO ready check) after a SUBSCRIBE issued
  // while connecting, and the connection rejects them in subscriber mode (redis/ioredis#2037): a
  // subscription made right at start-up then dies. The subscriber needs neither.
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3, disableClientInfo: true, enableReadyCheck: false });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<EventMap>({ eventTarget }),
    async close() {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
