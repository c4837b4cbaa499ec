// The upstream module's environment variables, validated with the rest of the config (src/config.ts).
import { z } from "zod";

export const upstreamEnvSchema = {
  SKILLGRAPH_UPSTREAM_CHECK_INTERVAL_S: z.coerce.number().int().min(0).max(604_800).default(0),
};

type UpstreamEnv = z.output<z.ZodObject<typeof upstreamEnvSchema>>;

export interface UpstreamConfig {
  /** Seconds between scheduled checks of every git-imported artifact's remote; 0 = only on demand. */
  checkIntervalS: number;
}

export function upstreamConfig(e: UpstreamEnv): UpstreamConfig {
  return { checkIntervalS: e.SKILLGRAPH_UPSTREAM_CHECK_INTERVAL_S };
}
