// `skillgraph marketplace verify-audit | sync <broker>`: for operators and cron.
import type { Command } from "commander";
import { withServices } from "../../cli/context.js";

export function registerMarketplaceCommands(program: Command): void {
  const marketplace = program.command("marketplace").description("Marketplace: audit verification and broker sync");
  marketplace
    .command("verify-audit")
    .description("Walk the audit chain and report the first broken link; exits 1 when the chain is broken")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withServices(async ({ services }) => {
        const v = await services.marketplace.verifyAuditLog();
        if (opts.json) console.log(JSON.stringify(v));
        else if (v.ok) console.log(`Audit chain intact: ${v.checked} event(s) verified.`);
        else console.log(`Audit chain broken at event ${v.firstBroken?.id} (${v.firstBroken?.eventType}, ${v.firstBroken?.subject}): ${v.reason}`);
        if (!v.ok) process.exitCode = 1;
      });
    });
  marketplace
    .command("sync")
    .description("Sync an HTTP_FEED broker now, in this process (the API's syncBroker runs the same as a job)")
    .argument("<broker>", "broker name")
    .action(async (broker: string) => {
      await withServices(async ({ services, principal }) => {
        const r = await services.marketplace.syncBroker(broker, principal.name, { progress: async (p, m) => console.error(`${Math.round(p)}% ${m}`) });
        console.log(JSON.stringify(r, null, 2));
      });
    });
}
