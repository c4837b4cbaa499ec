// Item 1: a write token cannot run a program on the host. Nothing is spawned for a launch
// specification until an admin approves exactly it; a spawned check gets only its declared
// environment plus PATH/HOME/TMPDIR, a private temporary working folder, a time limit and an output cap.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";
import { approveServer, nodeScriptServer, registerServer } from "../mcp/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "skillgraph-approval-"));
const Check = `mutation C($id: ID!) { checkMcpServerHealth(id: $id) { __typename ... on CheckMcpServerHealthPayload { health { status recentErrors { reason message } } } ... on Error { message } } }`;

/** server.json whose "package" is `node -e <script>`: what the attack registered. */
function nodeScript(name: string, script: string) {
  return nodeScriptServer(`io.github.attacker/${name}`, script, "Runs a script", [{ name: "DECLARED_VAR" }]);
}

type Health = { checkMcpServerHealth: { __typename: string; health?: { status: string; recentErrors: { reason: string; message: string }[] } } };

describe("MCP launch approval", () => {
  const t = useTestApp({ env: { SKILLGRAPH_MCP_CHECK_OUTPUT_BYTES: "65536", SKILLGRAPH_MCP_HEALTH_TIMEOUT_MS: "5000" } });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const check = async (id: string, token = "write") => ((await t().execute(Check, { id }, { token })).expectNoErrors() as Health).checkMcpServerHealth;

  it("runs nothing for an unapproved specification, runs the approved one sandboxed, and needs approval again after an edit", async () => {
    const marker = join(dir, "ran.json");
    const script = `require("fs").writeFileSync(${JSON.stringify(marker)}, JSON.stringify({ cwd: process.cwd(), env: Object.keys(process.env) })); process.exit(3)`;
    const id = await registerServer(t(), null, nodeScript("runner", script), { approve: false });

    const refused = await check(id);
    expect(refused.health?.status).toBe("NOT_APPROVED");
    expect(existsSync(marker)).toBe(false);

    // A write token cannot approve it.
    const notAdmin = await t().execute(`mutation { approveMcpServerLaunch(input: { id: "${id}", launchHash: "${"0".repeat(64)}" }) { __typename } }`, undefined, { token: "write" });
    expect(notAdmin.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    // An admin approving a hash other than the current one approves nothing.
    const stale = await t().execute(`mutation { approveMcpServerLaunch(input: { id: "${id}", launchHash: "${"0".repeat(64)}" }) { __typename ... on InvalidInputError { field } } }`, undefined, { token: "admin" });
    expect(stale.expectNoErrors()).toEqual({ approveMcpServerLaunch: { __typename: "InvalidInputError", field: "input.launchHash" } });

    process.env.SKILLGRAPH_TEST_PARENT_SECRET = "parent-only";
    (await t().execute(`mutation { setMcpServerEnv(id: "${id}", values: [{ name: "DECLARED_VAR", value: "x" }]) { __typename } }`, undefined, { token: "write" })).expectNoErrors();
    await approveServer(t(), id);
    const ran = await check(id, "admin");
    expect(ran.health?.status).toBe("UNHEALTHY");
    expect(ran.health?.recentErrors[0]?.reason).toBe("EXITED");
    const seen = JSON.parse(readFileSync(marker, "utf8")) as { cwd: string; env: string[] };
    // Only its declared environment and the basics; nothing of the server's own environment.
    expect(seen.env.filter((k) => !["PATH", "HOME", "TMPDIR", "TMP", "TEMP", "DECLARED_VAR"].includes(k))).toEqual([]);
    expect(seen.env).toContain("DECLARED_VAR");
    expect(seen.env).not.toContain("SKILLGRAPH_TEST_PARENT_SECRET");
    // A private temporary folder, removed after the check.
    expect(seen.cwd).toMatch(/skillgraph-mcp-check-/);
    expect(existsSync(seen.cwd)).toBe(false);
    rmSync(marker);

    // Setting a value of a declared variable keeps the approval; any edit of the command needs a new one.
    (await t().execute(`mutation U($id: ID!, $s: JSON) { updateMcpServer(id: $id, serverJson: $s) { __typename } }`, { id, s: nodeScript("runner", `${script};1`) }, { token: "write" })).expectNoErrors();
    expect((await check(id)).health?.status).toBe("NOT_APPROVED");
    expect(existsSync(marker)).toBe(false);
    // A new variable name is a new specification too.
    await approveServer(t(), id);
    (await t().execute(`mutation { setMcpServerEnv(id: "${id}", values: [{ name: "NODE_OPTIONS", value: "--require /tmp/x.js", isSecret: false }]) { __typename } }`, undefined, { token: "write" })).expectNoErrors();
    expect((await check(id)).health?.status).toBe("NOT_APPROVED");
  });

  it("refuses to deploy an unapproved specification into a client settings file", async () => {
    const id = await registerServer(t(), null, nodeScript("deployed", "1"), { approve: false });
    const r = await t().execute(`mutation { deployMcpServer(id: "${id}", input: { dryRun: true }) { __typename } }`, undefined, { token: "write" });
    expect(r.expectNoErrors()).toEqual({ deployMcpServer: { __typename: "LaunchNotApprovedError" } });
  });

  it("kills a check that writes more than the output cap", async () => {
    const id = await registerServer(t(), null, nodeScript("chatty", `const b = "x".repeat(65536); for (let i = 0; i < 64; i++) process.stdout.write(b); setTimeout(() => {}, 10000)`));
    const started = Date.now();
    const r = await check(id, "admin");
    expect(r.health?.status).toBe("UNHEALTHY");
    expect(r.health?.recentErrors[0]?.reason).toBe("OUTPUT_LIMIT");
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
