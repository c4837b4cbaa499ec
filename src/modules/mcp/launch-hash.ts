// What an admin approves before anything runs: a launch specification, pinned by a SHA-256 over
// its command, its arguments (as they will run, values filled in) and the names of its environment
// variables, or for a remote its URL and header names. Values of variables that change how a
// program loads code (NODE_OPTIONS, LD_PRELOAD, PYTHONPATH …) are pinned too: otherwise a write
// token could make an approved command run anything by setting one. Pure functions.
import { createHash } from "node:crypto";
import type { LaunchSpec } from "./launch.js";
import { redact } from "./secrets.js";

/** Variables whose value decides what code a process loads: their values are part of the hash. */
const CODE_LOADING = /^(LD_\w+|DYLD_\w+|NODE_OPTIONS|NODE_PATH|PYTHONPATH|PYTHONSTARTUP|PYTHONHOME|PYTHONUSERBASE|PERL5OPT|PERL5LIB|PERLLIB|RUBYOPT|RUBYLIB|BASH_ENV|ENV|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|PATH|npm_config_\w+|NPM_CONFIG_\w+|UV_\w+|PIP_\w+|DOCKER_HOST|DOCKER_CONFIG|GIT_\w+)$/;

export function pinsValue(name: string): boolean {
  return CODE_LOADING.test(name);
}

/**
 * The canonical form that is hashed (and shown to the approving admin, secrets masked). `declared`:
 * the variable names server.json declares, counted whether or not a value is set yet, so setting a
 * declared variable keeps the approval and only a new name (or a new argument) needs another.
 */
export function canonicalLaunch(spec: LaunchSpec, declared: readonly string[] = []): Record<string, unknown> {
  if (spec.kind === "stdio") {
    const names = [...new Set([...Object.keys(spec.env), ...declared])].sort();
    const pinned = Object.fromEntries(names.filter(pinsValue).map((n) => [n, spec.env[n]]));
    return { kind: "stdio", command: spec.command, args: spec.args, envNames: names, pinnedEnv: pinned };
  }
  return { kind: spec.kind, url: spec.url, headerNames: [...new Set([...Object.keys(spec.headers), ...declared])].sort() };
}

export function launchHash(spec: LaunchSpec, declared: readonly string[] = []): string {
  return createHash("sha256").update(JSON.stringify(canonicalLaunch(spec, declared))).digest("hex");
}

/** The launch specification as an admin reviews it: secret values masked wherever they appear. */
export interface LaunchView {
  kind: LaunchSpec["kind"];
  command: string | null;
  args: string[];
  envNames: string[];
  pinnedEnv: { name: string; value: string }[];
  url: string | null;
  headerNames: string[];
  hash: string;
}

export function launchView(spec: LaunchSpec, declared: readonly string[], secrets: readonly string[]): LaunchView {
  const c = canonicalLaunch(spec, declared);
  const mask = (s: string) => redact(s, secrets);
  if (spec.kind === "stdio") {
    const pinned = c.pinnedEnv as Record<string, string>;
    return {
      kind: spec.kind,
      command: mask(spec.command),
      args: spec.args.map(mask),
      envNames: c.envNames as string[],
      pinnedEnv: Object.entries(pinned).map(([name, value]) => ({ name, value: mask(value) })),
      url: null,
      headerNames: [],
      hash: launchHash(spec, declared),
    };
  }
  return { kind: spec.kind, command: null, args: [], envNames: [], pinnedEnv: [], url: mask(spec.url), headerNames: c.headerNames as string[], hash: launchHash(spec, declared) };
}
