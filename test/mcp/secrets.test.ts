// Secrets never leave: not in any response, log line, error message or stored column (only the
// deployed client settings file, which is the point of deploying, holds them).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/lib/logger.js";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { openSse } from "../helpers/sse.js";
import {
  CheckMcpServerHealth,
  DeployMcpServer,
  McpHealthChanged,
  McpServerByName,
  McpServers,
  RegisterMcpServer,
  SetMcpServerEnv,
  UndeployMcpServer,
  UpdateMcpServer,
} from "./documents.js";
import { approveServer, stdioServer } from "./fixtures.js";

const SECRETS = ["sk-live-SECRET-3f9a1c7e", "tok-EXTRA-77d1e0b2"];
const root = mkdtempSync(join(tmpdir(), "skillgraph-secrets-"));

describe("secrets never appear in responses, logs or errors", () => {
  const lines: string[] = [];
  let t: TestApp;
  const captured: string[] = [];
  const spies: { mockRestore(): void }[] = [];

  beforeAll(async () => {
    // Everything written to stderr/stdout or the console while the app runs, plus the app logger at debug.
    const keep = (chunk: unknown) => captured.push(typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk));
    const realErr = process.stderr.write.bind(process.stderr);
    spies.push(vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => (keep(chunk), realErr(chunk))));
    for (const m of ["log", "info", "warn", "error", "debug"] as const) {
      spies.push(vi.spyOn(console, m).mockImplementation((...args: unknown[]) => keep(args.map(String).join(" "))));
    }
    t = await createTestApp({
      env: { SKILLGRAPH_SECRET_KEY: Buffer.alloc(32, 6).toString("base64"), SKILLGRAPH_MCP_SETTINGS_ROOT: root, LOG_LEVEL: "debug" },
      logger: createLogger("debug", (line) => lines.push(line)),
    });
  });
  afterAll(async () => {
    await t.close();
    for (const s of spies) s.mockRestore();
    rmSync(root, { recursive: true, force: true });
  });

  it("keeps both secrets out of everything but the deployed settings file", async () => {
    const responses: unknown[] = [];
    const run = async <T, V>(doc: TypedDocumentNode<T, V>, variables: V, token: "read" | "write" | "admin" = "write") => {
      const r = await t.execute(doc, variables, { token });
      responses.push(r.data, r.errors);
      return r.data;
    };

    const reg = (await run(RegisterMcpServer, { input: stdioServer("healthy", "secretive") }))?.registerMcpServer;
    const id = reg?.__typename === "RegisterMcpServerPayload" ? reg.server.id : "";
    expect(id).not.toBe("");
    await approveServer(t, id);

    await run(SetMcpServerEnv, { id, values: [{ name: "API_KEY", value: SECRETS[0] }, { name: "EXTRA", value: SECRETS[1] }] });
    // Bad input that carries a secret: the error names the field and rule, never the value.
    await run(SetMcpServerEnv, { id, values: [{ name: "API_KEY", value: SECRETS[0] }, { name: "API_KEY", value: SECRETS[1] }] });
    await run(SetMcpServerEnv, { id, values: [{ name: `bad name ${SECRETS[0]}`, value: SECRETS[0] }] });
    await run(McpServerByName, { name: "io.github.skillgraph-tests/secretive" }, "read");
    await run(McpServers, { first: 10 }, "read");
    // EXTRA is a new variable name: the launch specification changed, so an admin approves it again.
    await approveServer(t, id);

    await run(DeployMcpServer, { id, input: { dryRun: true } });
    await run(DeployMcpServer, { id, input: {} });
    await run(DeployMcpServer, { id, input: { dryRun: true } });
    await run(CheckMcpServerHealth, { id });

    // A server that prints its key on the way down: stderr is quoted in the error (to admins), masked.
    await run(UpdateMcpServer, { id, input: stdioServer("crash", "secretive") });
    await approveServer(t, id);
    await run(CheckMcpServerHealth, { id }, "admin");
    await run(McpServerByName, { name: "io.github.skillgraph-tests/secretive" }, "read");

    // The subscription stream (SSE) sees the change events.
    const sse = await openSse(t.app, print(McpHealthChanged), { serverId: id }, t.tokens.read);
    setTimeout(
      () =>
        void run(UpdateMcpServer, { id, input: stdioServer("healthy", "secretive") })
          .then(() => approveServer(t, id))
          .then(() => run(CheckMcpServerHealth, { id })),
      100,
    );
    await sse.readUntil(() => sse.text.includes("HEALTHY"));
    await sse.close();
    const stream = sse.text;
    expect(stream).toContain("HEALTHY");

    await run(UndeployMcpServer, { id, input: {} });

    const stored = JSON.stringify(
      await Promise.all([
        t.app.database.prisma.mcpServer.findMany(),
        t.app.database.prisma.mcpServerEnv.findMany(),
        t.app.database.prisma.mcpHealth.findMany(),
        t.app.database.prisma.mcpHealthCheck.findMany(),
        t.app.database.prisma.mcpDeployment.findMany(),
      ]),
    );
    const everything = { responses: JSON.stringify(responses), logs: lines.join(""), captured: captured.join(""), stream, stored };
    // The test would be worthless if nothing was said: make sure errors and logs were produced.
    expect(everything.responses).toContain("exited (code 3)");
    expect(everything.responses).toContain("API_KEY=****");
    expect(everything.responses).toContain('"__typename":"InvalidInputError"');
    expect(everything.logs).toContain("mcp health check");
    for (const [where, text] of Object.entries(everything)) {
      for (const secret of SECRETS) expect(text.includes(secret), `${secret} found in ${where}`).toBe(false);
    }
    // The backups of the settings file are the client's own config: 0600, like the file.
    const bak = readdirSync(root).filter((f) => f.endsWith(".bak"));
    expect(bak.length).toBeGreaterThan(0);
    expect(readFileSync(join(root, "claude_desktop_config.json"), "utf8")).not.toContain(SECRETS[0]);
  });
});
