// Jobs in GraphQL: the Job node and its events, the jobs connection, kinds, the mutations that
// start, cancel, retry and answer jobs, and the live jobUpdated / jobsUpdated subscriptions.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { z } from "zod";
import { JobEventType, JobStatus } from "../../generated/prisma/enums.js";
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import { ErrorInterface } from "../../graphql/errors.js";
import { sharedPayload } from "../../graphql/plugins/shared-subscription-results.js";
import { ForbiddenError, InvalidInputError, JobNotWaitingError, JobStateError, NotFoundError } from "../../lib/errors.js";
import { asJobParent, type JobView } from "./snapshot.js";

export const JobStatusEnum = builder.enumType("JobStatus", {
  description: "PENDING → RUNNING → SUCCEEDED | FAILED | CANCELLED; RUNNING ⇄ PENDING_HITL while a person is asked.",
  values: {
    PENDING: { value: JobStatus.PENDING, description: "Waiting for a worker (new, or retrying after a failure)." },
    RUNNING: { value: JobStatus.RUNNING, description: "A worker holds its lease and runs it." },
    PENDING_HITL: { value: JobStatus.PENDING_HITL, description: "Waiting for a person to answer its prompt (respondToJob)." },
    SUCCEEDED: { value: JobStatus.SUCCEEDED, description: "Finished; its result is set." },
    FAILED: { value: JobStatus.FAILED, description: "Gave up: out of attempts, or its question timed out; error says why." },
    CANCELLED: { value: JobStatus.CANCELLED, description: "Cancelled before it finished." },
  } as const,
});
const JobEventTypeEnum = builder.enumType("JobEventType", {
  description: "STATUS for status changes, PROGRESS for progress while running.",
  values: {
    STATUS: { value: JobEventType.STATUS, description: "The job's status changed." },
    PROGRESS: { value: JobEventType.PROGRESS, description: "The running job reported progress." },
  } as const,
});

export const JobEventRef = builder.prismaNode("JobEvent", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  description: "One stored event of a job: a status change or a progress report. Numbered 1, 2, 3 … per job.",
  fields: (t) => ({
    sequence: t.exposeInt("sequence", { description: "1-based, gap-free, in the order the events happened." }),
    type: t.expose("type", { type: JobEventTypeEnum, description: "A status change or a progress report." }),
    status: t.expose("status", { type: JobStatusEnum, description: "The job's status after the event." }),
    progress: t.exposeInt("progress", { description: "0–100 after the event." }),
    phase: t.exposeString("phase", { nullable: true, description: "What the handler was doing, if it said." }),
    message: t.exposeString("message", { nullable: true, description: "The event's message, if any." }),
    attempt: t.exposeInt("attempt", { description: "The attempt the event belongs to (0 before the first start)." }),
    at: t.expose("createdAt", { type: "DateTime", description: "When it happened." }),
  }),
});

const JobEventConnection = connectionFor(JobEventRef, "JobEvent", "job events");

