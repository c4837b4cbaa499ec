// The typed event map and the pubsub behind subscriptions: in-process by default, Redis when
// REDIS_URL is set so events reach subscribers on every instance.
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
  if (!redisUrl) return { pubsub: createPubSub<EventMap>(), close: async () => {} };
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<EventMap>({ eventTarget }),
    async close() {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
