// `skillgraph mcp import|list|check|deploy|undeploy`: the registry from a terminal.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { withServices } from "../../cli/context.js";
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

export function registerMcpCommands(program: Command): void {
  const mcp = program.command("mcp").description("MCP servers: registry, deployment, health");
  mcp
    .command("import")
    .description("Register (or, with --update, replace) a server from a server.json file (2025-09-29)")
    .argument("<file>")
    .option("--update", "replace the definition when the name exists")
    .action(async (file: string, opts: { update?: boolean }) => {
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
      await withMcp(async (s) => {
        const existing = await s.registry.findByName(parsed.data.name);
        const server = existing && opts.update ? await s.update(existing.id, parsed.data) : await s.register(parsed.data);
        console.log(`${existing && opts.update ? "Updated" : "Registered"} ${server.name} ${server.version}.`);
      });
    });
  mcp
    .command("list")
    .description("List servers with their health")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withMcp(async (s) => {
        const rows = await s.registry.overview();
        if (opts.json) return console.log(JSON.stringify(rows, null, 2));
        if (rows.length === 0) return console.log("No MCP servers.");
        for (const r of rows) console.log(`${r.name.padEnd(48)} ${r.version.padEnd(12)} ${r.status}`);
      });
    });
  mcp
    .command("check")
    .description("Run a health check now (initialize + tools/list)")
    .argument("<name>")
    .action(async (name: string) => {
      await withMcp(async (s) => {
        const r = await s.health.check(await idOf(s, name));
        console.log(`${name}: ${r.status} in ${r.latencyMs} ms${r.toolCount !== null ? `, ${r.toolCount} tools` : ""}${r.error ? ` — ${r.error}` : ""}`);
        if (r.status === "UNHEALTHY") process.exitCode = 1;
      });
    });
  mcp
    .command("approve")
    .description("Show a server's launch specification (secrets masked); with --yes, approve it as shown")
    .argument("<name>")
    .option("--yes", "approve the specification shown")
    .action(async (name: string, opts: { yes?: boolean }) => {
      await withServices(async ({ services: { mcp: s }, principal }) => {
        const server = await s.registry.find(await idOf(s, name));
        const view = await s.approvals.view(server);
        if (!view) throw new InvalidInputError("name", "the server has no package or remote that can be run or reached");
        if (view.command !== null) console.log(`command: ${view.command} ${view.args.map((a) => JSON.stringify(a)).join(" ")}`);
        if (view.url !== null) console.log(`url: ${view.url}\nheaders: ${view.headerNames.join(", ") || "(none)"}`);
        if (view.envNames.length) console.log(`env: ${view.envNames.join(", ")}`);
        for (const p of view.pinnedEnv) console.log(`pinned: ${p.name}=${p.value}`);
        console.log(`hash: ${view.hash}`);
        if (!opts.yes) return console.log("Not approved: run again with --yes to approve this specification.");
        await s.approveLaunch(server.id, view.hash, principal);
        console.log(`Approved ${name}.`);
      });
    });
  for (const [verb, undeploy] of [["deploy", false], ["undeploy", true]] as const) {
    mcp
      .command(verb)
      .description(undeploy ? "Remove the server's entry from a client settings file" : "Write the server into a client settings file")
      .argument("<name>")
      .option("--settings <path>", "settings file inside SKILLGRAPH_MCP_SETTINGS_ROOT (default: the configured file)")
      .option("--dry-run", "print the changes only")
      .action(async (name: string, opts: { settings?: string; dryRun?: boolean }) => {
        await withMcp(async (s) => {
          const id = await idOf(s, name);
          const options = { settingsPath: opts.settings, dryRun: opts.dryRun };
          const r = undeploy ? await s.deployments.undeploy(id, options) : await s.deployments.deploy(id, options);
          for (const c of r.changes) console.log(`${c.kind.padEnd(8)} ${c.path}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`);
          console.log(`${r.dryRun ? "Would change" : r.changed ? "Changed" : "Unchanged:"} ${r.settingsPath}${r.backupPath ? ` (backup ${r.backupPath})` : ""}`);
        });
      });
  }
}

