// Pure logic of the MCP module: server.json rules, command lines, sealing, settings paths,
// remote transport selection; and the CPU priority of checked servers.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/lib/errors.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { parseSecretKey } from "../../src/modules/mcp/config.js";
import { shouldTrySse } from "../../src/modules/mcp/health-check.js";
import { lowerPriority } from "../../src/modules/mcp/process-transport.js";
import { launchSpec, missingEnv } from "../../src/modules/mcp/launch.js";
import { redact, SecretBox } from "../../src/modules/mcp/secrets.js";
import { serverJsonSchema, versionProblem, type ServerJson } from "../../src/modules/mcp/server-json.js";
import { diff, resolveSettingsPath } from "../../src/modules/mcp/settings-file.js";

const base = { name: "io.github.acme/weather", description: "Weather for agents", version: "1.0.2" };
const npm = (extra: Record<string, unknown> = {}) => ({ registryType: "npm", identifier: "@acme/weather-mcp", version: "1.0.2", transport: { type: "stdio" }, ...extra });

function issues(doc: unknown): string[] {
  const r = serverJsonSchema.safeParse(doc);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("server.json (2025-09-29) validation", () => {
  it("accepts a registry document verbatim, keeping unknown keys and _meta", () => {
    const doc = {
      $schema: "https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json",
      ...base,
      title: "Weather",
      websiteUrl: "https://acme.dev/weather",
      repository: { url: "https://github.com/acme/weather", source: "github", subfolder: "servers/weather" },
      packages: [
        npm({
          runtimeHint: "npx",
          packageArguments: [{ type: "named", name: "--units", value: "metric" }],
          environmentVariables: [{ name: "WEATHER_API_KEY", isRequired: true, isSecret: true, description: "API key" }],
        }),
        { registryType: "oci", identifier: "docker.io/acme/weather:1.0.2", transport: { type: "stdio" } },
      ],
      remotes: [{ type: "streamable-http", url: "https://mcp.acme.dev/{tenant}/mcp", headers: [{ name: "Authorization", isSecret: true, value: "Bearer {token}" }] }],
      _meta: { "io.modelcontextprotocol.registry/publisher-provided": { tool: "x" } },
      futureField: 1,
    };
    const r = serverJsonSchema.parse(doc);
    expect(r).toEqual(doc);
  });

  it("names the field and the rule for each problem", () => {
    expect(issues({ ...base, name: "weather" })).toEqual(["name: must be reverse-DNS namespace/name, e.g. io.github.owner/server"]);
    expect(issues({ ...base, version: "^1.0.0" })).toEqual(["version: must be an exact version, not a range (e.g. 1.0.2, not ^1.0.2)"]);
    expect(issues({ ...base, description: "x".repeat(101) })).toEqual(["description: must be at most 100 characters"]);
    expect(issues({ ...base, packages: [npm({ version: "1.x" })] })).toEqual(["packages.0.version: must be an exact version, not a range (e.g. 1.0.2, not ^1.0.2)"]);
    expect(issues({ ...base, packages: [npm({ registryType: "cargo" })] })[0]).toMatch(/^packages\.0\.registryType: must be one of npm, pypi/);
    expect(issues({ ...base, packages: [npm({ transport: { type: "websocket" } })] })[0]).toMatch(/^packages\.0\.transport/);
    expect(issues({ ...base, packages: [npm({ runtimeHint: "/bin/sh" })] })).toEqual(["packages.0.runtimeHint: must be a bare command name (e.g. npx, uvx, docker), not a path"]);
    expect(issues({ ...base, packages: [npm({ environmentVariables: [{ name: "1BAD" }] })] })[0]).toMatch(/^packages\.0\.environmentVariables\.0\.name: must be an environment variable name/);
    expect(issues({ ...base, packages: [npm({ environmentVariables: [{ name: "A" }, { name: "A" }] })] })).toEqual([
      'packages.0.environmentVariables.1.name: must be unique: variable "A" is listed twice',
    ]);
    expect(issues({ ...base, packages: [npm({ environmentVariables: [{ name: "KEY", isSecret: true, value: "sk-live-1" }] })] })).toEqual([
      "packages.0.environmentVariables.0.value: must not be given for a secret input (set it with setMcpServerEnv)",
    ]);
    expect(issues({ ...base, remotes: [{ type: "sse", url: "ftp://x" }] })).toEqual(["remotes.0.url: must be an http(s) URL"]);
    expect(issues({ ...base, repository: { url: "https://github.com/a/b", source: "github", subfolder: "../x" } })[0]).toMatch(/^repository\.subfolder: must be a relative path/);
    expect(issues({ ...base, $schema: "https://static.modelcontextprotocol.io/schemas/2025-07-09/server.schema.json" })[0]).toMatch(/^\$schema: must be the 2025-09-29/);
    expect(issues({ ...base, packages: [npm({ version: undefined })] })).toEqual(["packages.0.version: is required for a npm package"]);
  });

  it("tells exact versions from ranges", () => {
    for (const ok of ["1.0.2", "2025.9.29", "1.0.0-beta.1", "v3", "0.0.1+build.5"]) expect(versionProblem(ok)).toBeNull();
    for (const bad of ["^1.0.0", "~1.2", ">=1", "1.x", "1.2.*", "*", "latest", "1.0 || 2.0", " 1.0"]) expect(versionProblem(bad)).not.toBeNull();
  });
});

describe("launch commands", () => {
  const parse = (doc: unknown) => serverJsonSchema.parse(doc) as ServerJson;

  it("derives npx, uvx, docker and dnx command lines with arguments and env", () => {
    const values = new Map([["WEATHER_API_KEY", "k1"]]);
    const withEnv = { environmentVariables: [{ name: "WEATHER_API_KEY", isRequired: true, isSecret: true }, { name: "UNITS", default: "metric" }] };
    expect(launchSpec(parse({ ...base, packages: [npm({ ...withEnv, packageArguments: [{ type: "named", name: "--port", value: "8080" }, { type: "positional", value: "serve" }] })] }), values)).toEqual({
      kind: "stdio",
      command: "npx",
      args: ["-y", "@acme/weather-mcp@1.0.2", "--port", "8080", "serve"],
      env: { WEATHER_API_KEY: "k1", UNITS: "metric" },
    });
    expect(launchSpec(parse({ ...base, packages: [{ registryType: "pypi", identifier: "weather-mcp", version: "0.3.0", transport: { type: "stdio" } }] }), new Map())).toMatchObject({
      command: "uvx",
      args: ["weather-mcp==0.3.0"],
    });
    expect(launchSpec(parse({ ...base, packages: [{ registryType: "oci", identifier: "ghcr.io/acme/weather", version: "1.0.2", transport: { type: "stdio" }, ...withEnv }] }), values)).toMatchObject({
      command: "docker",
      args: ["run", "-i", "--rm", "-e", "WEATHER_API_KEY", "-e", "UNITS", "ghcr.io/acme/weather:1.0.2"],
    });
    expect(launchSpec(parse({ ...base, packages: [{ registryType: "nuget", identifier: "Acme.Weather", version: "1.0.2", transport: { type: "stdio" } }] }), new Map())).toMatchObject({
      command: "dnx",
      args: ["Acme.Weather@1.0.2", "--yes"],
    });
  });

  it("reaches a remote with its headers filled from stored values", () => {
    const doc = parse({ ...base, remotes: [{ type: "streamable-http", url: "https://mcp.acme.dev/mcp", headers: [{ name: "Authorization", isSecret: true, isRequired: true, value: "Bearer {token}" }] }] });
    expect(missingEnv(doc, new Set())).toEqual(["Authorization"]);
    expect(missingEnv(doc, new Set(["token"]))).toEqual([]);
    expect(launchSpec(doc, new Map([["token", "t0k3n"]]))).toEqual({ kind: "streamable-http", url: "https://mcp.acme.dev/mcp", headers: { Authorization: "Bearer t0k3n" } });
  });

  it("lists required variables that are neither set nor defaulted", () => {
    const doc = parse({ ...base, packages: [npm({ environmentVariables: [{ name: "A", isRequired: true }, { name: "B", isRequired: true, default: "x" }, { name: "C" }] })] });
    expect(missingEnv(doc, new Set())).toEqual(["A"]);
    expect(missingEnv(doc, new Set(["A"]))).toEqual([]);
  });

  it("refuses an mcpb-only server (the client installs bundles)", () => {
    const doc = parse({ ...base, packages: [{ registryType: "mcpb", identifier: "https://x.dev/a.mcpb", fileSha256: "a".repeat(64), transport: { type: "stdio" } }] });
    expect(() => launchSpec(doc, new Map())).toThrow(InvalidInputError);
  });
});

describe("secrets", () => {
  const box = new SecretBox(Buffer.alloc(32, 7));

  it("seals with AES-256-GCM, bound to its row, and detects another key or tampering", () => {
    const sealed = box.seal("sk-live-abc", "s1\u0000KEY");
    expect(sealed).not.toContain("sk-live-abc");
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(box.seal("sk-live-abc", "s1\u0000KEY")).not.toBe(sealed); // random IV
    expect(box.open(sealed, "s1\u0000KEY")).toBe("sk-live-abc");
    expect(() => box.open(sealed, "s2\u0000KEY")).toThrow(/failed authentication/);
    expect(() => new SecretBox(Buffer.alloc(32, 8)).open(sealed, "s1\u0000KEY")).toThrow(/sealed with another key/);
    const parts = sealed.split(".");
    parts[4] = Buffer.from("tampered").toString("base64url");
    expect(() => box.open(parts.join("."), "s1\u0000KEY")).toThrow(/failed authentication/);
  });

  it("parses keys as hex or base64 and masks secrets in text", () => {
    expect(parseSecretKey("ab".repeat(32))?.length).toBe(32);
    expect(parseSecretKey(Buffer.alloc(32, 1).toString("base64"))?.length).toBe(32);
    expect(parseSecretKey("too-short")).toBeNull();
    expect(redact("key=sk-1234 again sk-1234", ["sk-1234"])).toBe("key=**** again ****");
  });
});

describe("settings paths", () => {
  const root = mkdtempSync(join(tmpdir(), "skillgraph-settings-"));
  const outside = mkdtempSync(join(tmpdir(), "skillgraph-outside-"));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it("keeps paths inside the settings root, symlinks included", async () => {
    const fallback = join(root, "claude_desktop_config.json");
    await expect(resolveSettingsPath(root, null, fallback)).resolves.toBe(fallback);
    await expect(resolveSettingsPath(root, "team/settings.json", fallback)).resolves.toBe(join(root, "team/settings.json"));
    await expect(resolveSettingsPath(root, "../escape.json", fallback)).rejects.toThrow(/settingsPath: must be inside the settings folder/);
    await expect(resolveSettingsPath(root, join(outside, "x.json"), fallback)).rejects.toThrow(/must be inside the settings folder/);
    await expect(resolveSettingsPath(root, "notes.txt", fallback)).rejects.toThrow(/must name a \.json file/);
    mkdirSync(join(root, "sub"));
    symlinkSync(outside, join(root, "link"));
    await expect(resolveSettingsPath(root, "link/settings.json", fallback)).rejects.toThrow(/a symlink leads out/);
    writeFileSync(join(outside, "target.json"), "{}");
    symlinkSync(join(outside, "target.json"), join(root, "sub", "file.json"));
    await expect(resolveSettingsPath(root, "sub/file.json", fallback)).rejects.toThrow(/a symlink leads out/);
  });

  it("diffs JSON leaves", () => {
    expect(diff({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 }, d: 4 }, "x")).toEqual([
      { kind: "CHANGED", path: "x.b.c", before: 2, after: 3 },
      { kind: "ADDED", path: "x.d", before: null, after: 4 },
    ]);
    expect(diff(undefined, { a: 1 }, "x")).toEqual([{ kind: "ADDED", path: "x", before: null, after: { a: 1 } }]);
  });
});

