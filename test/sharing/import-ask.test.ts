// The ASK import strategy: the sharing.import job pauses (PENDING_HITL) with each conflicting
// artifact and its per-file diff in the prompt, and resumes with a choice per artifact; a bad
// answer is refused when given (the job keeps waiting) and nothing is written.
import { join } from "node:path";
import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { fastJobs, waitForStatus } from "../jobs/helpers.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const root = tempDir("skillgraph-ask-root-");
const bundles = tempDir("skillgraph-ask-bundles-");

const Import = `mutation($input: ImportArtifactInput!) { importArtifact(input: $input) { __typename ... on ImportArtifactPayload { job { id } } } }`;
const Export = `mutation($input: ExportBundleInput!) { exportBundle(input: $input) { __typename ... on ExportBundlePayload { job { id } } } }`;
const ImportBundle = `mutation($file: String!, $strategy: BundleImportStrategy!) { importBundle(file: $file, strategy: $strategy) { __typename ... on ImportBundlePayload { job { id } } } }`;
const Respond = `mutation($id: ID!, $r: JSON!) { respondToJob(id: $id, response: $r) { __typename } }`;
const Names = `{ artifacts(first: 20) { edges { node { name contentHash } } } }`;

async function job(t: TestApp, id: string) {
  return waitForStatus(t.app, id, ["SUCCEEDED", "FAILED", "PENDING_HITL"]);
}

async function importSkill(t: TestApp, name: string, body: string) {
  const dir = writeTree(join(root, `${name}-${Math.random().toString(36).slice(2)}`, name), { "SKILL.md": skillMd(name) + body });
  const res = (await t.execute<{ importArtifact: { job: { id: string } } }, unknown>(Import, { input: { path: dir } }, { token: "write" })).expectNoErrors();
  expect((await job(t, decodeGlobalID(res.importArtifact.job.id).id)).status).toBe("SUCCEEDED");
}

async function startImport(t: TestApp, file: string) {
  const res = (await t.execute<{ importBundle: { job: { id: string } } }, unknown>(ImportBundle, { file, strategy: "ASK" }, { token: "write" })).expectNoErrors();
  return decodeGlobalID(res.importBundle.job.id).id;
}

async function names(t: TestApp) {
  return (await t.execute<{ artifacts: { edges: { node: { name: string; contentHash: string } }[] } }, unknown>(Names, {})).expectNoErrors().artifacts.edges.map((e) => e.node);
}

type Prompt = { key: string; message: string; details: { conflicts: { key: string; files: { path: string; status: string; patch: string | null }[] }[] } };

describe("importBundle with ASK", () => {
  const t = useTestApp({ env: { ...fastJobs, SKILLGRAPH_IMPORT_ROOTS: root, SKILLGRAPH_COLLECTIONS_DIR: tempDir("skillgraph-ask-collections-"), SKILLGRAPH_BUNDLES_DIR: bundles, SKILLGRAPH_SECRET_KEY: "7c".repeat(32) } });
  let file = "";

  beforeEach(async () => {
    await t().clear();
    await t().app.startBackground();
    await importSkill(t(), "alpha", "Bundled line.\n");
    await importSkill(t(), "beta", "Beta stays.\n");
    const res = (await t().execute<{ exportBundle: { job: { id: string } } }, unknown>(Export, { input: { collection: "default", name: "ask", version: "1.0.0" } }, { token: "write" })).expectNoErrors();
    const done = await job(t(), decodeGlobalID(res.exportBundle.job.id).id);
    file = (done.result as { file: string }).file;
    // alpha changes here after the export: a conflict with the bundle; beta stays identical.
    await importSkill(t(), "alpha", "Local line.\n");
  });

  it("pauses with the conflict's diff and resumes with the answer per artifact", async () => {
    const id = await startImport(t(), file);
    const waiting = await job(t(), id);
    expect(waiting.status).toBe("PENDING_HITL");
    const prompt = waiting.prompt as Prompt;
    expect(prompt.message).toContain("MERGE");
    expect(prompt.details.conflicts.map((c) => c.key)).toEqual(["skill:alpha"]);
    const diff = prompt.details.conflicts[0]?.files.find((f) => f.path === "SKILL.md");
    expect(diff?.status).toBe("MODIFIED");
    expect(diff?.patch).toContain("-Local line.");
    expect(diff?.patch).toContain("+Bundled line.");
    // Nothing is written while it waits.
    expect((await names(t())).map((n) => n.name)).toEqual(["alpha", "beta"]);

    const answered = (await t().execute<{ respondToJob: { __typename: string } }, unknown>(Respond, { id: encodeGlobalID("Job", id), r: { artifacts: { "skill:alpha": "FORK" } } }, { token: "write" })).expectNoErrors();
    expect(answered.respondToJob.__typename).toBe("JobPayload");
    const done = await waitForStatus(t().app, id, ["SUCCEEDED", "FAILED"]);
    expect(done.status, JSON.stringify(done.error)).toBe("SUCCEEDED");
    const items = (done.result as { items: { name: string; action: string }[] }).items;
    expect(items.map((i) => i.action)).toEqual(["FORKED", "UNCHANGED"]);
    expect((await names(t())).map((n) => n.name).sort()).toEqual(["alpha", must(items[0]).name, "beta"].sort());
    expect(must(items[0]).name).toMatch(/^alpha-[0-9a-f]{8}$/);
  });

  it("refuses an answer that leaves a conflict out, naming it; the job keeps waiting and nothing is written", async () => {
    const before = await names(t());
    const id = await startImport(t(), file);
    expect((await job(t(), id)).status).toBe("PENDING_HITL");
    const RespondTyped = `mutation($id: ID!, $r: JSON!) { respondToJob(id: $id, response: $r) { __typename ... on InvalidInputError { field } } }`;
    const bad = (await t().execute<{ respondToJob: { __typename: string; field?: string } }, unknown>(RespondTyped, { id: encodeGlobalID("Job", id), r: { artifacts: { "skill:beta": "MERGE" } } }, { token: "write" })).expectNoErrors();
    expect(bad.respondToJob).toEqual({ __typename: "InvalidInputError", field: "response.artifacts.skill:alpha" });
    const wrong = (await t().execute<{ respondToJob: { __typename: string; field?: string } }, unknown>(RespondTyped, { id: encodeGlobalID("Job", id), r: { artifacts: { "skill:alpha": "REPLACE" } } }, { token: "write" })).expectNoErrors();
    expect(wrong.respondToJob).toEqual({ __typename: "InvalidInputError", field: "response.artifacts.skill:alpha" });
    expect((await t().app.services.jobs.get(id)).status).toBe("PENDING_HITL");
    expect(await names(t())).toEqual(before);
    // A complete answer then resumes it.
    await t().execute(Respond, { id: encodeGlobalID("Job", id), r: { artifacts: { "skill:alpha": "SKIP" } } }, { token: "write" });
    const done = await waitForStatus(t().app, id, ["SUCCEEDED", "FAILED"]);
    expect(done.status, JSON.stringify(done.error)).toBe("SUCCEEDED");
    expect(await names(t())).toEqual(before);
  });

  it("asks nothing when there is no conflict", async () => {
    await importSkill(t(), "alpha", "Bundled line.\n");
    const done = await job(t(), await startImport(t(), file));
    expect(done.status).toBe("SUCCEEDED");
    expect((done.result as { items: { action: string }[] }).items.map((i) => i.action)).toEqual(["UNCHANGED", "UNCHANGED"]);
  });
});

function must<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new Error("expected a value");
  return v;
}
