import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp } from "../helpers/app.js";
import { McpServerByName, McpServers, RegisterMcpServer, RemoveMcpServer, SetMcpServerEnv, UpdateMcpServer } from "./documents.js";

const SECRET_KEY = Buffer.alloc(32, 3).toString("base64");

const weather = {
  name: "io.github.acme/weather",
  title: "Weather",
  description: "Weather for agents",
  version: "1.0.2",
  websiteUrl: "https://acme.dev/weather",
  repository: { url: "https://github.com/acme/weather", source: "github", subfolder: "servers/weather" },
  packages: [
    {
      registryType: "NPM" as const,
      identifier: "@acme/weather-mcp",
      version: "1.0.2",
      runtimeHint: "npx",
      transport: { type: "STDIO" as const },
      packageArguments: [{ type: "NAMED" as const, name: "--units", value: "metric" }],
      environmentVariables: [
        { name: "WEATHER_API_KEY", isRequired: true, isSecret: true, description: "API key" },
        { name: "REGION", isRequired: true },
        { name: "UNITS", default: "metric" },
      ],
    },
  ],
};

describe("MCP server registry", () => {
  const t = useTestApp({ env: { SKILLGRAPH_SECRET_KEY: SECRET_KEY } });
  beforeEach(() => t().clear());

  async function register() {
    const res = (await t().execute(RegisterMcpServer, { input: weather }, { token: "write" })).expectNoErrors().registerMcpServer;
    if (res.__typename !== "RegisterMcpServerPayload") throw new Error(`${res.__typename}: ${"message" in res ? res.message : ""}`);
    return res.server;
  }

  it("registers from typed input, shaped like server.json, and lists missing required env", async () => {
    const server = await register();
    expect(server).toMatchObject({
      name: "io.github.acme/weather",
      shortName: "weather",
      title: "Weather",
      websiteUrl: "https://acme.dev/weather",
      repository: { url: "https://github.com/acme/weather", source: "github", subfolder: "servers/weather" },
      packages: [
        {
          registryType: "NPM",
          identifier: "@acme/weather-mcp",
          version: "1.0.2",
          transport: { type: "STDIO", url: null },
          packageArguments: [{ type: "NAMED", name: "--units", value: "metric" }],
        },
      ],
      missingEnv: ["WEATHER_API_KEY", "REGION"],
    });
    // The stored document is server.json itself: lower-case registry vocabulary, no nulls.
    expect(server.serverJson).toMatchObject({ name: weather.name, packages: [{ registryType: "npm", transport: { type: "stdio" } }] });
    expect(JSON.stringify(server.serverJson)).not.toContain("null");
  });

  it("imports a server.json document verbatim (with $schema, _meta and remotes)", async () => {
    const doc = {
      $schema: "https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json",
      name: "io.github.acme/remote-only",
      description: "Hosted",
      version: "2.0.0",
      remotes: [{ type: "streamable-http", url: "https://mcp.acme.dev/mcp", headers: [{ name: "Authorization", isSecret: true, isRequired: true }] }],
      _meta: { "io.modelcontextprotocol.registry/publisher-provided": { build: 42 } },
    };
    const res = (await t().execute(RegisterMcpServer, { serverJson: doc }, { token: "write" })).expectNoErrors().registerMcpServer;
    expect(res).toMatchObject({
      __typename: "RegisterMcpServerPayload",
      server: { remotes: [{ type: "STREAMABLE_HTTP", url: "https://mcp.acme.dev/mcp", headers: [{ name: "Authorization", isSecret: true }] }], missingEnv: ["Authorization"] },
    });
    if (res.__typename === "RegisterMcpServerPayload") expect(res.server.serverJson).toEqual(doc);
  });

  it("rejects bad input naming the field and the rule, and writes nothing", async () => {
    const bad = await t().execute(RegisterMcpServer, { input: { ...weather, version: "^1.0.0" } }, { token: "write" });
    const err = bad.expectInvalidInput();
    expect(err.message).toBe("Invalid input: input.version: must be an exact version, not a range (e.g. 1.0.2, not ^1.0.2)");

    const badJson = await t().execute(RegisterMcpServer, { serverJson: { name: "nope", description: "", version: "1" } }, { token: "write" });
    expect(badJson.expectInvalidInput().message).toMatch(/serverJson\.name: must be reverse-DNS.*serverJson\.description: must not be empty/);

    const secretLiteral = await t().execute(
      RegisterMcpServer,
      { input: { ...weather, packages: [{ ...weather.packages[0], environmentVariables: [{ name: "K", isSecret: true, value: "sk-live" }] }] } },
      { token: "write" },
    );
    expect(secretLiteral.expectInvalidInput().message).toMatch(/input\.packages\.0\.environmentVariables\.0\.value: must not be given for a secret input/);

    const both = (await t().execute(RegisterMcpServer, { input: weather, serverJson: { name: weather.name, description: "x", version: "1.0.0" } }, { token: "write" })).expectNoErrors();
    expect(both.registerMcpServer).toMatchObject({ __typename: "InvalidInputError", field: "input" });

    expect((await t().execute(McpServers, {})).expectNoErrors().mcpServers.totalCount).toBe(0);
  });

  it("needs the write scope to change the registry", async () => {
    const res = await t().execute(RegisterMcpServer, { input: weather }, { token: "read" });
    expect(res.expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t().execute(McpServers, {})).expectNoErrors().mcpServers.totalCount).toBe(0);
  });

  it("refuses a duplicate name; updates and removes", async () => {
    const server = await register();
    const dup = (await t().execute(RegisterMcpServer, { input: weather }, { token: "write" })).expectNoErrors().registerMcpServer;
    expect(dup).toMatchObject({ __typename: "AlreadyExistsError", field: "name", value: "io.github.acme/weather" });

    const updated = (await t().execute(UpdateMcpServer, { id: server.id, input: { ...weather, version: "1.1.0", description: "Better weather" } }, { token: "write" }))
      .expectNoErrors().updateMcpServer;
    expect(updated).toMatchObject({ __typename: "UpdateMcpServerPayload", server: { id: server.id, version: "1.1.0", description: "Better weather" } });

    const removed = (await t().execute(RemoveMcpServer, { id: server.id }, { token: "write" })).expectNoErrors().removeMcpServer;
    expect(removed).toMatchObject({ __typename: "RemoveMcpServerPayload", removedServerId: server.id, name: weather.name });
    const again = (await t().execute(RemoveMcpServer, { id: server.id }, { token: "write" })).expectNoErrors().removeMcpServer;
    expect(again.__typename).toBe("NotFoundError");
  });

  it("stores env values; a secret is write-only and encrypted at rest", async () => {
    const server = await register();
    const secret = "sk-weather-9f8e7d6c5b4a";
    const res = (
      await t().execute(
        SetMcpServerEnv,
        { id: server.id, values: [{ name: "WEATHER_API_KEY", value: secret }, { name: "REGION", value: "eu-west" }, { name: "EXTRA_TOKEN", value: "tok-extra-123456" }, { name: "DEBUG", value: "1", isSecret: false }] },
        { token: "write" },
      )
    ).expectNoErrors().setMcpServerEnv;
    if (res.__typename !== "SetMcpServerEnvPayload") throw new Error(res.__typename);
    expect(res.server.missingEnv).toEqual([]);
    expect(res.server.env).toEqual([
      { name: "WEATHER_API_KEY", declared: true, isSecret: true, isSet: true, value: null, isRequired: true, default: null },
      { name: "REGION", declared: true, isSecret: false, isSet: true, value: "eu-west", isRequired: true, default: null },
      { name: "UNITS", declared: true, isSecret: false, isSet: false, value: null, isRequired: false, default: "metric" },
      // Undeclared variables are secret unless told otherwise.
      { name: "DEBUG", declared: false, isSecret: false, isSet: true, value: "1", isRequired: false, default: null },
      { name: "EXTRA_TOKEN", declared: false, isSecret: true, isSet: true, value: null, isRequired: false, default: null },
    ].sort((a, b) => (a.declared === b.declared ? 0 : a.declared ? -1 : 1)));

    const rows = await t().app.database.prisma.mcpServerEnv.findMany({ orderBy: { name: "asc" } });
    const key = rows.find((r) => r.name === "WEATHER_API_KEY");
    expect(key?.value).toBeNull();
    expect(key?.ciphertext).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(JSON.stringify(rows)).not.toContain("tok-extra-123456");

    // Unset with null; required again → listed as missing.
    const unset = (await t().execute(SetMcpServerEnv, { id: server.id, values: [{ name: "WEATHER_API_KEY", value: null }] }, { token: "write" })).expectNoErrors().setMcpServerEnv;
    expect(unset).toMatchObject({ server: { missingEnv: ["WEATHER_API_KEY"] } });

    const dup = (await t().execute(SetMcpServerEnv, { id: server.id, values: [{ name: "A", value: "1" }, { name: "A", value: "2" }] }, { token: "write" })).expectNoErrors();
    expect(dup.setMcpServerEnv).toMatchObject({ __typename: "InvalidInputError", field: "values.1.name" });
    const badName = await t().execute(SetMcpServerEnv, { id: server.id, values: [{ name: "A B", value: "1" }] }, { token: "write" });
    expect(badName.expectInvalidInput().message).toMatch(/values\.0\.name: must be 1–255 letters/);
  });

  it("lists servers with their health and env in a constant number of statements", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = (await t().execute(RegisterMcpServer, { input: { ...weather, name: `io.github.acme/server-${String(i).padStart(2, "0")}` } }, { token: "write" })).expectNoErrors().registerMcpServer;
      if (r.__typename === "RegisterMcpServerPayload") ids.push(r.server.id);
    }
    const few = await t().countStatements(() => t().execute(McpServers, { first: 2 }));
    const many = await t().countStatements(async () => {
      const list = (await t().execute(McpServers, { first: 100 })).expectNoErrors();
      expect(list.mcpServers.edges).toHaveLength(12);
      // Registered, never approved by an admin: nothing may run for them.
      expect(list.mcpServers.edges.every((e) => e.node.health.status === "NOT_APPROVED" && e.node.missingEnv.length === 2)).toBe(true);
    });
    expect(many.count).toBe(few.count);
    expect(many.count).toBeLessThanOrEqual(8);

    const byName = (await t().execute(McpServerByName, { name: "io.github.acme/server-03" })).expectNoErrors();
    expect(byName.mcpServer?.health).toMatchObject({ status: "NOT_APPROVED", checkedAt: null, errorCount: 0, recentErrors: [] });
    expect((await t().execute(McpServers, { search: "SERVER-1" })).expectNoErrors().mcpServers.totalCount).toBe(2);
  });
});
