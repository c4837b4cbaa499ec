// `skillgraph mcp import|list|check|deploy|undeploy`: the registry from a terminal.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { withServices } from "../../cli/context.js";
import { printJson, printTable } from "../../cli/output.js";
import { remoteOf, unwrap, type GraphQLClient } from "../../cli/remote.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { McpService } from "./service.js";
import { serverJsonSchema } from "./server-json.js";

async function withMcp<T>(fn: (mcp: McpService) => Promise<T>): Promise<T> {
  return withServices(({ services }) => fn(services.mcp));
}

async function idOf(mcp: McpService, name: string): Promise<string> {
  const server = await mcp.registry.findByName(name);
  if (!server) throw new NotFoundError("McpServer", name);
  return server.id;
}

/** A server's global ID on the remote server, by name. */
async function remoteIdOf(remote: GraphQLClient, name: string): Promise<string> {
  const data = await remote.request<{ mcpServer: { id: string } | null }>(`query Server($name: String!) { mcpServer(name: $name) { id } }`, { name });
  if (!data.mcpServer) throw new NotFoundError("McpServer", name);
  return data.mcpServer.id;
}

interface LaunchView {
  command: string | null;
  args: string[];
  url: string | null;
  headerNames: string[];
  envNames: string[];
  pinnedEnv: { name: string; value: string }[];
  hash: string;
}

function printLaunch(view: LaunchView): void {
  if (view.command !== null) console.log(`command: ${view.command} ${view.args.map((a) => JSON.stringify(a)).join(" ")}`);
  if (view.url !== null) console.log(`url: ${view.url}\nheaders: ${view.headerNames.join(", ") || "(none)"}`);
  if (view.envNames.length) console.log(`env: ${view.envNames.join(", ")}`);
  for (const p of view.pinnedEnv) console.log(`pinned: ${p.name}=${p.value}`);
  console.log(`hash: ${view.hash}`);
}

interface SettingsUpdate {
  changes: { kind: string; path: string; before: unknown; after: unknown }[];
  dryRun: boolean;
  changed: boolean;
  settingsPath: string;
  backupPath: string | null;
}

