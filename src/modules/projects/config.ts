// The projects module's environment variables, validated with the rest of the config (src/config.ts).
import { homedir } from "node:os";
import { delimiter, resolve } from "node:path";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

export const projectsEnvSchema = {
  SKILLGRAPH_PROJECT_ROOTS: z.string().min(1).optional(),
  SKILLGRAPH_USER_PROJECT: bool.default(false),
  SKILLGRAPH_USER_HOME: z.string().min(1).optional(),
  SKILLGRAPH_PROJECT_SCAN_INTERVAL_S: z.coerce.number().int().min(0).max(86_400).default(0),
};

type ProjectsEnv = z.output<z.ZodObject<typeof projectsEnvSchema>>;

export interface ProjectsConfig {
  /** Folders a registered project must be inside (real paths checked); empty = registering refused. */
  roots: string[];
  /** The user's own folder (its .claude/) is a project named "user". */
  userProject: boolean;
  /** The user's home folder (default: the process's home). */
  userHome: string;
  /** Seconds between scheduled drift scans of every project; 0 = only on demand. */
  scanIntervalS: number;
}

export function projectsConfig(e: ProjectsEnv): ProjectsConfig {
  return {
    roots: (e.SKILLGRAPH_PROJECT_ROOTS ?? "").split(delimiter).filter(Boolean).map((p) => resolve(p)),
    userProject: e.SKILLGRAPH_USER_PROJECT,
    userHome: resolve(e.SKILLGRAPH_USER_HOME ?? homedir()),
    scanIntervalS: e.SKILLGRAPH_PROJECT_SCAN_INTERVAL_S,
  };
}
