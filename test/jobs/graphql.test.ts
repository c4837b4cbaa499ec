// Jobs as clients see them: the Job node, the jobs connection, the mutations with their typed
// errors and scopes, and live progress over SSE and graphql-ws.
import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import { createClient } from "graphql-ws";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { z } from "zod";
import { defineJobKind } from "../../src/modules/jobs/registry.js";
import { SYSTEM } from "../../src/lib/principal.js";
import type { JobWorker } from "../../src/modules/jobs/worker.js";
import { graphql } from "../gql/index.js";
import { testPrincipal } from "../helpers/principals.js";
import { useTestApp } from "../helpers/app.js";
import { openSse } from "../helpers/sse.js";
import { clearJobs, fastJobs, waitFor, waitForStatus } from "./helpers.js";

const EnqueueJob = graphql(`
  mutation EnqueueJob($input: EnqueueJobInput!) {
    enqueueJob(input: $input) {
      __typename
      ... on JobPayload { job { id kind status input createdBy attempts maxAttempts } }
      ... on Error { message }
      ... on InvalidInputError { field }
    }
  }
`);

const JobById = graphql(`
  query JobById($id: ID!) {
    node(id: $id) {
      __typename
      ... on Job {
        id kind status progress phase message result error prompt waitingUntil attempts createdBy startedAt completedAt eventSequence
        events(first: 100) { totalCount edges { node { sequence type status progress message at } } }
      }
    }
  }
`);

const ListJobs = graphql(`
  query ListJobs($filter: JobFilter, $first: Int, $after: String) {
    jobs(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id kind status createdBy events(first: 3) { totalCount edges { node { sequence status } } } } }
    }
  }
`);

const CancelJob = graphql(`
  mutation CancelJob($id: ID!) {
    cancelJob(id: $id) {
      __typename
      ... on JobPayload { job { id status cancelRequested } }
      ... on Error { message }
      ... on JobStateError { action status jobId }
    }
  }
`);

const RetryJob = graphql(`
  mutation RetryJob($id: ID!) {
    retryJob(id: $id) {
      __typename
      ... on JobPayload { job { id status attempts } }
      ... on Error { message }
      ... on JobStateError { action status }
    }
  }
`);

const RespondToJob = graphql(`
  mutation RespondToJob($id: ID!, $response: JSON!) {
    respondToJob(id: $id, response: $response) {
      __typename
      ... on JobPayload { job { id status } }
      ... on Error { message }
      ... on JobNotWaitingError { status jobId }
      ... on InvalidInputError { field }
    }
  }
`);

const JobKinds = graphql(`
  query JobKinds { jobKinds { name requiredScope maxAttempts inputSchema } }
`);

const JobUpdatedSub = `subscription JobUpdated($id: ID!) { jobUpdated(id: $id) { id status progress eventSequence message } }`;
const JobsUpdatedSub = `subscription JobsUpdated($filter: JobFilter) { jobsUpdated(filter: $filter) { id kind status progress } }`;

interface JobUpdate {
  id: string;
  status: string;
  progress: number;
  eventSequence: number;
  message: string | null;
}

async function sse<T>(t: ReturnType<ReturnType<typeof useTestApp>>, query: string, variables: unknown, token: string): Promise<{ events: T[]; completed: boolean }> {
  const stream = await openSse(t.app, query, variables, token);
  await stream.readUntil(() => stream.completed);
  return { events: stream.events as T[], completed: stream.completed };
}

