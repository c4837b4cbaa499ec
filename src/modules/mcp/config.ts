// The MCP module's environment variables, validated with the rest of the config (src/config.ts).
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { z } from "zod";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** 32 bytes, as 64 hex digits or base64 (44 characters). */
export function parseSecretKey(text: string): Buffer | null {
  const v = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(v)) {
    const b = Buffer.from(v.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (b.length === 32) return b;
  }
  return null;
}

export const mcpEnvSchema = {
  SKILLGRAPH_SECRET_KEY: z
    .string()
    .refine((v) => parseSecretKey(v) !== null, "must be 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)")
    .optional(),
  SKILLGRAPH_MCP_SETTINGS_ROOT: z.string().min(1).optional(),
  SKILLGRAPH_MCP_SETTINGS_FILE: z.string().min(1).optional(),
  SKILLGRAPH_MCP_HEALTH_INTERVAL_S: int(0, 86_400).default(60),
  SKILLGRAPH_MCP_HEALTH_TIMEOUT_MS: int(100, 600_000).default(10_000),
  SKILLGRAPH_MCP_HEALTH_SLOW_MS: int(1, 600_000).default(2_000),
  SKILLGRAPH_MCP_HEALTH_CONCURRENCY: int(1, 64).default(4),
  SKILLGRAPH_MCP_HEALTH_NICE: int(0, 19).default(10),
  SKILLGRAPH_MCP_HEALTH_HISTORY: int(1, 100_000).default(500),
  SKILLGRAPH_MCP_CHECK_OUTPUT_BYTES: int(1024, 1_073_741_824).default(1_048_576),
  SKILLGRAPH_MCP_CHECK_PATH: z.string().min(1).optional(),
};

type McpEnv = z.output<z.ZodObject<typeof mcpEnvSchema>>;

export interface McpConfig {
  /** AES-256-GCM key for secret env values; when absent on SQLite a key file is made beside the database. */
  secretKey: Buffer | undefined;
  /** Deploy targets must be inside this folder (after resolving symlinks). */
  settingsRoot: string;
  /** The settings file used when a deploy names none. */
  defaultSettingsFile: string;
  /** Seconds between health sweeps of deployed servers; 0 = no scheduler. */
  healthIntervalS: number;
  healthTimeoutMs: number;
  /** A check slower than this is DEGRADED. */
  healthSlowMs: number;
  /** Checks at once in a sweep. */
  healthConcurrency: number;
  /** Nice value (0–19) of the servers a sweep checks, so a sweep does not take the API's CPU. */
  healthNice: number;
  /** Health checks kept per server. */
  healthHistory: number;
  /** Bytes a checked process may write (stdout and stderr) before it is killed. */
  checkOutputBytes: number;
  /** The PATH a checked process gets (its only inherited variable besides HOME). */
  checkPath: string;
}

/** The PATH checks get by default: this Node's folder (npx, node) and the system's binary folders. */
export function defaultCheckPath(platform: NodeJS.Platform = process.platform): string {
  if (platform === "win32") return [dirname(process.execPath), process.env.SYSTEMROOT ? join(process.env.SYSTEMROOT, "System32") : "C:\\Windows\\System32"].join(";");
  return [dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(delimiter);
}

/** Where Claude Desktop keeps its config on this platform. */
export function claudeDesktopConfigDir(platform: NodeJS.Platform = process.platform, env: Record<string, string | undefined> = process.env): string {
  if (platform === "darwin") return join(homedir(), "Library", "Application Support", "Claude");
  if (platform === "win32") return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "Claude");
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), ".config"), "Claude");
}

export function mcpConfig(e: McpEnv): McpConfig {
  const settingsRoot = resolve(e.SKILLGRAPH_MCP_SETTINGS_ROOT ?? claudeDesktopConfigDir());
  const key = e.SKILLGRAPH_SECRET_KEY;
  return {
    secretKey: key === undefined ? undefined : (parseSecretKey(key) ?? undefined),
    settingsRoot,
    defaultSettingsFile: resolve(settingsRoot, e.SKILLGRAPH_MCP_SETTINGS_FILE ?? "claude_desktop_config.json"),
    healthIntervalS: e.SKILLGRAPH_MCP_HEALTH_INTERVAL_S,
    healthTimeoutMs: e.SKILLGRAPH_MCP_HEALTH_TIMEOUT_MS,
    healthSlowMs: e.SKILLGRAPH_MCP_HEALTH_SLOW_MS,
    healthConcurrency: e.SKILLGRAPH_MCP_HEALTH_CONCURRENCY,
    healthNice: e.SKILLGRAPH_MCP_HEALTH_NICE,
    healthHistory: e.SKILLGRAPH_MCP_HEALTH_HISTORY,
    checkOutputBytes: e.SKILLGRAPH_MCP_CHECK_OUTPUT_BYTES,
    checkPath: e.SKILLGRAPH_MCP_CHECK_PATH ?? defaultCheckPath(),
  };
}