describe("remote transport selection", () => {
  const remote = (kind: "streamable-http" | "sse") => ({ kind, url: "http://127.0.0.1:1/mcp", headers: {} });
  it("tries SSE only for a streamable-http remote that answered 400, 404 or 405", () => {
    for (const code of [400, 404, 405]) expect(shouldTrySse(remote("streamable-http"), new StreamableHTTPError(code, "no"))).toBe(true);
    for (const code of [401, 403, 500, 503]) expect(shouldTrySse(remote("streamable-http"), new StreamableHTTPError(code, "no"))).toBe(false);
    expect(shouldTrySse(remote("streamable-http"), new Error("ECONNREFUSED"))).toBe(false);
    expect(shouldTrySse(remote("sse"), new StreamableHTTPError(405, "no"))).toBe(false);
  });
});

describe.skipIf(process.platform !== "linux")("checked servers' CPU priority", () => {
  it("lowers the child's nice value and its session's autogroup (a detached child leads its own)", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 5000)"], { detached: true, stdio: "ignore" });
    const pid = child.pid;
    if (pid === undefined) throw new Error("no pid");
    try {
      lowerPriority(pid, 15);
      expect(getPriority(pid)).toBe(15);
      let autogroup = "";
      try {
        autogroup = readFileSync(`/proc/${pid}/autogroup`, "utf8");
      } catch {
        return; // a kernel without autogroup: nothing more to lower
      }
      for (let i = 0; i < 40 && !/nice 15/.test(autogroup); i++) {
        await new Promise((r) => setTimeout(r, 25));
        autogroup = readFileSync(`/proc/${pid}/autogroup`, "utf8");
      }
      expect(autogroup).toMatch(/nice 15/);
      // This process's own group is untouched.
      expect(readFileSync("/proc/self/autogroup", "utf8")).not.toMatch(/nice 15/);
    } finally {
      process.kill(-pid, "SIGKILL");
    }
  });
});
