// How a registered server is run: the command line for its package (npm → npx, pypi → uvx,
// oci → docker run, nuget → dnx, or the package's runtimeHint), or the remote it is reached at.
// Pure functions: the health checker and the deployer both use them.
import { InvalidInputError } from "../../lib/errors.js";
import type { McpArgument, McpKeyValue, McpPackage, McpRemote, ServerJson } from "./server-json.js";

export type LaunchSpec =
  | { kind: "stdio"; command: string; args: string[]; env: Record<string, string> }
  | { kind: "streamable-http" | "sse"; url: string; headers: Record<string, string> };

export type Target = { kind: "package"; pkg: McpPackage; index: number } | { kind: "remote"; remote: McpRemote; index: number };

/** The first stdio package (not an mcpb bundle, which a client installs), else the first remote. */
export function launchTarget(doc: ServerJson): Target | null {
  const packages = doc.packages ?? [];
  const index = packages.findIndex((p) => p.transport.type === "stdio" && p.registryType !== "mcpb");
  const pkg = packages[index];
  if (pkg) return { kind: "package", pkg, index };
  const remote = doc.remotes?.[0];
  if (remote) return { kind: "remote", remote, index: 0 };
  return null;
}

/** The inputs a target reads from stored env values: package variables, or remote headers. */
export function declaredInputs(target: Target | null): McpKeyValue[] {
  if (!target) return [];
  return target.kind === "package" ? (target.pkg.environmentVariables ?? []) : (target.remote.headers ?? []);
}

const PLACEHOLDER = /\{([A-Za-z0-9_.-]+)\}/g;

/**
 * Required inputs that cannot be filled: no stored value, no default, and no fixed value (or a
 * templated one, e.g. "Bearer {token}", whose placeholders are not all stored).
 */
export function missingEnv(doc: ServerJson, setNames: ReadonlySet<string>): string[] {
  const filled = (v: McpKeyValue) => {
    if (setNames.has(v.name) || v.default !== undefined) return true;
    if (v.value === undefined) return false;
    return [...v.value.matchAll(PLACEHOLDER)].every((m) => m[1] !== undefined && setNames.has(m[1]));
  };
  return declaredInputs(launchTarget(doc))
    .filter((v) => v.isRequired && !filled(v))
    .map((v) => v.name);
}

function fill(template: string, values: ReadonlyMap<string, string>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
}

function renderArgs(list: McpArgument[] | undefined, values: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const a of list ?? []) {
    const raw = a.value ?? a.default;
    const value = raw === undefined ? undefined : fill(raw, values);
    if (a.type === "named") {
      if (!a.name) continue;
      if (value === undefined) out.push(a.name);
      else if (a.name.endsWith("=")) out.push(`${a.name}${value}`);
      else out.push(a.name, value);
    } else if (value !== undefined) out.push(value);
  }
  return out;
}

const DEFAULT_RUNTIME: Record<McpPackage["registryType"], string | null> = {
  npm: "npx",
  pypi: "uvx",
  oci: "docker",
  nuget: "dnx",
  mcpb: null,
};

/** The env a process gets: stored values, then declared defaults for what is not stored. */
export function processEnv(target: Target | null, values: ReadonlyMap<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of declaredInputs(target)) {
    const given = values.get(v.name) ?? v.value ?? v.default;
    if (given !== undefined) env[v.name] = fill(given, values);
  }
  for (const [k, v] of values) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) env[k] ??= v;
  return env;
}

/** The command line for a package; throws InvalidInputError when it cannot be run locally. */
export function packageCommand(pkg: McpPackage, values: ReadonlyMap<string, string>, envNames: string[]): { command: string; args: string[] } {
  const runtime = pkg.runtimeHint ?? DEFAULT_RUNTIME[pkg.registryType];
  if (!runtime) throw new InvalidInputError("packages", `an ${pkg.registryType} package is installed by the client, not run from a command`);
  const runtimeArgs = renderArgs(pkg.runtimeArguments, values);
  const packageArgs = renderArgs(pkg.packageArguments, values);
  const version = pkg.version;
  switch (runtime) {
    case "npx": {
      const yes = runtimeArgs.includes("-y") || runtimeArgs.includes("--yes") ? [] : ["-y"];
      return { command: "npx", args: [...yes, ...runtimeArgs, version ? `${pkg.identifier}@${version}` : pkg.identifier, ...packageArgs] };
    }
    case "uvx":
      return { command: "uvx", args: [...runtimeArgs, version ? `${pkg.identifier}==${version}` : pkg.identifier, ...packageArgs] };
    case "docker": {
      const tagged = /[:@][^/]*$/.test(pkg.identifier) || !version ? pkg.identifier : `${pkg.identifier}:${version}`;
      const envFlags = envNames.flatMap((n) => ["-e", n]);
      return { command: "docker", args: ["run", "-i", "--rm", ...runtimeArgs, ...envFlags, tagged, ...packageArgs] };
    }
    case "dnx":
      return { command: "dnx", args: [...runtimeArgs, version ? `${pkg.identifier}@${version}` : pkg.identifier, "--yes", ...packageArgs] };
    default:
      // Another runtime (node, python, …): it runs the identifier with the arguments as given.
      return { command: runtime, args: [...runtimeArgs, pkg.identifier, ...packageArgs] };
  }
}

/** How to reach the server: spawn its package, or connect to its remote. */
export function launchSpec(doc: ServerJson, values: ReadonlyMap<string, string>): LaunchSpec {
  const target = launchTarget(doc);
  if (!target) throw new InvalidInputError("packages", "the server has no stdio package or remote to run or reach");
  if (target.kind === "remote") {
    const headers: Record<string, string> = {};
    for (const h of target.remote.headers ?? []) {
      const v = values.get(h.name) ?? h.value ?? h.default;
      if (v !== undefined) headers[h.name] = fill(v, values);
    }
    return { kind: target.remote.type, url: fill(target.remote.url, values), headers };
  }
  const env = processEnv(target, values);
  const { command, args } = packageCommand(target.pkg, values, Object.keys(env));
  return { kind: "stdio", command, args, env };
}
