// Environment → one typed, validated config object. Every variable is documented in the README.
import { z } from "zod";
import { apiConfig, apiConfigIssues, apiEnvSchema, type ApiConfig } from "./api-config.js";
import { providerOf, type Provider } from "./db/provider.js";
import { ConfigError } from "./lib/errors.js";
import { contentConfig, contentEnvSchema, type ContentConfig } from "./modules/content/config.js";
import { mcpConfig, mcpEnvSchema, type McpConfig } from "./modules/mcp/config.js";
import { projectsConfig, projectsEnvSchema, type ProjectsConfig } from "./modules/projects/config.js";
import { upstreamConfig, upstreamEnvSchema, type UpstreamConfig } from "./modules/upstream/config.js";
import { sharingConfig, sharingEnvSchema, type SharingConfig } from "./modules/sharing/config.js";
import { securityConfig, securityEnvSchema, type SecurityConfig } from "./security-config.js";
import { telemetryConfig, telemetryEnvSchema, type TelemetryConfig } from "./telemetry-config.js";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  DATABASE_URL: z
    .string()
    .refine((v) => /^(file:|postgres(ql)?:\/\/)/.test(v), "must start with file: (SQLite) or postgresql://")
    .default("file:./data/skillgraph.db"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: int(0, 65535).default(4000),
  SKILLGRAPH_PUBLIC_READ: bool.optional(),
  SKILLGRAPH_MIGRATE_ON_START: bool.default(true),
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v), "must start with redis:// or rediss://")
    .optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  SKILLGRAPH_GRAPHIQL: bool.default(true),
  SKILLGRAPH_MAX_DEPTH: int(1, 100).default(12),
  SKILLGRAPH_MAX_ALIASES: int(0, 1000).default(30),
  SKILLGRAPH_MAX_TOKENS: int(10, 1_000_000).default(5000),
  SKILLGRAPH_MAX_COMPLEXITY: int(1, 10_000_000).default(50_000),
  SKILLGRAPH_SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000),
  ...mcpEnvSchema,
  ...contentEnvSchema,
  ...projectsEnvSchema,
  ...upstreamEnvSchema,
  ...sharingEnvSchema,
  ...securityEnvSchema,
  ...apiEnvSchema,
  ...telemetryEnvSchema,
  // 0: this process runs no job worker (serve --no-worker).
  SKILLGRAPH_WORKER_CONCURRENCY: int(0, 64).default(2),
  SKILLGRAPH_JOB_POLL_MS: int(5, 600_000).default(1000),
  SKILLGRAPH_JOB_LEASE_MS: int(50, 3_600_000).default(30_000),
  SKILLGRAPH_JOB_BACKOFF_MS: int(0, 3_600_000).default(5000),
  SKILLGRAPH_JOB_BACKOFF_MAX_MS: int(0, 86_400_000).default(300_000),
  SKILLGRAPH_JOB_HITL_TIMEOUT_MS: int(10, 2_592_000_000).default(86_400_000),
});

export type { Provider };

export interface Config {
  databaseUrl: string;
  provider: Provider;
  host: string;
  port: number;
  /** Anonymous requests get the read scope. Defaults to true on SQLite (embedded), false on PostgreSQL. */
  publicRead: boolean;
  migrateOnStart: boolean;
  redisUrl: string | undefined;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  graphiql: boolean;
  limits: { maxDepth: number; maxAliases: number; maxTokens: number; maxComplexity: number };
  shutdownTimeoutMs: number;
  /** MCP servers: secret key, deploy folder, health checks (src/modules/mcp/config.ts). */
  mcp: McpConfig;
  /** Artifact content: limits, import roots, the collections folder (src/modules/content/config.ts). */
  content: ContentConfig;
  /** Projects: allowed roots, the user project, scan schedule (src/modules/projects/config.ts). */
  projects: ProjectsConfig;
  /** Upstream: how often git-imported artifacts' remotes are checked (src/modules/upstream/config.ts). */
  upstream: UpstreamConfig;
  /** Sharing: where bundles are written and read, size limit (src/modules/sharing/config.ts). */
  sharing: SharingConfig;
  /** Cross-origin access, Host names, introspection, rate limits, socket caps (src/security-config.ts). */
  security: SecurityConfig;
  /** Trusted documents and persisted queries, response cache, compression (src/api-config.ts). */
  api: ApiConfig;
  /** Tracing (OTEL_*), /metrics, access log (src/telemetry-config.ts). */
  telemetry: TelemetryConfig;
  /** Job workers: how many jobs one process runs at once, how often it polls, lease length, retry backoff, HITL timeout default. */
  jobs: { concurrency: number; pollMs: number; leaseMs: number; backoffMs: number; backoffMaxMs: number; hitlTimeoutMs: number };
}

export { ConfigError };

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const apiIssues = apiConfigIssues(e);
  if (apiIssues.length) throw new ConfigError(`Invalid configuration:\n${apiIssues.map((i) => `  ${i}`).join("\n")}`);
  const provider = providerOf(e.DATABASE_URL);
  return {
    databaseUrl: e.DATABASE_URL,
    provider,
    host: e.HOST,
    port: e.PORT,
    publicRead: e.SKILLGRAPH_PUBLIC_READ ?? provider === "sqlite",
    migrateOnStart: e.SKILLGRAPH_MIGRATE_ON_START,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    graphiql: e.SKILLGRAPH_GRAPHIQL,
    limits: {
      maxDepth: e.SKILLGRAPH_MAX_DEPTH,
      maxAliases: e.SKILLGRAPH_MAX_ALIASES,
      maxTokens: e.SKILLGRAPH_MAX_TOKENS,
      maxComplexity: e.SKILLGRAPH_MAX_COMPLEXITY,
    },
    shutdownTimeoutMs: e.SKILLGRAPH_SHUTDOWN_TIMEOUT_MS,
    mcp: mcpConfig(e),
    content: contentConfig(e, e.DATABASE_URL),
    projects: projectsConfig(e),
    upstream: upstreamConfig(e),
    sharing: sharingConfig(e, e.DATABASE_URL),
    security: securityConfig(e),
    api: apiConfig(e),
    telemetry: telemetryConfig(e),
    jobs: {
      concurrency: e.SKILLGRAPH_WORKER_CONCURRENCY,
      pollMs: e.SKILLGRAPH_JOB_POLL_MS,
      leaseMs: e.SKILLGRAPH_JOB_LEASE_MS,
      backoffMs: e.SKILLGRAPH_JOB_BACKOFF_MS,
      backoffMaxMs: e.SKILLGRAPH_JOB_BACKOFF_MAX_MS,
      hitlTimeoutMs: e.SKILLGRAPH_JOB_HITL_TIMEOUT_MS,
    },
  };
}
