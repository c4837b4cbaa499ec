// Registering the fixture MCP servers (test/fixtures/mcp) as registry entries.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TestApp } from "../helpers/app.js";
import { RegisterMcpServer } from "./documents.js";

export const STDIO_FIXTURE = fileURLToPath(new URL("../fixtures/mcp/stdio-server.mjs", import.meta.url));

export type FixtureMode = "healthy" | "slow" | "crash" | "hang" | "tool-error";

/** A server.json for the stdio fixture: an npm package run by `node` (runtimeHint) from a local path. */
export function stdioServer(mode: FixtureMode, name: string = mode) {
  return {
    name: `io.github.skillgraph-tests/${name}`,
    description: `Fixture server (${mode})`,
    version: "1.2.3",
    packages: [
      {
        registryType: "NPM" as const,
        identifier: STDIO_FIXTURE,
        version: "1.2.3",
        runtimeHint: "node",
        transport: { type: "STDIO" as const },
        packageArguments: [{ type: "POSITIONAL" as const, value: mode }],
        environmentVariables: [
          { name: "API_KEY", isRequired: true, isSecret: true },
          { name: "FIXTURE_PID_FILE" },
          { name: "FIXTURE_DELAY_MS" },
        ],
      },
    ],
  };
}

export async function registerServer(t: TestApp, input: ReturnType<typeof stdioServer> | null, serverJson?: unknown): Promise<string> {
  const res = (await t.execute(RegisterMcpServer, input ? { input } : { serverJson }, { token: "write" })).expectNoErrors().registerMcpServer;
  if (res.__typename !== "RegisterMcpServerPayload") throw new Error(`${res.__typename}: ${"message" in res ? res.message : ""}`);
  return res.server.id;
}

/** Running (a zombie awaiting its reaper is not running). */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}
