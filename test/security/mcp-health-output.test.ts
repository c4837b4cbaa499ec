// Item 2: process output from checks is seen by admins only, stored truncated, with secrets masked
// in any printed form (base64 included, short secrets too); other readers see a classified reason,
// and the server log gets the reason, never the output.
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/logger.js";
import { useTestApp } from "../helpers/app.js";
import { nodeScriptServer, registerServer } from "../mcp/fixtures.js";

const SECRET = "sk-live-8f3b2c1d9e7a";
const SHORT = "q7z";
const lines: string[] = [];

function leaky() {
  // Prints a lot of noise, then both secrets, plain, base64 and hex, then dies.
  const script =
    'const k = process.env.API_KEY, s = process.env.PIN; process.stderr.write("n".repeat(5000) + " key " + k + " b64 " + Buffer.from(k).toString("base64") + " hex " + Buffer.from(k).toString("hex") + " pin " + s + " pin64 " + Buffer.from(s).toString("base64")); process.exit(2)';
  return nodeScriptServer("io.github.acme/leaky", script, "Prints its secrets", [
    { name: "API_KEY", isSecret: true },
    { name: "PIN", isSecret: true },
  ]);
}

const Read = `query R($name: String!) { mcpServer(name: $name) { health { status recentErrors { reason message } } healthHistory(first: 5) { edges { node { reason error } } } } }`;

describe("health output", () => {
  const t = useTestApp({ env: { SKILLGRAPH_SECRET_KEY: Buffer.alloc(32, 3).toString("base64") }, logger: createLogger("debug", (l) => lines.push(l)) });

  it("shows the detail to admins only, truncated and masked; a classified reason to everyone else and to the log", async () => {
    const id = await registerServer(t(), null, leaky());
    (await t().execute(`mutation { setMcpServerEnv(id: "${id}", values: [{ name: "API_KEY", value: "${SECRET}" }, { name: "PIN", value: "${SHORT}" }]) { __typename } }`, undefined, { token: "write" })).expectNoErrors();
    (await t().execute(`mutation { checkMcpServerHealth(id: "${id}") { __typename } }`, undefined, { token: "write" })).expectNoErrors();

    const asReader = JSON.stringify((await t().execute(Read, { name: "io.github.acme/leaky" })).expectNoErrors());
    expect(asReader).toContain('"reason":"EXITED"');
    expect(asReader).toContain("The process exited before the handshake finished.");
    expect(asReader).not.toMatch(/stderr|key |b64|pin/);

    const asAdmin = (await t().execute(Read, { name: "io.github.acme/leaky" }, { token: "admin" })).expectNoErrors() as { mcpServer: { health: { recentErrors: { message: string }[] }; healthHistory: { edges: { node: { error: string } }[] } } };
    const detail = asAdmin.mcpServer.health.recentErrors[0]?.message ?? "";
    expect(detail).toMatch(/exited \(code 2\)/);
    expect(detail).toContain("key ****");
    expect(detail).toContain("b64 ****");
    expect(detail).toContain("hex ****");
    expect(detail).toContain("pin ****");
    expect(detail.length).toBeLessThanOrEqual(500);
    expect(asAdmin.mcpServer.healthHistory.edges[0]?.node.error.length).toBeLessThanOrEqual(500);

    const forms = [SECRET, Buffer.from(SECRET).toString("base64"), Buffer.from(SECRET).toString("hex"), SHORT, Buffer.from(SHORT).toString("base64")];
    const stored = JSON.stringify([await t().app.database.prisma.mcpHealth.findMany(), await t().app.database.prisma.mcpHealthCheck.findMany()]);
    for (const where of [asReader, JSON.stringify(asAdmin), stored, lines.join("")]) for (const f of forms) expect(where.includes(f), f).toBe(false);
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; reason?: string }).find((l) => l.msg === "mcp health check");
    expect(logged?.reason).toBe("EXITED");
  });
});
