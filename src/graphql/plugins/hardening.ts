// The hardening plugins in the order they must run (issue #15): the Host check for loopback binds,
// the document guard (nesting before parsing, repetitions before validation), then before execution
// the rate limit (every operation is charged, refused ones included), input the database cannot
// store, and introspection; and revocation, which ends a revoked token's subscriptions.
import type { Plugin } from "graphql-yoga";
import type { Config } from "../../config.js";
import type { ChangeSignals } from "../../db/index.js";
import type { EventBus } from "../../lib/event-bus.js";
import type { Logger } from "../../lib/logger.js";
import type { Services } from "../../lib/services.js";
import type { Context } from "../context.js";
import { useDocumentGuard } from "./document-guard.js";
import { useEdgeInputChecks } from "./edge-input.js";
import { useIntrospectionSetting } from "./introspection.js";
import { useHostCheck } from "./origin-guard.js";
import { createRateLimiter, type RateLimiter } from "./rate-limit.js";
import { RevocationWatch, useRevocation } from "./revocation.js";

export interface HardeningOptions {
  config: Config;
  services: Services;
  events: EventBus;
  changes: ChangeSignals;
  logger: Logger;
}

export interface Hardening {
  plugins: Plugin<Context>[];
  /** The anonymous per-address budget for plain HTTP downloads (rate-limit.ts limitDownload). */
  limitDownload: RateLimiter["limitDownload"];
  /** Stops the revocation watch and closes the rate limiter's Redis connection. */
  close(): Promise<void>;
}

export async function createHardening({ config, services, events, changes, logger }: HardeningOptions): Promise<Hardening> {
  const { security } = config;
  const rateLimiter = await createRateLimiter(security, config.redisUrl, logger);
  const watch = new RevocationWatch({ bus: events, changes, revokedAmong: (ids) => services.tokens.revokedAmong(ids), logger });
  watch.start();
  return {
    plugins: [
      useHostCheck(config.host, security) as Plugin<Context>,
      useDocumentGuard(security.maxNesting) as Plugin<Context>,
      rateLimiter.plugin,
      useEdgeInputChecks(),
      useIntrospectionSetting(security.introspection),
      useRevocation(watch),
    ],
    limitDownload: rateLimiter.limitDownload,
    async close() {
      await watch.stop();
      await rateLimiter.close();
    },
  };
}