describe("jobs over GraphQL", () => {
  const t = useTestApp({ env: fastJobs });
  const gateOpen = { value: false };

  beforeAll(async () => {
    t().app.services.jobs.registry.register(
      defineJobKind({
        name: "test.ask",
        description: "Asks to pick a colour.",
        input: z.object({}),
        async run(ctx) {
          return { colour: await ctx.ask("colour", { message: "Pick a colour", choices: ["red", "blue"] }) };
        },
      }),
    );
    t().app.services.jobs.registry.register(
      defineJobKind({
        name: "test.hold",
        description: "Runs until cancelled or released.",
        input: z.object({}),
        async run(ctx) {
          while (!gateOpen.value) {
            await ctx.progress(5);
            await new Promise((r) => setTimeout(r, 10));
          }
          return null;
        },
      }),
    );
    await t().app.startBackground();
  });
  beforeEach(async () => {
    gateOpen.value = true;
    await waitFor("idle workers", () => (t().app.background[0] as JobWorker).runningJobs.length === 0);
    gateOpen.value = false;
    await clearJobs(t().app);
  });

  it("starts a job, validating its input against the kind, by scope, writing nothing on failure", async () => {
    const bad = (await t().execute(EnqueueJob, { input: { kind: "system.demo", input: { steps: 0 } } }, { token: "admin" })).expectNoErrors();
    expect(bad.enqueueJob).toMatchObject({ __typename: "InvalidInputError", field: "input.input.steps", message: "input.input.steps: must be at least 1" });
    const unknown = (await t().execute(EnqueueJob, { input: { kind: "no.such" } }, { token: "admin" })).expectNoErrors();
    expect(unknown.enqueueJob).toMatchObject({ __typename: "InvalidInputError", field: "input.kind" });
    const writer = (await t().execute(EnqueueJob, { input: { kind: "system.demo", input: {} } }, { token: "write" })).expectNoErrors();
    expect(writer.enqueueJob).toMatchObject({ __typename: "ForbiddenError", message: "Starting a system.demo job needs the admin scope." });
    const reader = await t().execute(EnqueueJob, { input: { kind: "system.demo" } }, { token: "read" });
    expect(reader.expectErrors()[0]?.message).toMatch(/Not authorised to access Mutation.enqueueJob/);
    const long = await t().execute(EnqueueJob, { input: { kind: "x".repeat(101) } }, { token: "admin" });
    expect(long.expectInvalidInput().message).toMatch(/input\.kind: must be at most 100 characters/);
    expect(await t().app.database.prisma.job.count()).toBe(0);

    const ok = (await t().execute(EnqueueJob, { input: { kind: "system.demo", input: { steps: 3, stepMs: 0 } } }, { token: "admin" })).expectNoErrors();
    if (ok.enqueueJob.__typename !== "JobPayload") throw new Error(ok.enqueueJob.__typename);
    expect(ok.enqueueJob.job).toMatchObject({ kind: "system.demo", status: "PENDING", createdBy: "test-admin", maxAttempts: 3 });
    expect(ok.enqueueJob.job.input).toEqual({ steps: 3, stepMs: 0, failAttempts: 0 });
    const id = ok.enqueueJob.job.id;
    await waitForStatus(t().app, decodeGlobalID(id).id, "SUCCEEDED");
    const node = (await t().execute(JobById, { id }, { token: "read" })).expectNoErrors().node;
    if (node?.__typename !== "Job") throw new Error("not a job");
    expect(node).toMatchObject({ status: "SUCCEEDED", progress: 100, result: { completedSteps: 3, resumedFrom: 0 }, attempts: 1, eventSequence: 6 });
    expect(node.events.totalCount).toBe(6);
    expect(node.events.edges.map((e) => e.node.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(node.events.edges.at(-1)?.node).toMatchObject({ type: "STATUS", status: "SUCCEEDED", message: "Succeeded" });

    const kinds = (await t().execute(JobKinds, {}, { token: "read" })).expectNoErrors().jobKinds;
    const demo = kinds.find((k) => k.name === "system.demo");
    expect(demo).toMatchObject({ requiredScope: "admin", maxAttempts: 3 });
    expect(demo?.inputSchema).toMatchObject({ type: "object", properties: { steps: { type: "integer", minimum: 1 } } });
  });

  it("lists jobs newest first with filters and pages, with constant statements for nested events", async () => {
    for (let i = 0; i < 6; i++) await t().app.services.jobs.enqueue("test.ask", {}, testPrincipal(i % 2 ? "test-write" : "alice"));
    await waitFor("all waiting", async () => (await t().app.database.prisma.job.count({ where: { status: "PENDING_HITL" } })) === 6);
    const page = (await t().execute(ListJobs, { first: 4 }, { token: "read" })).expectNoErrors().jobs;
    expect(page.totalCount).toBe(6);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = (await t().execute(ListJobs, { first: 4, after: page.pageInfo.endCursor }, { token: "read" })).expectNoErrors().jobs;
    expect([...page.edges, ...rest.edges].map((e) => e.node.id)).toHaveLength(6);
    expect(page.edges[0]?.node.events.edges.map((e) => e.node.status)).toEqual(["PENDING", "RUNNING", "PENDING_HITL"]);

    const mine = (await t().execute(ListJobs, { filter: { createdBy: "alice", status: "PENDING_HITL", kind: "test.ask" } }, { token: "read" })).expectNoErrors().jobs;
    expect(mine.totalCount).toBe(3);
    expect(mine.edges.every((e) => e.node.createdBy === "alice")).toBe(true);
    const none = (await t().execute(ListJobs, { filter: { status: "RUNNING" } }, { token: "read" })).expectNoErrors().jobs;
    expect(none.totalCount).toBe(0);

    // The worker's polls would land in the counting window: pause it while counting.
    const worker = t().app.background[0] as JobWorker;
    await worker.stop();
    const small = await t().countStatements(() => t().execute(ListJobs, { first: 2 }, { token: "read" }));
    const large = await t().countStatements(() => t().execute(ListJobs, { first: 6 }, { token: "read" }));
    await worker.start();
    // Only the job queries: the token's advisory lastUsedAt write may land in either window.
    const jobQueries = (r: { statements: string[] }) => r.statements.filter((q) => q.includes('"Job')).length;
    expect(jobQueries(large)).toBe(jobQueries(small));
    expect(jobQueries(large)).toBeLessThanOrEqual(3);
    expect((await t().execute(ListJobs, { first: 101 }, { token: "read" })).expectErrors()[0]?.message).toMatch(/first: must be at most 100/);
  });

  it("answers, cancels and retries with typed errors, only for the job's owner or an admin", async () => {
    const job = await t().app.services.jobs.enqueue("test.ask", {}, testPrincipal("test-write"));
    const gid = encodeGlobalID("Job", job.id);
    await waitForStatus(t().app, job.id, "PENDING_HITL");
    const waiting = (await t().execute(JobById, { id: gid }, { token: "read" })).expectNoErrors().node;
    expect(waiting).toMatchObject({ status: "PENDING_HITL", prompt: { key: "colour", message: "Pick a colour", choices: ["red", "blue"] } });

    const wrong = (await t().execute(RespondToJob, { id: gid, response: "green" }, { token: "write" })).expectNoErrors().respondToJob;
    expect(wrong).toMatchObject({ __typename: "InvalidInputError", field: "response", message: 'response: must be one of "red", "blue"' });
    const ok = (await t().execute(RespondToJob, { id: gid, response: "blue" }, { token: "write" })).expectNoErrors().respondToJob;
    expect(ok).toMatchObject({ __typename: "JobPayload", job: { status: "PENDING" } });
    await waitForStatus(t().app, job.id, "SUCCEEDED");
    const again = (await t().execute(RespondToJob, { id: gid, response: "red" }, { token: "write" })).expectNoErrors().respondToJob;
    expect(again).toMatchObject({ __typename: "JobNotWaitingError", status: "SUCCEEDED", jobId: gid });
    const cancelDone = (await t().execute(CancelJob, { id: gid }, { token: "write" })).expectNoErrors().cancelJob;
    expect(cancelDone).toMatchObject({ __typename: "JobStateError", action: "cancel", status: "SUCCEEDED" });

    const other = await t().app.services.jobs.enqueue("test.hold", {}, SYSTEM);
    const otherId = encodeGlobalID("Job", other.id);
    await waitForStatus(t().app, other.id, "RUNNING");
    const denied = (await t().execute(CancelJob, { id: otherId }, { token: "write" })).expectNoErrors().cancelJob;
    expect(denied.__typename).toBe("ForbiddenError");
    const cancelled = (await t().execute(CancelJob, { id: otherId }, { token: "admin" })).expectNoErrors().cancelJob;
    expect(cancelled).toMatchObject({ __typename: "JobPayload", job: { status: "RUNNING", cancelRequested: true } });
    await waitForStatus(t().app, other.id, "CANCELLED");
    const retried = (await t().execute(RetryJob, { id: otherId }, { token: "admin" })).expectNoErrors().retryJob;
    expect(retried).toMatchObject({ __typename: "JobPayload", job: { status: "PENDING", attempts: 0 } });
    await waitForStatus(t().app, other.id, "RUNNING");
    const notNow = (await t().execute(RetryJob, { id: otherId }, { token: "admin" })).expectNoErrors().retryJob;
    expect(notNow).toMatchObject({ __typename: "JobStateError", action: "retry", status: "RUNNING" });

    const missing = (await t().execute(CancelJob, { id: encodeGlobalID("Job", "nope") }, { token: "admin" })).expectNoErrors().cancelJob;
    expect(missing.__typename).toBe("NotFoundError");
    const wrongType = await t().execute(CancelJob, { id: encodeGlobalID("Artifact", "x") }, { token: "admin" });
    expect(wrongType.expectErrors()[0]?.message).toMatch(/Job/);
  });

  it("streams a job's progress over SSE in order and completes when it finishes", async () => {
    const job = await t().app.services.jobs.enqueue("system.demo", { steps: 10, stepMs: 15 }, SYSTEM);
    const gid = encodeGlobalID("Job", job.id);
    const { events, completed } = await sse<{ jobUpdated: JobUpdate }>(t(), JobUpdatedSub, { id: gid }, t().tokens.read);
    expect(completed).toBe(true);
    const seqs = events.map((e) => e.jobUpdated.eventSequence);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(events.at(-1)?.jobUpdated).toMatchObject({ status: "SUCCEEDED", progress: 100, eventSequence: 13 });
    // Every event after the first (the state when subscribing) arrives, none skipped.
    expect((seqs.at(-1) ?? 0) - (seqs[0] ?? 0) + 1).toBe(seqs.length);

    const late = await sse<{ jobUpdated: JobUpdate }>(t(), JobUpdatedSub, { id: gid }, t().tokens.read);
    expect(late.completed).toBe(true);
    expect(late.events).toEqual([{ jobUpdated: expect.objectContaining({ status: "SUCCEEDED", eventSequence: 13 }) }]);
  });

  it("streams over graphql-ws, for one job and for a filtered dashboard", async () => {
    const base = await t().listen();
    const client = createClient({
      url: `${base.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${t().tokens.read}` },
      retryAttempts: 0,
    });
    try {
      const dashboard: { id: string; kind: string; status: string; progress: number }[] = [];
      const ready = new Promise<void>((resolve) => setTimeout(resolve, 150));
      const stopDashboard = client.subscribe<{ jobsUpdated: { id: string; kind: string; status: string; progress: number } }>(
        { query: JobsUpdatedSub, variables: { filter: { kind: "system.demo", status: "SUCCEEDED" } } },
        { next: (v) => v.data && dashboard.push(v.data.jobsUpdated), error: () => {}, complete: () => {} },
      );
      await ready;
      const job = await t().app.services.jobs.enqueue("system.demo", { steps: 8, stepMs: 10 }, SYSTEM);
      const gid = encodeGlobalID("Job", job.id);
      const seen: JobUpdate[] = [];
      await new Promise<void>((resolve, reject) => {
        client.subscribe<{ jobUpdated: JobUpdate }>(
          { query: JobUpdatedSub, variables: { id: gid } },
          { next: (v) => v.data && seen.push(v.data.jobUpdated), error: reject, complete: resolve },
        );
      });
      expect(seen.at(-1)).toMatchObject({ status: "SUCCEEDED", progress: 100 });
      const seqs = seen.map((s) => s.eventSequence);
      expect((seqs.at(-1) ?? 0) - (seqs[0] ?? 0) + 1).toBe(seqs.length);
      await waitFor("dashboard event", () => dashboard.length > 0);
      expect(dashboard).toEqual([{ id: gid, kind: "system.demo", status: "SUCCEEDED", progress: 100 }]);
      stopDashboard();
    } finally {
      await client.dispose();
    }
  });
});
