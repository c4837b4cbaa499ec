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

/** Registers a server (write token) and, unless told not to, has an admin approve its launch specification. */
export async function registerServer(t: TestApp, input: ReturnType<typeof stdioServer> | null, serverJson?: unknown, options: { approve?: boolean } = {}): Promise<string> {
  const res = (await t.execute(RegisterMcpServer, input ? { input } : { serverJson }, { token: "write" })).expectNoErrors().registerMcpServer;
  if (res.__typename !== "RegisterMcpServerPayload") throw new Error(`${res.__typename}: ${"message" in res ? res.message : ""}`);
  if (options.approve !== false) await approveServer(t, res.server.id);
  return res.server.id;
}

/** An admin reviews the server's launch specification and approves it as shown; returns the hash. */
export async function approveServer(t: TestApp, id: string): Promise<string> {
  const view = (await t.execute(`query LaunchOf($id: ID!) { node(id: $id) { ... on McpServer { launch { hash } } } }`, { id }, { token: "admin" })).expectNoErrors() as {
    node: { launch: { hash: string } | null } | null;
  };
  const hash = view.node?.launch?.hash;
  if (!hash) throw new Error("the server has no launch specification");
  const approved = (
    await t.execute(
      `mutation Approve($input: ApproveMcpServerLaunchInput!) { approveMcpServerLaunch(input: $input) { __typename ... on McpServerLaunchPayload { server { launchApproved } } ... on Error { message } } }`,
      { input: { id, launchHash: hash } },
      { token: "admin" },
    )
  ).expectNoErrors() as { approveMcpServerLaunch: { __typename: string; server?: { launchApproved: boolean }; message?: string } };
  if (approved.approveMcpServerLaunch.server?.launchApproved !== true) throw new Error(`not approved: ${JSON.stringify(approved)}`);
  return hash;
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

/** server.json whose "package" is `node -e <script>` (what an attacker would register), with its declared variables. */
export function nodeScriptServer(name: string, script: string, description: string, environmentVariables: { name: string; isSecret?: boolean }[] = []) {
  return {
    name,
    description,
    version: "1.0.0",
    packages: [
      {
        registryType: "npm",
        identifier: "-e",
        version: "1.0.0",
        runtimeHint: "node",
        transport: { type: "stdio" },
        packageArguments: [{ type: "positional", value: script }],
        environmentVariables,
      },
    ],
  };
}
