// `skillgraph marketplace verify-audit | sync <broker>`: for operators and cron, on the local
// database or, with --url, on a server (admin token).
import type { Command } from "commander";
import { withServices } from "../../cli/context.js";
import { printJson, progressReporter } from "../../cli/output.js";
import type { SyncResult } from "./sync.js";
import { followJob, remoteOf, unwrap } from "../../cli/remote.js";

interface Verification {
  ok: boolean;
  checked: number;
  firstBroken: { id: number; eventType: string; subject: string } | null;
  reason: string | null;
}

export function registerMarketplaceCommands(program: Command): void {
  const marketplace = program.command("marketplace").description("Marketplace: audit verification and broker sync");
  marketplace
    .command("verify-audit")
    .description("Walk the audit chain and report the first broken link; exits 1 when the chain is broken")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, command: Command) => {
      const remote = remoteOf(command);
      const v: Verification = remote
        ? (await remote.request<{ verifyAuditLog: Verification }>(`query Verify { verifyAuditLog { ok checked reason firstBroken { id: sequence eventType subject } } }`)).verifyAuditLog
        : await withServices(({ services }) => services.marketplace.verifyAuditLog());
      if (opts.json) console.log(JSON.stringify(v));
      else if (v.ok) console.log(`Audit chain intact: ${v.checked} event(s) verified.`);
      else console.log(`Audit chain broken at event ${v.firstBroken?.id} (${v.firstBroken?.eventType}, ${v.firstBroken?.subject}): ${v.reason}`);
      if (!v.ok) process.exitCode = 1;
    });
  marketplace
    .command("sync")
    .description("Sync an HTTP_FEED broker now: in this process, or with --url as a job on the server, followed to the end; progress on standard error")
    .argument("<broker>", "broker name")
    .option("--json", "print JSON")
    .action(async (broker: string, opts: { json?: boolean }, command: Command) => {
      const progress = progressReporter({ quiet: opts.json });
      const remote = remoteOf(command);
      let result: unknown;
      if (remote) {
        const data = await remote.request<{ syncBroker: { __typename: string; job: { id: string } } }>(
          `mutation Sync($name: String!) { syncBroker(name: $name) { __typename ... on SyncBrokerPayload { job { id } } ... on Error { message } } }`,
          { name: broker },
        );
        result = await followJob(remote, unwrap(data.syncBroker).job.id, (p, m) => progress.update(p, m), "sync");
      } else {
        result = await withServices(({ services, principal }) =>
          services.marketplace.syncBroker(broker, principal.name, { progress: async (p, m) => progress.update(p, m) }),
        );
      }
      progress.done();
      if (opts.json) return printJson(result);
      const r = result as Partial<SyncResult>;
      if (r.unchanged) return console.log(`${broker}: unchanged since the last sync (304 Not Modified).`);
      console.log(
        `Synced ${broker}: ${r.upserted ?? 0} listing(s) upserted, ${r.withdrawn ?? 0} withdrawn, ${r.skipped?.length ?? 0} skipped; ${r.pages ?? 0} page(s) in ${r.requests ?? 0} request(s)${r.throttled ? `, throttled ${r.throttled} time(s)` : ""}.`,
      );
      for (const skipped of r.skipped ?? []) console.log(`  skipped: ${JSON.stringify(skipped)}`);
    });
}