export const JobRef = builder.prismaNode("Job", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  // No type-level `select`: with one, Pothos would reload every event's job from the database
  // (objects from the pubsub carry no Prisma selection), costing a query per subscriber per event.
  description: "Long work run by a worker: durable (it survives restarts), observable (subscribe to jobUpdated) and able to ask a person.",
  fields: (t) => ({
    kind: t.exposeString("kind", { description: "The registered kind, e.g. scores.recompute (see jobKinds)." }),
    status: t.expose("status", { type: JobStatusEnum, description: "Where the job is in its lifecycle." }),
    progress: t.exposeInt("progress", { description: "0–100." }),
    phase: t.exposeString("phase", { nullable: true, description: "What the handler is doing, in a word or two." }),
    message: t.exposeString("message", { nullable: true, description: "The latest status or progress message." }),
    input: t.expose("input", { type: "JSON", description: "The input, as validated against the kind's schema (defaults filled in)." }),
    result: t.expose("result", { type: "JSON", nullable: true, description: "What the handler returned; set when SUCCEEDED." }),
    error: t.exposeString("error", { nullable: true, description: "Why the last attempt failed." }),
    prompt: t.expose("prompt", {
      type: "JSON",
      nullable: true,
      description: "While PENDING_HITL: the question ({ key, message, choices?, details? }). Answer with respondToJob.",
    }),
    waitingUntil: t.expose("waitingUntil", { type: "DateTime", nullable: true, description: "While PENDING_HITL: when the question times out and the job fails." }),
    attempts: t.exposeInt("attempts", { description: "Runs started so far; a resume after a crash or an answer continues the current one." }),
    maxAttempts: t.exposeInt("maxAttempts", { description: "The kind's limit; a failure before it is retried with backoff." }),
    cancelRequested: t.exposeBoolean("cancelRequested", { description: "Cancellation was asked for; a running handler stops at its next progress report." }),
    eventSequence: t.exposeInt("eventSequence", { description: "Sequence number of the newest event (subscribers can check order)." }),
    createdBy: t.exposeString("createdBy", { description: 'The token name that started the job, or "system".' }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was enqueued." }),
    startedAt: t.expose("startedAt", { type: "DateTime", nullable: true, description: "When its first attempt started; null before." }),
    completedAt: t.expose("completedAt", { type: "DateTime", nullable: true, description: "When it ended (succeeded, failed or cancelled); null before." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When anything about it last changed." }),
    events: t.relatedConnection("events", {
      cursor: "id",
      totalCount: true,
      description: "Stored progress and status events, oldest first.",
      query: () => ({ orderBy: [{ sequence: "asc" }, { id: "asc" }] }),
    }, JobEventConnection),
  }),
});

const JobConnection = connectionFor(JobRef, "Job", "jobs");

builder.objectType(JobStateError, {
  name: "JobStateError",
  description: "The job's status does not allow the action (e.g. retrying a running job). Nothing changed.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof JobStateError,
  fields: (t) => ({
    jobId: t.id({ description: "The job's global ID.", resolve: (e) => encodeGlobalID("Job", e.jobId) }),
    action: t.exposeString("action", { description: "What was asked: cancel or retry." }),
    status: t.field({ type: JobStatusEnum, description: "The job's status, which does not allow it.", resolve: (e) => e.status as JobStatus }),
  }),
});

builder.objectType(JobNotWaitingError, {
  name: "JobNotWaitingError",
  description: "respondToJob on a job that is not PENDING_HITL. Nothing changed.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof JobNotWaitingError,
  fields: (t) => ({
    jobId: t.id({ description: "The job's global ID.", resolve: (e) => encodeGlobalID("Job", e.jobId) }),
    status: t.field({ type: JobStatusEnum, description: "The job's status (not PENDING_HITL).", resolve: (e) => e.status as JobStatus }),
  }),
});

const kindName = z.string().min(1, "must not be empty").max(100, "must be at most 100 characters");

const JobFilterInput = builder.inputType("JobFilter", {
  description: "All given conditions must hold.",
  fields: (t) => ({
    status: t.field({ type: JobStatusEnum, description: "Only jobs with this status." }),
    kind: t.string({ description: "Only jobs of this kind.", validate: kindName }),
    createdBy: t.string({ description: 'A token name, or "system".', validate: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters") }),
  }),
});

const JobKindType = builder.simpleObject("JobKind", {
  description: "A registered kind of job.",
  fields: (t) => ({
    name: t.string({ description: "The kind's name, e.g. scores.recompute; pass it to enqueueJob." }),
    description: t.string({ description: "What a job of this kind does." }),
    maxAttempts: t.int({ description: "Attempts before a failing job gives up." }),
    requiredScope: t.string({ description: "write or admin: what a token needs to start it." }),
    inputSchema: t.field({ type: "JSON", description: "The input's JSON Schema." }),
  }),
});

builder.queryFields((t) => ({
  jobs: t.prismaConnection({
    type: "Job",
    cursor: "id",
    description: "Jobs, newest first, filtered by status, kind and who started them.",
    args: { filter: t.arg({ type: JobFilterInput, description: "Only jobs matching every condition given." }) },
    resolve: (query, _root, args, ctx) => ctx.services.jobs.list(ctx.principal, args.filter, query),
    totalCount: (_conn, args, ctx) => ctx.services.jobs.count(ctx.principal, args.filter),
  }, JobConnection),
  jobKinds: t.field({
    type: [JobKindType],
    description: "The kinds of job this server can run, with their input schemas.",
    resolve: (_r, _a, ctx) =>
      ctx.services.jobs.registry.list().map((k) => ({
        name: k.name,
        description: k.description,
        maxAttempts: k.maxAttempts ?? 3,
        requiredScope: k.scope ?? "write",
        inputSchema: z.toJSONSchema(k.input, { io: "input", unrepresentable: "any" }),
      })),
  }),
}));

const JobPayload = builder.simpleObject("JobPayload", {
  description: "The job after the change.",
  fields: (t) => ({ job: t.field({ type: JobRef, description: "The job, as it stands after the mutation." }) }),
});

const EnqueueJobInput = builder.inputType("EnqueueJobInput", {
  description: "A job to start: its kind and input.",
  fields: (t) => ({
    kind: t.string({ required: true, description: "A registered kind (see jobKinds).", validate: kindName }),
    input: t.field({ type: "JSON", description: "Checked against the kind's input schema; {} when omitted." }),
  }),
});

const controlErrors = [NotFoundError, JobStateError, ForbiddenError];

builder.mutationFields((t) => ({
  enqueueJob: t.field({
    type: JobPayload,
    description: "Starts a job of a registered kind. A bad input is an InvalidInputError naming the field (input.input.<path>) and the rule; nothing is written.",
    errors: { types: [InvalidInputError, ForbiddenError], directResult: true },
    args: { input: t.arg({ type: EnqueueJobInput, required: true, description: "The kind and its input." }) },
    resolve: async (_r, { input }, ctx) => ({ job: await ctx.services.jobs.enqueue(input.kind, input.input ?? {}, ctx.principal) }),
  }),
  cancelJob: t.field({
    type: JobPayload,
    description: "Cancels a pending or waiting job at once; asks a running one to stop (status stays RUNNING with cancelRequested until its handler stops). Own jobs, or any with admin.",
    errors: { types: controlErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: JobRef, description: "The job's global ID." }) },
    resolve: async (_r, args, ctx) => ({ job: await ctx.services.jobs.cancel(args.id.id, ctx.principal) }),
  }),
  retryJob: t.field({
    type: JobPayload,
    description: "Runs a FAILED or CANCELLED job again from the start. Own jobs, or any with admin.",
    errors: { types: controlErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: JobRef, description: "The job's global ID." }) },
    resolve: async (_r, args, ctx) => ({ job: await ctx.services.jobs.retry(args.id.id, ctx.principal) }),
  }),
  respondToJob: t.field({
    type: JobPayload,
    description: "Answers a PENDING_HITL job's question; it resumes. When the prompt lists choices the answer must be one of them.",
    errors: { types: [NotFoundError, JobNotWaitingError, InvalidInputError, ForbiddenError], directResult: true },
    args: {
      id: t.arg.globalID({ required: true, for: JobRef, description: "The waiting job's global ID." }),
      response: t.arg({ type: "JSON", required: true, description: "The answer: one of the prompt's choices, or any JSON the prompt asks for." }),
    },
    resolve: async (_r, args, ctx) => ({ job: await ctx.services.jobs.respond(args.id.id, args.response, ctx.principal) }),
  }),
}));

builder.subscriptionFields((t) => ({
  jobUpdated: t.field({
    type: JobRef,
    description:
      "The job now, then after each progress or status change, in order. Completes after the job finishes; subscribing to a finished job yields its final state and completes.",
    args: { id: t.arg.globalID({ required: true, for: JobRef, description: "The job's global ID." }) },
    subscribe: (_root, args, ctx) => shared(ctx.services.jobs.watch(ctx.principal, args.id.id)),
    resolve: asJobParent,
  }),
  jobsUpdated: t.field({
    type: JobRef,
    description: "Every job's progress and status changes (for dashboards), optionally filtered.",
    args: { filter: t.arg({ type: JobFilterInput, description: "Only jobs matching every condition given." }) },
    subscribe: (_root, args, ctx) => shared(ctx.services.jobs.watchAll(ctx.principal, args.filter)),
    resolve: asJobParent,
  }),
}));

/** Marks each job view as one event's value for every subscriber (shared-subscription-results). */
async function* shared(source: AsyncGenerator<JobView>): AsyncGenerator<JobView> {
  for await (const view of source) yield sharedPayload(view);
}
