// `skillgraph worker` (job workers without the HTTP server) and `skillgraph jobs list|show|cancel`.
import type { Command } from "commander";
import { Option } from "commander";
import { config, stopOnSignals, withServices } from "../../cli/context.js";
import { printJson, printTable } from "../../cli/output.js";
import { localOnly, remoteOf, unwrap } from "../../cli/remote.js";
import { JobStatus } from "../../generated/prisma/enums.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";

/** A job as the commands print it, from the local service or the server. */
interface JobRow {
  id: string;
  kind: string;
  status: string;
  progress: number;
  phase: string | null;
  message: string | null;
  createdBy: string;
  attempts: number;
  maxAttempts: number;
  error: string | null;
  input: unknown;
  result: unknown;
  prompt: unknown;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  waitingUntil: string | null;
}
interface EventRow {
  sequence: number;
  at: string;
  type: string;
  status: string;
  progress: number;
  message: string | null;
}

const JOB_FIELDS = "id kind status progress phase message createdBy attempts maxAttempts error input result prompt createdAt startedAt completedAt waitingUntil";
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const short = (d: string | null) => (d ? d.replace("T", " ").slice(0, 19) : "-");

function localJob(j: { id: string; kind: string; status: string; progress: number; phase: string | null; message: string | null; createdBy: string; attempts: number; maxAttempts: number; error: string | null; input: unknown; result: unknown; prompt: unknown; createdAt: Date; startedAt: Date | null; completedAt: Date | null; waitingUntil: Date | null }): JobRow {
  return { ...j, createdAt: j.createdAt.toISOString(), startedAt: iso(j.startedAt), completedAt: iso(j.completedAt), waitingUntil: iso(j.waitingUntil) };
}

/** The global ID the server knows a job by, from either form the user typed. */
async function jobGlobalId(value: string): Promise<string> {
  const { encodeGlobalID } = await import("@pothos/plugin-relay");
  return encodeGlobalID("Job", await jobIdArg(value));
}

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

export function registerJobCommands(program: Command): void {
  program
    .command("worker")
    .description("Run job workers (and other background tasks) without the HTTP server")
    .option("-c, --concurrency <n>", "jobs run at once (default: SKILLGRAPH_WORKER_CONCURRENCY or 2)")
    .action(async (opts: { concurrency?: string }, command: Command) => {
      localOnly(command);
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
    .action(async (opts: { status?: JobStatus; kind?: string; createdBy?: string; limit: string; json?: boolean }, command: Command) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InvalidInputError("--limit", "must be a whole number from 1 to 1000");
      const remote = remoteOf(command);
      const filter = { status: opts.status, kind: opts.kind, createdBy: opts.createdBy };
      let list: JobRow[];
      if (remote) {
        list = [];
        let after: string | null = null;
        while (list.length < limit) {
          const data: { jobs: { edges: { node: JobRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await remote.request(
            `query Jobs($filter: JobFilter, $first: Int, $after: String) { jobs(filter: $filter, first: $first, after: $after) { edges { node { ${JOB_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
            { filter, first: Math.min(100, limit - list.length), after },
          );
          // Database ids, as in local mode (show and cancel take either form).
          for (const { node } of data.jobs.edges) list.push({ ...node, id: await jobIdArg(node.id) });
          if (!data.jobs.pageInfo.hasNextPage) break;
          after = data.jobs.pageInfo.endCursor;
        }
      } else {
        list = await withServices(async ({ services, principal }) => (await services.jobs.list(principal, filter, { take: limit })).map(localJob));
      }
      if (opts.json) return printJson(list);
      printTable(
        list,
        [
          { header: "ID", value: (j) => j.id },
          { header: "STATUS", value: (j) => j.status },
          { header: "PROGRESS", value: (j) => `${j.progress}%`, align: "right" },
          { header: "KIND", value: (j) => j.kind },
          { header: "CREATED BY", value: (j) => j.createdBy },
          { header: "CREATED", value: (j) => short(j.createdAt) },
          { header: "MESSAGE", value: (j) => j.message ?? "" },
        ],
        "No jobs.",
      );
    });
  jobs
    .command("show")
    .description("Show one job with its event log")
    .argument("<id>", "job id (or its GraphQL global ID)")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      const remote = remoteOf(command);
      let job: JobRow;
      let events: EventRow[];
      if (remote) {
        const data = await remote.request<{ node: (JobRow & { events: { edges: { node: EventRow }[] } }) | null }>(
          `query Job($id: ID!) { node(id: $id) { ... on Job { ${JOB_FIELDS} events(first: 100) { edges { node { sequence at type status progress message } } } } } }`,
          { id: await jobGlobalId(id) },
        );
        if (!data.node) throw new NotFoundError("Job", id);
        const { events: page, ...rest } = data.node;
        job = { ...rest, id: await jobIdArg(rest.id) };
        events = page.edges.map((e) => e.node);
      } else {
        ({ job, events } = await withServices(async ({ services }) => {
          const found = await services.jobs.get(await jobIdArg(id));
          const log = await services.jobs.eventsOf(found.id);
          return { job: localJob(found), events: log.map((e) => ({ sequence: e.sequence, at: e.createdAt.toISOString(), type: e.type, status: e.status, progress: e.progress, message: e.message })) };
        }));
      }
      if (opts.json) return printJson({ ...job, events });
      console.log(`Job ${job.id} (${job.kind}) — ${job.status}, ${job.progress}%`);
      console.log(`  created ${short(job.createdAt)} by ${job.createdBy}; started ${short(job.startedAt)}; completed ${short(job.completedAt)}`);
      console.log(`  attempts ${job.attempts}/${job.maxAttempts}${job.error ? `; error: ${job.error}` : ""}`);
      if (job.prompt) console.log(`  waiting for: ${JSON.stringify(job.prompt)} until ${short(job.waitingUntil)}`);
      console.log(`  input: ${JSON.stringify(job.input)}`);
      if (job.result !== null) console.log(`  result: ${JSON.stringify(job.result)}`);
      console.log("Events:");
      printTable(
        events,
        [
          { header: "SEQ", value: (e) => e.sequence, align: "right" },
          { header: "AT", value: (e) => short(e.at) },
          { header: "TYPE", value: (e) => e.type },
          { header: "STATUS", value: (e) => e.status },
          { header: "PROGRESS", value: (e) => `${e.progress}%`, align: "right" },
          { header: "MESSAGE", value: (e) => e.message ?? "" },
        ],
        "(none)",
      );
    });
  jobs
    .command("cancel")
    .description("Cancel a pending or waiting job at once, or ask a running one to stop")
    .argument("<id>", "job id (or its GraphQL global ID)")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }, command: Command) => {
      const remote = remoteOf(command);
      let job: { id: string; status: string };
      if (remote) {
        const data = await remote.request<{ cancelJob: { __typename: string; job: { id: string; status: string } } }>(
          `mutation Cancel($id: ID!) { cancelJob(id: $id) { __typename ... on JobPayload { job { id status } } ... on Error { message } } }`,
          { id: await jobGlobalId(id) },
        );
        const cancelled = unwrap(data.cancelJob).job;
        job = { ...cancelled, id: await jobIdArg(cancelled.id) };
      } else {
        job = await withServices(async ({ services, principal }) => services.jobs.cancel(await jobIdArg(id), principal));
      }
      if (opts.json) return printJson({ id: job.id, status: job.status });
      console.log(job.status === "CANCELLED" ? `Cancelled job ${job.id}.` : `Asked running job ${job.id} to stop; it is cancelled when its handler next reports.`);
    });
}
