// `skillgraph token create|list|revoke`.
import type { Command } from "commander";
import { Option } from "commander";
import { withSqlServices } from "../../cli/context.js";

export function registerTokenCommands(program: Command): void {
  const token = program.command("token").description("API tokens");
  token
    .command("create")
    .description("Create a token; its secret is printed once and never stored")
    .requiredOption("--name <name>", "a unique name")
    .addOption(new Option("--scopes <scopes>", "comma-separated: read,write,admin").default("read"))
    .option("--json", "print JSON")
    .action(async (opts: { name: string; scopes: string; json?: boolean }) => {
      await withSqlServices(["tokens"], async ({ services }) => {
        const { token: t, secret } = await services.tokens.create(opts.name, opts.scopes);
        if (opts.json) return console.log(JSON.stringify({ name: t.name, scopes: t.scopes, token: secret }));
        console.log(`Created token "${t.name}" with scopes ${t.scopes.join(",")}.`);
        console.log(`\n  ${secret}\n`);
        console.log("Store it now: it is not shown again. Send it as: Authorization: Bearer <token>");
      });
    });
  token
    .command("list")
    .description("List tokens (never their secrets)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withSqlServices(["tokens"], async ({ services }) => {
        const list = await services.tokens.list();
        if (opts.json) return console.log(JSON.stringify(list, null, 2));
        if (list.length === 0) return console.log("No tokens.");
        for (const t of list) {
          const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : t.lastUsedAt ? `last used ${t.lastUsedAt.toISOString()}` : "never used";
          console.log(`${t.name.padEnd(24)} ${t.scopes.join(",").padEnd(16)} ${state}`);
        }
      });
    });
  token
    .command("revoke")
    .description("Revoke a token by name (or id)")
    .argument("<name>")
    .action(async (name: string) => {
      await withSqlServices(["tokens"], async ({ services }) => {
        const t = await services.tokens.revoke(name);
        console.log(`Revoked token "${t.name}".`);
      });
    });
}
