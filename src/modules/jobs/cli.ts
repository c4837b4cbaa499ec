// `skillgraph worker` (job workers without the HTTP server) and `skillgraph jobs list|show|cancel`.
import type { Command } from "commander";
import { Option } from "commander";
import { config, stopOnSignals, withServices } from "../../cli/context.js";
import { JobStatus } from "../../generated/prisma/enums.js";
import { InvalidInputError } from "../../lib/errors.js";

/** A Job's global ID or its database id. */
export async function jobIdArg(value: string): Promise<string> {
  // Loaded here: the other commands start without Pothos.
  const { decodeGlobalID } = await import("@pothos/plugin-relay");
  try {
    const { typename, id } = decodeGlobalID(value);
    if (typename === "Job" && id) return id;
  } catch {
    // not a global ID
  }
  return value;
}

const fmt = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 19) : "-");

export function registerJobCommands(program: Command): void {
  program
    .command("worker")
    .description("Run job workers (and other background tasks) without the HTTP server")
    .option("-c, --concurrency <n>", "jobs run at once (default: SKILLGRAPH_WORKER_CONCURRENCY or 2)")
    .action(async (opts: { concurrency?: string }) => {
      const { createApp } = await import("../../app.js");
      const app = await createApp(config({ SKILLGRAPH_WORKER_CONCURRENCY: opts.concurrency }));
      if (app.config.jobs.concurrency === 0) throw new InvalidInputError("--concurrency", "must be at least 1 for a worker");
      await app.startBackground();
      app.logger.info("skillgraph worker running", { database: app.database.provider, concurrency: app.config.jobs.concurrency });
      stopOnSignals(app);
    });

  const jobs = program.command("jobs").description("Jobs: list, show, cancel");
  jobs
    .command("list")
    .description("List jobs, newest first")
    .addOption(new Option("--status <status>", "only this status").choices(Object.values(JobStatus)))
    .option("--kind <kind>", "only this kind")
    .option("--created-by <name>", "only jobs started by this token name (or system)")
    .option("-n, --limit <n>", "at most this many (1–1000)", "20")
    .option("--json", "print JSON")
    .action(async (opts: { status?: JobStatus; kind?: string; createdBy?: string; limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidInputError("--limit", "must be a whole number from 1 to 1000");
      await withServices(async ({ services, principal }) => {
        const list = await services.jobs.list(principal, { status: opts.status, kind: opts.kind, createdBy: opts.createdBy }, { take: limit });
        if (opts.json) return console.log(JSON.stringify(list, null, 2));
        if (list.length === 0) return console.log("No jobs.");
        for (const j of list) {
          console.log(`${j.id}  ${j.status.padEnd(12)} ${String(j.progress).padStart(3)}%  ${j.kind.padEnd(20)} ${j.createdBy.padEnd(16)} ${fmt(j.createdAt)}  ${j.message ?? ""}`);
        }
      });
    });
  jobs
    .command("show")
    .description("Show one job with its event log")
    .argument("<id>", "job id (or its GraphQL global ID)")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      await withServices(async ({ services }) => {
        const job = await services.jobs.get(await jobIdArg(id));
        const events = await services.jobs.eventsOf(job.id);
        if (opts.json) return console.log(JSON.stringify({ ...job, events }, null, 2));
        console.log(`Job ${job.id} (${job.kind}) — ${job.status}, ${job.progress}%`);
        console.log(`  created ${fmt(job.createdAt)} by ${job.createdBy}; started ${fmt(job.startedAt)}; completed ${fmt(job.completedAt)}`);
        console.log(`  attempts ${job.attempts}/${job.maxAttempts}${job.error ? `; error: ${job.error}` : ""}`);
        if (job.prompt) console.log(`  waiting for: ${JSON.stringify(job.prompt)} until ${fmt(job.waitingUntil)}`);
        console.log(`  input: ${JSON.stringify(job.input)}`);
        if (job.result !== null) console.log(`  result: ${JSON.stringify(job.result)}`);
        console.log("Events:");
        for (const e of events) {
          console.log(`  ${String(e.sequence).padStart(4)}  ${fmt(e.createdAt)}  ${e.type.padEnd(8)} ${e.status.padEnd(12)} ${String(e.progress).padStart(3)}%  ${e.message ?? ""}`);
        }
      });
    });
  jobs
    .command("cancel")
    .description("Cancel a pending or waiting job at once, or ask a running one to stop")
    .argument("<id>", "job id (or its GraphQL global ID)")
    .action(async (id: string) => {
      await withServices(async ({ services, principal }) => {
        const job = await services.jobs.cancel(await jobIdArg(id), principal);
        console.log(job.status === "CANCELLED" ? `Cancelled job ${job.id}.` : `Asked running job ${job.id} to stop; it is cancelled when its handler next reports.`);
      });
    });
}
