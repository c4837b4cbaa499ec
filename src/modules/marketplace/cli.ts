// `skillgraph marketplace verify-audit | sync <broker>`: for operators and cron, on the local
// database or, with --url, on a server (admin token).
import type { Command } from "commander";
import { withServices } from "../../cli/context.js";
import { printJson, printTable, progressReporter } from "../../cli/output.js";
import type { Submission } from "../../generated/prisma/client.js";
import type { SubmissionStatus } from "../../generated/prisma/enums.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { bundleOf, type InstallResult } from "./install.js";
import { issuesOf, PUBLISHER_AGREEMENT_VERSION, type ReviewDecision } from "./publishing.js";
import type { MarketplaceService } from "./service.js";
import type { SyncResult } from "./sync.js";
import { followJob, localOnly, remoteOf, unwrap } from "../../cli/remote.js";

interface Verification {
  ok: boolean;
  checked: number;
  firstBroken: { id: number; eventType: string; subject: string } | null;
  reason: string | null;
}

export function registerMarketplaceCommands(program: Command): void {
  registerPublishingCommands(program);
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

interface InstallOptions {
  strategy: string;
  collection?: string;
  deployTo?: string;
  acceptUnverified?: boolean;
  json?: boolean;
}

/** A listing by global ID, by <broker>/<listingId>, or by listingId (the LOCAL broker's first). */
async function listingRef(marketplace: MarketplaceService, ref: string): Promise<string> {
  const byRef = await marketplace.findListing(ref);
  if (!byRef) throw new NotFoundError("MarketplaceListing", ref);
  return byRef.id;
}

function printInstall(r: InstallResult): void {
  console.log(`Installed ${r.name} ${r.version} (${r.trust}${r.signer ? `, signed by ${r.signer.slice(0, 16)}…` : ""})${r.collection ? ` into ${r.collection}` : ""}:`);
  for (const i of r.items) console.log(`  ${i.action.padEnd(9)} ${i.type.toLowerCase()}:${i.name}`);
  if (r.mcpServer) console.log(`  MCP server ${r.mcpServer.name} ${r.mcpServer.approved ? "is approved" : "needs an admin's launch approval before it runs (skillgraph mcp approve)"}`);
  for (const d of r.deployments) console.log(`  deployed ${d.artifactId} into ${d.project}`);
  console.log(`Downloads: ${r.downloads}.`);
}

const INSTALL_MUTATION = `mutation Install($listing: ID!, $strategy: ListingInstallStrategy!, $collection: String, $deployTo: String, $acceptUnverified: Boolean) {
  installListing(listing: $listing, strategy: $strategy, collection: $collection, deployTo: $deployTo, acceptUnverified: $acceptUnverified) {
    __typename ... on InstallListingPayload { job { id } } ... on Error { message }
  }
}`;

/** `skillgraph install | publish | submissions | submission status`: the marketplace as its users work it. */
function registerPublishingCommands(program: Command): void {
  program
    .command("install")
    .description("Install a marketplace listing (global ID, <broker>/<listingId>, or a LOCAL listing's name): its bundle checked (SHA-256, signature, trust) and imported, a plugin's files or an MCP server; progress on standard error")
    .argument("<listing>", "the listing")
    .option("--strategy <strategy>", "MERGE, FORK or SKIP for artifacts that exist with other content", "MERGE")
    .option("--collection <name>", "the collection to import into (default: default)")
    .option("--deploy-to <project>", "deploy the installed artifacts into this project (name or id)")
    .option("--accept-unverified", "install content that is not VERIFIED (an unknown signer, a plugin, an MCP server; unsigned bundles need admin)")
    .option("--json", "print JSON")
    .action(async (listing: string, opts: InstallOptions, command: Command) => {
      const strategy = opts.strategy.toUpperCase();
      if (!["MERGE", "FORK", "SKIP"].includes(strategy)) throw new InvalidInputError("--strategy", "must be MERGE, FORK or SKIP");
      const progress = progressReporter({ quiet: opts.json });
      const remote = remoteOf(command);
      let result: InstallResult;
      if (remote) {
        const data = await remote.request<{ installListing: { __typename: string; job: { id: string } } }>(INSTALL_MUTATION, {
          listing,
          strategy,
          collection: opts.collection ?? null,
          deployTo: opts.deployTo ?? null,
          acceptUnverified: opts.acceptUnverified === true,
        });
        result = (await followJob(remote, unwrap(data.installListing).job.id, (p, m) => progress.update(p, m))) as InstallResult;
      } else {
        result = await withServices(async ({ services, principal }) => {
          const admin = principal.scopes.has("admin");
          const input = {
            listing: await listingRef(services.marketplace, listing),
            strategy: strategy as "MERGE" | "FORK" | "SKIP",
            collection: opts.collection ?? null,
            deployTo: opts.deployTo ?? null,
            acceptUnverified: opts.acceptUnverified === true,
            acceptUnsigned: opts.acceptUnverified === true && admin,
            byAdmin: admin,
          };
          return services.marketplace.installer.install(principal, input, async (p, m) => progress.update(p, m));
        });
      }
      progress.done();
      if (opts.json) return printJson(result);
      printInstall(result);
    });

  program
    .command("publish")
    .description("Submit a listing for moderation: a signed bundle of the artifacts is built now; an admin's approval publishes it")
    .requiredOption("--name <name>", "the listing's name (lower-case letters, digits, hyphens)")
    .requiredOption("--description <text>", "what it offers (10–5000 characters)")
    // Not --version: that is the program's own option.
    .requiredOption("--listing-version <semver>", "its semantic version, e.g. 1.0.0")
    .requiredOption("--license <spdx>", "an SPDX licence expression, e.g. MIT")
    .requiredOption("--artifact <key...>", "the artifacts, as type:name (e.g. skill:pdf), in order")
    .option("--collection <name>", "the collection the artifacts are in (default: default)")
    .option("--tag <tag...>", "tags")
    .option("--homepage <url>", "the project's home page")
    .option("--repository <url>", "the source repository")
    .option("--accept-agreement", `accept the publisher agreement (${PUBLISHER_AGREEMENT_VERSION}) first`)
    .option("--json", "print JSON")
    .action(async (opts: { name: string; description: string; listingVersion: string; license: string; artifact: string[]; collection?: string; tag?: string[]; homepage?: string; repository?: string; acceptAgreement?: boolean; json?: boolean }, command: Command) => {
      localOnly(command);
      const submission = await withServices(async ({ services, principal }) => {
        if (opts.acceptAgreement) await services.marketplace.acceptAgreement(principal, PUBLISHER_AGREEMENT_VERSION);
        const artifactIds: string[] = [];
        for (const key of opts.artifact) artifactIds.push((await services.artifacts.byKey(key, opts.collection)).id);
        return services.marketplace.publish(principal, {
          name: opts.name,
          description: opts.description,
          version: opts.listingVersion,
          license: opts.license,
          tags: opts.tag ?? [],
          artifactIds,
          homepage: opts.homepage ?? null,
          repository: opts.repository ?? null,
        });
      });
      if (opts.json) return printJson(submissionView(submission));
      const bundle = bundleOf(submission.bundle);
      console.log(`Submitted ${submission.name} ${submission.version}: submission ${submission.id} is ${submission.status}.`);
      if (bundle) console.log(`Bundle ${bundle.sha256} (${bundle.size} bytes), signed by ${bundle.signer}.`);
      for (const w of issuesOf(submission.warnings)) console.log(`  warning ${w.field}: ${w.message}`);
    });

  program
    .command("submissions")
    .description("Your submissions, newest first (--all: the moderation queue, oldest first)")
    .option("--status <status>", "PENDING, IN_REVIEW, APPROVED, REJECTED or REVISION_REQUESTED")
    .option("--all", "every submitter's (the moderation queue)")
    .option("--json", "print JSON")
    .action(async (opts: { status?: string; all?: boolean; json?: boolean }, command: Command) => {
      localOnly(command);
      const status = opts.status?.toUpperCase();
      if (status && !SUBMISSION_STATUSES.includes(status as SubmissionStatus)) throw new InvalidInputError("--status", `must be one of ${SUBMISSION_STATUSES.join(", ")}`);
      const rows = await withServices(({ services, principal }) =>
        opts.all
          ? services.marketplace.reviewQueue(principal, status as SubmissionStatus | undefined, { take: 100 })
          : services.marketplace.ownSubmissions(principal, status as SubmissionStatus | undefined, { take: 100 }),
      );
      if (opts.json) return printJson(rows.map(submissionView));
      printTable(
        rows,
        [
          { header: "ID", value: (s) => s.id },
          { header: "NAME", value: (s) => s.name },
          { header: "VERSION", value: (s) => s.version },
          { header: "STATUS", value: (s) => s.status },
          { header: "SUBMITTER", value: (s) => s.submitter },
          { header: "SUBMITTED", value: (s) => s.submittedAt.toISOString() },
        ],
        "No submissions.",
      );
    });

  const submission = program.command("submission").description("A submission: its status, or (admin) its review");
  submission
    .command("review")
    .description("Decide a PENDING or IN_REVIEW submission (admin): --approve publishes its listing and bundle; --reject and --request-revision need --feedback")
    .argument("<id>", "the submission's id")
    .option("--approve", "publish it")
    .option("--reject", "refuse it")
    .option("--request-revision", "send it back to the publisher")
    .option("--feedback <text>", "words for the publisher")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { approve?: boolean; reject?: boolean; requestRevision?: boolean; feedback?: string; json?: boolean }, command: Command) => {
      localOnly(command);
      const decisions = [opts.approve && "APPROVE", opts.reject && "REJECT", opts.requestRevision && "REQUEST_REVISION"].filter((d): d is ReviewDecision => typeof d === "string");
      const [decision] = decisions;
      if (decisions.length !== 1 || !decision) throw new InvalidInputError("--approve", "give exactly one of --approve, --reject or --request-revision");
      const s = await withServices(({ services, principal }) => services.marketplace.review(principal, id, decision, opts.feedback));
      if (opts.json) return printJson(submissionView(s));
      console.log(`${s.name} ${s.version}: ${s.status}${s.listingId ? ` (listing ${s.listingId})` : ""}.`);
    });
  submission
    .command("status")
    .description("A submission's status, feedback, errors, warnings, bundle and listing")
    .argument("<id>", "the submission's id")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      localOnly(command);
      const s = await withServices(({ services }) => services.marketplace.submission(id));
      if (opts.json) return printJson(submissionView(s));
      const bundle = bundleOf(s.bundle);
      console.log(`${s.name} ${s.version} by ${s.submitter}: ${s.status}${s.reviewedBy ? ` (reviewed by ${s.reviewedBy})` : ""}`);
      if (s.feedback) console.log(`Feedback: ${s.feedback}`);
      for (const e of issuesOf(s.errors)) console.log(`  error ${e.field}: ${e.message}`);
      for (const w of issuesOf(s.warnings)) console.log(`  warning ${w.field}: ${w.message}`);
      console.log(bundle ? `Bundle ${bundle.sha256} (${bundle.size} bytes), signed by ${bundle.signer}.` : "No bundle (its artifacts had no files).");
      if (s.listingId) console.log(`Listing: ${s.listingId}`);
    });
}

const SUBMISSION_STATUSES: SubmissionStatus[] = ["PENDING", "IN_REVIEW", "APPROVED", "REJECTED", "REVISION_REQUESTED"];

function submissionView(s: Submission) {
  const bundle = bundleOf(s.bundle);
  return {
    id: s.id,
    name: s.name,
    version: s.version,
    submitter: s.submitter,
    status: s.status,
    feedback: s.feedback,
    errors: issuesOf(s.errors),
    warnings: issuesOf(s.warnings),
    bundleSha256: bundle?.sha256 ?? null,
    bundleSize: bundle?.size ?? null,
    signer: bundle?.signer ?? null,
    listingId: s.listingId,
    submittedAt: s.submittedAt,
    reviewedAt: s.reviewedAt,
  };
}
