import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";
import { DeployMcpServer, McpServers, RegisterMcpServer, RemoveMcpServer, SetMcpServerEnv, UndeployMcpServer } from "./documents.js";
import { approveServer } from "./fixtures.js";

const root = mkdtempSync(join(tmpdir(), "skillgraph-deploy-"));
const SECRET = "sk-deploy-5a4b3c2d1e";

const weather = {
  name: "io.github.acme/weather",
  description: "Weather for agents",
  version: "1.0.2",
  packages: [
    {
      registryType: "NPM" as const,
      identifier: "@acme/weather-mcp",
      version: "1.0.2",
      transport: { type: "STDIO" as const },
      packageArguments: [{ type: "NAMED" as const, name: "--units", value: "metric" }],
      environmentVariables: [
        { name: "WEATHER_API_KEY", isRequired: true, isSecret: true },
        { name: "REGION", default: "eu" },
      ],
    },
  ],
};

const others = {
  globalShortcut: "Ctrl+Space",
  mcpServers: { filesystem: { command: "npx", args: ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"] } },
};

describe("deploying MCP servers into client settings files", () => {
  const t = useTestApp({ env: { SKILLGRAPH_SECRET_KEY: Buffer.alloc(32, 9).toString("hex"), SKILLGRAPH_MCP_SETTINGS_ROOT: root } });
  const file = join(root, "claude_desktop_config.json");
  let id = "";

  beforeEach(async () => {
    await t().clear();
    for (const f of readdirSync(root)) rmSync(join(root, f), { recursive: true, force: true });
    writeFileSync(file, `${JSON.stringify(others, null, 2)}\n`);
    const r = (await t().execute(RegisterMcpServer, { input: weather }, { token: "write" })).expectNoErrors().registerMcpServer;
    if (r.__typename !== "RegisterMcpServerPayload") throw new Error(r.__typename);
    id = r.server.id;
    await approveServer(t(), id);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const setKey = () => t().execute(SetMcpServerEnv, { id, values: [{ name: "WEATHER_API_KEY", value: SECRET }] }, { token: "write" });
  const deploy = async (input: { dryRun?: boolean; settingsPath?: string } = {}) => (await t().execute(DeployMcpServer, { id, input }, { token: "write" })).expectNoErrors().deployMcpServer;
  const backups = () => readdirSync(root).filter((f) => f.endsWith(".bak"));

  it("refuses to deploy while required env is missing", async () => {
    expect(await deploy()).toMatchObject({ __typename: "MissingEnvError", names: ["WEATHER_API_KEY"] });
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(others);
  });

  it("writes its entry, keeps everything else, backs up, and is idempotent", async () => {
    await setKey();
    const first = await deploy();
    expect(first).toMatchObject({ __typename: "McpSettingsUpdate", settingsPath: file, entryName: "weather", dryRun: false, changed: true });
    if (first.__typename !== "McpSettingsUpdate") return;
    expect(first.changes).toEqual([
      { kind: "ADDED", path: "mcpServers.weather", before: null, after: { command: "npx", args: ["-y", "@acme/weather-mcp@1.0.2", "--units", "metric"], env: { WEATHER_API_KEY: "****", REGION: "eu" } } },
    ]);
    expect(first.backupPath && readFileSync(first.backupPath, "utf8")).toBe(`${JSON.stringify(others, null, 2)}\n`);

    const written = JSON.parse(readFileSync(file, "utf8"));
    expect(written).toEqual({
      globalShortcut: "Ctrl+Space",
      mcpServers: {
        filesystem: others.mcpServers.filesystem,
        weather: { command: "npx", args: ["-y", "@acme/weather-mcp@1.0.2", "--units", "metric"], env: { WEATHER_API_KEY: SECRET, REGION: "eu" } },
      },
    });
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(readdirSync(root).some((f) => f.endsWith(".tmp"))).toBe(false);

    const before = readFileSync(file, "utf8");
    const mtime = statSync(file).mtimeMs;
    const again = await deploy();
    expect(again).toMatchObject({ changed: false, changes: [], backupPath: null });
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(backups()).toHaveLength(1);

    const list = (await t().execute(McpServers, {})).expectNoErrors();
    expect(list.mcpServers.edges[0]?.node).toMatchObject({ deployments: [{ settingsPath: file, entryName: "weather" }], health: { status: "UNKNOWN" } });
  });

  it("dry run returns the diff and changes nothing", async () => {
    await setKey();
    const before = readFileSync(file, "utf8");
    const dry = await deploy({ dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, changed: true, backupPath: null, changes: [{ kind: "ADDED", path: "mcpServers.weather" }] });
    expect(JSON.stringify(dry)).not.toContain(SECRET);
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(backups()).toHaveLength(0);
    expect((await t().execute(McpServers, {})).expectNoErrors().mcpServers.edges[0]?.node.deployments).toEqual([]);
  });

  it("reports a changed value in a dry run after an update, secrets masked", async () => {
    await setKey();
    await deploy();
    await t().execute(SetMcpServerEnv, { id, values: [{ name: "REGION", value: "us" }, { name: "WEATHER_API_KEY", value: "sk-rotated-000111" }] }, { token: "write" });
    const dry = await deploy({ dryRun: true });
    if (dry.__typename !== "McpSettingsUpdate") throw new Error(dry.__typename);
    expect(dry.changes).toEqual([
      { kind: "CHANGED", path: "mcpServers.weather.env.WEATHER_API_KEY", before: "****", after: "****" },
      { kind: "CHANGED", path: "mcpServers.weather.env.REGION", before: "eu", after: "us" },
    ]);
  });

  it("refuses a settings file that is not valid JSON, leaving it untouched", async () => {
    await setKey();
    writeFileSync(file, '{ "mcpServers": { "x": 1, } ');
    const res = await deploy();
    expect(res).toMatchObject({ __typename: "SettingsFileError", path: file });
    if (res.__typename === "SettingsFileError") expect(res.reason).toMatch(/^is not valid JSON/);
    expect(readFileSync(file, "utf8")).toBe('{ "mcpServers": { "x": 1, } ');
    expect(backups()).toHaveLength(0);
  });

  it("keeps paths inside the settings folder and creates new files there", async () => {
    await setKey();
    for (const settingsPath of ["../outside.json", "/etc/passwd.json", join(root, "..", "x.json")]) {
      expect(await deploy({ settingsPath })).toMatchObject({ __typename: "InvalidInputError", field: "settingsPath" });
    }
    expect(existsSync(join(root, "..", "outside.json"))).toBe(false);
    const fresh = await deploy({ settingsPath: "team/.mcp.json" });
    expect(fresh).toMatchObject({ __typename: "McpSettingsUpdate", settingsPath: join(root, "team/.mcp.json"), backupPath: null, changed: true });
    expect(Object.keys(JSON.parse(readFileSync(join(root, "team/.mcp.json"), "utf8")).mcpServers)).toEqual(["weather"]);
  });

  it("never overwrites an entry it did not write", async () => {
    await setKey();
    writeFileSync(file, JSON.stringify({ mcpServers: { weather: { command: "my-own-weather" } } }));
    expect(await deploy()).toMatchObject({ __typename: "AlreadyExistsError", field: "mcpServers", value: "weather" });
    expect(JSON.parse(readFileSync(file, "utf8")).mcpServers.weather).toEqual({ command: "my-own-weather" });
  });

  it("undeploys exactly its entry; a deployed server cannot be removed", async () => {
    await setKey();
    await deploy();
    const blocked = (await t().execute(RemoveMcpServer, { id }, { token: "write" })).expectNoErrors().removeMcpServer;
    expect(blocked).toMatchObject({ __typename: "InvalidInputError", field: "id" });

    const res = (await t().execute(UndeployMcpServer, { id, input: {} }, { token: "write" })).expectNoErrors().undeployMcpServer;
    expect(res).toMatchObject({ __typename: "McpSettingsUpdate", changed: true, changes: [{ kind: "REMOVED", path: "mcpServers.weather", after: null }] });
    expect(JSON.stringify(res)).not.toContain(SECRET);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(others);
    const health = (await t().execute(McpServers, {})).expectNoErrors().mcpServers.edges[0]?.node;
    expect(health).toMatchObject({ deployments: [], health: { status: "NOT_DEPLOYED" } });

    const again = (await t().execute(UndeployMcpServer, { id }, { token: "write" })).expectNoErrors().undeployMcpServer;
    expect(again.__typename).toBe("NotFoundError");
  });
});
