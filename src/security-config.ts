// The hardening settings (cross-origin access, Host names, introspection, rate limits, socket
// caps), validated with the rest of the config (src/config.ts). Every one is in the README's
// configuration table.
import { z } from "zod";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");
const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

export const INTROSPECTION_MODES = ["public", "authenticated", "off"] as const;
export type IntrospectionMode = (typeof INTROSPECTION_MODES)[number];

export const securityEnvSchema = {
  NODE_ENV: z.string().optional(),
  SKILLGRAPH_CORS_ORIGINS: list
    .refine((l) => l.every((o) => o === "*" || /^https?:\/\/[^/\s]+$/.test(o)), "must list origins like https://app.example.com (scheme and host, no path), separated by commas")
    .optional(),
  SKILLGRAPH_ALLOWED_HOSTS: list.optional(),
  SKILLGRAPH_INTROSPECTION: z.enum(INTROSPECTION_MODES, { message: "must be public, authenticated or off" }).optional(),
  SKILLGRAPH_MAX_NESTING: int(10, 1000).default(64),
  SKILLGRAPH_RATE_LIMIT_ANONYMOUS: int(0, 10_000_000).default(60),
  SKILLGRAPH_RATE_LIMIT_AUTHENTICATED: int(0, 10_000_000).default(300),
  SKILLGRAPH_RATE_LIMIT_WINDOW_S: int(1, 86_400).default(60),
  SKILLGRAPH_RATE_LIMIT_COST_UNIT: int(1, 1_000_000).default(1000),
  SKILLGRAPH_TRUST_PROXY: bool.default(false),
  SKILLGRAPH_WS_MAX_SUBSCRIPTIONS: int(1, 10_000).default(100),
  SKILLGRAPH_WS_MAX_MESSAGE_BYTES: int(1024, 100_000_000).default(262_144),
  SKILLGRAPH_WS_MAX_CONNECTIONS_PER_TOKEN: int(1, 10_000).default(20),
  SKILLGRAPH_OUTBOUND_ALLOW: list
    .refine(
      (l) => l.every((e) => /^(\*\.)?[a-z0-9.-]+$/i.test(e) || /^[0-9a-f:.]+(\/\d{1,3})?$/i.test(e)),
      "must list host names (vault.internal, *.corp.example), addresses (10.1.2.3, ::1) or networks (10.0.0.0/8), separated by commas",
    )
    .optional(),
};

type SecurityEnv = z.output<z.ZodObject<typeof securityEnvSchema>>;

export interface SecurityConfig {
  production: boolean;
  /** Origins allowed cross-origin access (CORS, WebSocket); empty = same origin only. "*" = any (no credentials). */
  corsOrigins: string[];
  /** Host names accepted when bound to a loopback address (DNS rebinding), besides localhost and the loopback addresses. */
  allowedHosts: string[];
  introspection: IntrospectionMode;
  /** Deepest bracket nesting a document may have; checked on the text before it is parsed. */
  maxNesting: number;
  rateLimit: {
    /** Points per window; 0 = no limit. */
    anonymous: number;
    authenticated: number;
    windowS: number;
    /** Complexity per point: an operation costs max(1, ceil(complexity / costUnit)). */
    costUnit: number;
  };
  /** Take the client address from X-Forwarded-For (behind a proxy you run). */
  trustProxy: boolean;
  ws: { maxSubscriptions: number; maxMessageBytes: number; maxConnectionsPerToken: number };
  /**
   * Internal hosts, addresses and networks the server may fetch from when a URL comes from input
   * or remote data (bundle sources, listings' bundle URLs, broker feeds); public addresses always.
   */
  outboundAllow: string[];
}

export function securityConfig(e: SecurityEnv): SecurityConfig {
  const production = e.NODE_ENV === "production";
  return {
    production,
    corsOrigins: e.SKILLGRAPH_CORS_ORIGINS ?? [],
    allowedHosts: (e.SKILLGRAPH_ALLOWED_HOSTS ?? []).map((h) => h.toLowerCase()),
    introspection: e.SKILLGRAPH_INTROSPECTION ?? (production ? "authenticated" : "public"),
    maxNesting: e.SKILLGRAPH_MAX_NESTING,
    rateLimit: {
      anonymous: e.SKILLGRAPH_RATE_LIMIT_ANONYMOUS,
      authenticated: e.SKILLGRAPH_RATE_LIMIT_AUTHENTICATED,
      windowS: e.SKILLGRAPH_RATE_LIMIT_WINDOW_S,
      costUnit: e.SKILLGRAPH_RATE_LIMIT_COST_UNIT,
    },
    trustProxy: e.SKILLGRAPH_TRUST_PROXY,
    ws: {
      maxSubscriptions: e.SKILLGRAPH_WS_MAX_SUBSCRIPTIONS,
      maxMessageBytes: e.SKILLGRAPH_WS_MAX_MESSAGE_BYTES,
      maxConnectionsPerToken: e.SKILLGRAPH_WS_MAX_CONNECTIONS_PER_TOKEN,
    },
    outboundAllow: (e.SKILLGRAPH_OUTBOUND_ALLOW ?? []).map((h) => h.toLowerCase()),
  };
}
