// Query.rateLimit: the caller's budget after this operation was charged (plugins/rate-limit.ts).
import { builder } from "./builder.js";
import { rateLimitOf, type RateLimitState } from "./plugins/rate-limit.js";

const RateLimitRef = builder.objectRef<RateLimitState>("RateLimit").implement({
  description: "The caller's rate-limit budget: points per window (per API token, or per client address without one).",
  fields: (t) => ({
    limit: t.exposeInt("limit", { description: "Points per window." }),
    cost: t.exposeInt("cost", { description: "What this operation cost: its complexity per cost unit, at least 1." }),
    remaining: t.exposeInt("remaining", { description: "Points left in the window after this operation." }),
    used: t.exposeInt("used", { description: "Points used in the window, this operation included." }),
    resetAt: t.field({ type: "DateTime", description: "When the window ends and the budget is whole again.", resolve: (s) => s.resetAt }),
  }),
});

builder.queryField("rateLimit", (t) =>
  t.field({
    type: RateLimitRef,
    nullable: true,
    skipTypeScopes: true,
    description: "Your rate-limit budget after this operation; null when rate limits are off. Answers without any scope.",
    resolve: (_root, _args, ctx) => rateLimitOf(ctx),
  }),
);