export function registerMcpCommands(program: Command): void {
  const mcp = program.command("mcp").description("MCP servers: registry, deployment, health");
  mcp
    .command("import")
    .description("Register (or, with --update, replace) a server from a server.json file (2025-09-29)")
    .argument("<file>")
    .option("--update", "replace the definition when the name exists")
    .option("--json", "print JSON")
    .action(async (file: string, opts: { update?: boolean; json?: boolean }, command: Command) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, "utf8"));
      } catch (err) {
        throw new InvalidInputError("file", `cannot read ${file} as JSON (${err instanceof Error ? err.message : String(err)})`);
      }
      const parsed = serverJsonSchema.safeParse(raw);
      if (!parsed.success) {
        const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
        throw new InvalidInputError("file", `is not a valid server.json:\n${lines.join("\n")}`);
      }
      const remote = remoteOf(command);
      let result: { updated: boolean; name: string; version: string };
      if (remote) {
        const found = await remote.request<{ mcpServer: { id: string } | null }>(`query Server($name: String!) { mcpServer(name: $name) { id } }`, { name: parsed.data.name });
        const update = found.mcpServer !== null && opts.update === true;
        const fields = `__typename ... on Error { message }`;
        const data = update
          ? await remote.request<{ r: { __typename: string; server: { name: string; version: string } } }>(
              `mutation Update($id: ID!, $json: JSON) { r: updateMcpServer(id: $id, serverJson: $json) { ${fields} ... on UpdateMcpServerPayload { server { name version } } } }`,
              { id: found.mcpServer?.id, json: raw },
            )
          : await remote.request<{ r: { __typename: string; server: { name: string; version: string } } }>(
              `mutation Register($json: JSON) { r: registerMcpServer(serverJson: $json) { ${fields} ... on RegisterMcpServerPayload { server { name version } } } }`,
              { json: raw },
            );
        const server = unwrap(data.r).server;
        result = { updated: update, name: server.name, version: server.version };
      } else {
        result = await withMcp(async (s) => {
          const existing = await s.registry.findByName(parsed.data.name);
          const update = existing !== null && opts.update === true;
          const server = existing && update ? await s.update(existing.id, parsed.data) : await s.register(parsed.data);
          return { updated: update, name: server.name, version: server.version };
        });
      }
      if (opts.json) return printJson(result);
      console.log(`${result.updated ? "Updated" : "Registered"} ${result.name} ${result.version}.`);
    });
  mcp
    .command("list")
    .description("List servers with their health")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, command: Command) => {
      const remote = remoteOf(command);
      let rows: { name: string; version: string; status: string; checkedAt: string | null }[];
      if (remote) {
        rows = [];
        let after: string | null = null;
        for (;;) {
          const data: { mcpServers: { edges: { node: { name: string; version: string; health: { status: string; checkedAt: string | null } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } =
            await remote.request(`query Servers($after: String) { mcpServers(first: 100, after: $after) { edges { node { name version health { status checkedAt } } } pageInfo { hasNextPage endCursor } } }`, { after });
          rows.push(...data.mcpServers.edges.map(({ node }) => ({ name: node.name, version: node.version, status: node.health.status, checkedAt: node.health.checkedAt })));
          if (!data.mcpServers.pageInfo.hasNextPage) break;
          after = data.mcpServers.pageInfo.endCursor;
        }
      } else {
        rows = (await withMcp((s) => s.registry.overview())).map((r) => ({ name: r.name, version: r.version, status: r.status, checkedAt: r.checkedAt?.toISOString() ?? null }));
      }
      if (opts.json) return printJson(rows);
      printTable(
        rows,
        [
          { header: "NAME", value: (r) => r.name },
          { header: "VERSION", value: (r) => r.version },
          { header: "HEALTH", value: (r) => r.status },
          { header: "CHECKED", value: (r) => r.checkedAt },
        ],
        "No MCP servers.",
      );
    });
  mcp
    .command("check")
    .description("Run a health check now (initialize + tools/list); exits 1 when unhealthy")
    .argument("<name>")
    .option("--json", "print JSON")
    .action(async (name: string, opts: { json?: boolean }, command: Command) => {
      const remote = remoteOf(command);
      let r: { status: string; latencyMs: number | null; toolCount: number | null; error: string | null };
      if (remote) {
        const data = await remote.request<{ checkMcpServerHealth: { __typename: string; health: { status: string; latencyMs: number | null; toolCount: number | null; recentErrors: { message: string }[] } } }>(
          `mutation Check($id: ID!) { checkMcpServerHealth(id: $id) { __typename ... on CheckMcpServerHealthPayload { health { status latencyMs toolCount recentErrors { message } } } ... on Error { message } } }`,
          { id: await remoteIdOf(remote, name) },
        );
        const h = unwrap(data.checkMcpServerHealth).health;
        r = { status: h.status, latencyMs: h.latencyMs, toolCount: h.toolCount, error: h.status === "HEALTHY" ? null : (h.recentErrors[0]?.message ?? null) };
      } else {
        r = await withMcp(async (s) => {
          const c = await s.health.check(await idOf(s, name));
          return { status: c.status, latencyMs: c.latencyMs, toolCount: c.toolCount, error: c.error };
        });
      }
      if (r.status === "UNHEALTHY") process.exitCode = 1;
      if (opts.json) return printJson({ name, ...r });
      console.log(`${name}: ${r.status} in ${r.latencyMs} ms${r.toolCount !== null ? `, ${r.toolCount} tools` : ""}${r.error ? ` — ${r.error}` : ""}`);
    });
  mcp
    .command("approve")
    .description("Show a server's launch specification (secrets masked); with --yes, approve it as shown")
    .argument("<name>")
    .option("--yes", "approve the specification shown")
    .option("--json", "print JSON")
    .action(async (name: string, opts: { yes?: boolean; json?: boolean }, command: Command) => {
      const remote = remoteOf(command);
      let view: LaunchView;
      let approved = false;
      if (remote) {
        const data = await remote.request<{ mcpServer: { id: string; launch: LaunchView | null } | null }>(
          `query Launch($name: String!) { mcpServer(name: $name) { id launch { command args url headerNames envNames pinnedEnv { name value } hash } } }`,
          { name },
        );
        if (!data.mcpServer) throw new NotFoundError("McpServer", name);
        if (!data.mcpServer.launch) throw new InvalidInputError("name", "the server has no package or remote that can be run or reached");
        view = data.mcpServer.launch;
        if (opts.yes) {
          const r = await remote.request<{ approveMcpServerLaunch: { __typename: string } }>(
            `mutation Approve($input: ApproveMcpServerLaunchInput!) { approveMcpServerLaunch(input: $input) { __typename ... on Error { message } } }`,
            { input: { id: data.mcpServer.id, launchHash: view.hash } },
          );
          unwrap(r.approveMcpServerLaunch);
          approved = true;
        }
      } else {
        ({ view, approved } = await withServices(async ({ services: { mcp: s }, principal }) => {
          const server = await s.registry.find(await idOf(s, name));
          const shown = await s.approvals.view(server);
          if (!shown) throw new InvalidInputError("name", "the server has no package or remote that can be run or reached");
          if (opts.yes) await s.approveLaunch(server.id, shown.hash, principal);
          return { view: shown, approved: opts.yes === true };
        }));
      }
      if (opts.json) return printJson({ name, launch: view, approved });
      printLaunch(view);
      console.log(approved ? `Approved ${name}.` : "Not approved: run again with --yes to approve this specification.");
    });
  for (const [verb, undeploy] of [["deploy", false], ["undeploy", true]] as const) {
    mcp
      .command(verb)
      .description(undeploy ? "Remove the server's entry from a client settings file" : "Write the server into a client settings file")
      .argument("<name>")
      .option("--settings <path>", "settings file inside SKILLGRAPH_MCP_SETTINGS_ROOT (default: the configured file)")
      .option("--dry-run", "print the changes only")
      .option("--json", "print JSON")
      .action(async (name: string, opts: { settings?: string; dryRun?: boolean; json?: boolean }, command: Command) => {
        const remote = remoteOf(command);
        let r: SettingsUpdate;
        if (remote) {
          const field = undeploy ? "undeployMcpServer" : "deployMcpServer";
          const data = await remote.request<{ r: { __typename: string } & SettingsUpdate }>(
            `mutation Deploy($id: ID!, $input: DeployMcpServerInput) { r: ${field}(id: $id, input: $input) { __typename ... on McpSettingsUpdate { changes { kind path before after } dryRun changed settingsPath backupPath } ... on Error { message } } }`,
            { id: await remoteIdOf(remote, name), input: { settingsPath: opts.settings ?? null, dryRun: opts.dryRun ?? false } },
          );
          r = unwrap(data.r);
        } else {
          r = await withMcp(async (s) => {
            const id = await idOf(s, name);
            const options = { settingsPath: opts.settings, dryRun: opts.dryRun };
            return undeploy ? await s.deployments.undeploy(id, options) : await s.deployments.deploy(id, options);
          });
        }
        if (opts.json) return printJson(r);
        for (const c of r.changes) console.log(`${c.kind.padEnd(8)} ${c.path}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`);
        console.log(`${r.dryRun ? "Would change" : r.changed ? "Changed" : "Unchanged:"} ${r.settingsPath}${r.backupPath ? ` (backup ${r.backupPath})` : ""}`);
      });
  }
}
