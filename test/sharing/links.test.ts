// Share links between two instances (two databases): A exports a signed bundle and makes a link;
// B trusts A's key and imports over real HTTP with importBundle(source: {url}). The link counts
// downloads and refuses (JSON, 404/405/410) once exhausted, revoked or expired; tags travel with
// the bundle and the manifest names the MCP servers the artifacts need.
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadBundle } from "../../src/modules/sharing/download.js";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { fastJobs, waitForStatus } from "../jobs/helpers.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";
import { registerServer, stdioServer } from "../mcp/fixtures.js";

const root = tempDir("skillgraph-links-root-");
const envOf = (name: string, extra: Record<string, string> = {}) => ({
  ...fastJobs,
  SKILLGRAPH_IMPORT_ROOTS: root,
  SKILLGRAPH_COLLECTIONS_DIR: tempDir(`skillgraph-links-${name}-collections-`),
  SKILLGRAPH_BUNDLES_DIR: tempDir(`skillgraph-links-${name}-bundles-`),
  SKILLGRAPH_SECRET_KEY: (name === "a" ? "5a" : "6b").repeat(32),
  ...extra,
});
const envA = envOf("a");
const envB = envOf("b", { SKILLGRAPH_PUBLIC_URL: "https://share.example.org/base/" });

const Import = `mutation($input: ImportArtifactInput!) { importArtifact(input: $input) { __typename ... on ImportArtifactPayload { job { id } } } }`;
const Export = `mutation($input: ExportBundleInput!) { exportBundle(input: $input) { __typename ... on ExportBundlePayload { job { id } } } }`;
const CreateLink = `mutation($bundle: String!, $expiresIn: Int!, $maxDownloads: Int) { createShareLink(bundle: $bundle, expiresIn: $expiresIn, maxDownloads: $maxDownloads) {
  __typename ... on CreatedShareLink { url link { id downloads maxDownloads active sha256 } } ... on InvalidInputError { field message } ... on NotFoundError { message } } }`;
const RevokeLink = `mutation($id: ID!) { revokeShareLink(id: $id) { __typename ... on ShareLink { revokedAt active } } }`;
const Links = `{ shareLinks(first: 10) { totalCount edges { node { id file downloads active revokedAt } } } }`;
const ImportBundle = `mutation($file: String, $source: BundleSourceInput, $strategy: BundleImportStrategy!) { importBundle(file: $file, source: $source, strategy: $strategy) {
  __typename ... on ImportBundlePayload { job { id } } ... on InvalidInputError { field message } } }`;
const Keys = `{ signingKeys { publicKey } }`;
const Trust = `mutation($publicKey: String!, $name: String!) { trustKey(publicKey: $publicKey, name: $name) { __typename } }`;
const Artifacts = `{ artifacts(first: 20) { edges { node { name tags { name } } } } }`;

function must<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new Error("expected a value");
  return v;
}

async function job(t: TestApp, id: string) {
  return waitForStatus(t.app, decodeGlobalID(id).id, ["SUCCEEDED", "FAILED", "PENDING_HITL"]);
}

async function importSkill(t: TestApp, name: string, tools = "Read, Bash") {
  const dir = writeTree(join(root, `${name}-${Math.random().toString(36).slice(2)}`, name), {
    "SKILL.md": skillMd(name).replace("allowed-tools: Read, Bash", `allowed-tools: ${tools}`),
    "notes.md": `${name} notes\n`,
  });
  const res = (await t.execute<{ importArtifact: { job: { id: string } } }, unknown>(Import, { input: { path: dir } }, { token: "write" })).expectNoErrors();
  expect((await job(t, res.importArtifact.job.id)).status).toBe("SUCCEEDED");
}

async function exportBundle(t: TestApp, version: string) {
  const res = (await t.execute<{ exportBundle: { job: { id: string } } }, unknown>(Export, { input: { collection: "default", name: "team", version } }, { token: "write" })).expectNoErrors();
  const done = await job(t, res.exportBundle.job.id);
  expect(done.status, JSON.stringify(done.error)).toBe("SUCCEEDED");
  return done.result as { file: string; sha256: string; size: number };
}

type Created = { __typename: string; url: string; link: { id: string; downloads: number; maxDownloads: number | null; active: boolean; sha256: string }; field?: string };

async function createLink(t: TestApp, bundle: string, expiresIn: number, maxDownloads?: number): Promise<Created> {
  return (await t.execute<{ createShareLink: Created }, unknown>(CreateLink, { bundle, expiresIn, maxDownloads }, { token: "write" })).expectNoErrors().createShareLink;
}

async function importFrom(t: TestApp, url: string) {
  const res = (await t.execute<{ importBundle: { __typename: string; job?: { id: string }; field?: string } }, unknown>(ImportBundle, { source: { url }, strategy: "MERGE" }, { token: "write" })).expectNoErrors();
  expect(res.importBundle.__typename).toBe("ImportBundlePayload");
  return job(t, must(res.importBundle.job).id);
}

describe("share links between two instances", () => {
  const a = useTestApp({ env: envA });
  const b = useTestApp({ env: envB });
  let base = "";
  let file = "";

  beforeAll(async () => {
    base = await a().listen();
    await a().app.startBackground();
    await b().app.startBackground();
    await importSkill(a(), "alpha", "Read, mcp__github__create_issue, mcp__notes__search");
    await importSkill(a(), "beta");
    await registerServer(a(), stdioServer("healthy", "github"), undefined, { approve: false });
    const alpha = must((await a().app.services.artifacts.inCollection((await a().app.services.collections.byName("default")).id)).find((x) => x.name === "alpha"));
    const tag = await a().app.services.tags.create({ name: "Team Pick" });
    await a().app.services.tags.tagArtifact(alpha.id, tag.id);
    file = (await exportBundle(a(), "1.0.0")).file;
    const key = must((await a().execute<{ signingKeys: { publicKey: string }[] }, unknown>(Keys, {})).expectNoErrors().signingKeys[0]).publicKey;
    expect((await b().execute<{ trustKey: { __typename: string } }, unknown>(Trust, { publicKey: key, name: "instance A" }, { token: "admin" })).expectNoErrors().trustKey.__typename).toBe("TrustedKey");
  });

  /** The kit names its requests' host skillgraph.test; the same token at A's real address. */
  const real = (url: string) => url.replace("http://skillgraph.test", base.replace(/\/$/, ""));

  it("lists the MCP servers the artifacts need in the manifest, with what the registry knows", async () => {
    const verified = await a().app.services.sharing.verifyBundle(file);
    expect(verified.manifest.mcpServers).toEqual([
      { name: "github", registryName: "io.github.skillgraph-tests/github", version: "1.2.3", neededBy: ["skill:alpha"] },
      { name: "notes", registryName: null, version: null, neededBy: ["skill:alpha"] },
    ]);
  });

  it("imports over a real HTTP link into the other instance, with tags, counting downloads, then refuses the exhausted link", async () => {
    const made = await createLink(a(), file, 600, 2);
    expect(made.__typename).toBe("CreatedShareLink");
    expect(made.url).toMatch(/^http:\/\/skillgraph\.test\/share\/[A-Za-z0-9_-]{43}$/);
    expect(made.link).toMatchObject({ downloads: 0, maxDownloads: 2, active: true });
    const url = real(made.url);

    const first = await importFrom(b(), url);
    expect(first.status, JSON.stringify(first.error)).toBe("SUCCEEDED");
    expect((first.result as { items: { name: string; action: string }[] }).items.map((i) => [i.name, i.action])).toEqual([["alpha", "CREATED"], ["beta", "CREATED"]]);
    const arts = (await b().execute<{ artifacts: { edges: { node: { name: string; tags: { name: string }[] } }[] } }, unknown>(Artifacts, {})).expectNoErrors();
    expect(arts.artifacts.edges.map((e) => [e.node.name, e.node.tags.map((t) => t.name)])).toEqual([["alpha", ["Team Pick"]], ["beta", []]]);
    // The download is kept in B's bundles folder, named after the bundle and its hash.
    expect(readdirSync(envB.SKILLGRAPH_BUNDLES_DIR)).toEqual([`team-1.0.0-${made.link.sha256.slice(0, 12)}.skillmeat-pack`]);

    const second = await importFrom(b(), url);
    expect(second.status).toBe("SUCCEEDED");
    expect((second.result as { items: { action: string }[] }).items.map((i) => i.action)).toEqual(["UNCHANGED", "UNCHANGED"]);

    const listed = (await a().execute<{ shareLinks: { totalCount: number; edges: { node: { id: string; downloads: number; active: boolean } }[] } }, unknown>(Links, {}, { token: "write" })).expectNoErrors();
    expect(listed.shareLinks.edges.find((e) => e.node.id === made.link.id)?.node).toMatchObject({ downloads: 2, active: false });

    const third = await fetch(url);
    expect(third.status).toBe(410);
    expect(await third.json()).toMatchObject({ error: "EXHAUSTED" });
    const failed = await importFrom(b(), url);
    expect(failed.status).toBe("FAILED");
    const message = JSON.stringify(failed.error);
    expect(message).toContain("EXHAUSTED");
    // The token is a secret: the job's error shows the link without it.
    expect(message).not.toContain(url.slice(url.lastIndexOf("/") + 1));
  });

  it("refuses revoked, expired and unknown links and other methods, with JSON saying why", async () => {
    const revoked = await createLink(a(), file, 600);
    const r = (await a().execute<{ revokeShareLink: { revokedAt: string | null; active: boolean } }, unknown>(RevokeLink, { id: revoked.link.id }, { token: "write" })).expectNoErrors();
    expect(r.revokeShareLink).toMatchObject({ active: false });
    expect(r.revokeShareLink.revokedAt).not.toBeNull();
    const res = await fetch(real(revoked.url));
    expect(res.status).toBe(410);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toMatchObject({ error: "REVOKED" });

    const expiring = await createLink(a(), file, 1);
    const ok = await fetch(real(expiring.url));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-content-sha256")).toBe(expiring.link.sha256);
    // Sent as stored, with its length: the response compression leaves it alone (no-transform).
    expect(ok.headers.get("content-encoding")).toBeNull();
    const body = Buffer.from(await ok.arrayBuffer());
    expect(Number(ok.headers.get("content-length"))).toBe(body.length);
    expect(createHash("sha256").update(body).digest("hex")).toBe(expiring.link.sha256);
    await sleep(1100);
    const late = await fetch(real(expiring.url));
    expect(late.status).toBe(410);
    expect(await late.json()).toMatchObject({ error: "EXPIRED" });

    const unknown = await fetch(`${base.replace(/\/$/, "")}/share/${"x".repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: "NOT_FOUND" });
    const post = await fetch(real(expiring.url), { method: "POST" });
    expect(post.status).toBe(405);
  });

  it("uses SKILLGRAPH_PUBLIC_URL for the link, and refuses bad input with the field named", async () => {
    await importSkill(b(), "gamma");
    const own = await exportBundle(b(), "9.9.9");
    const made = await createLink(b(), own.file, 60);
    expect(made.url).toMatch(/^https:\/\/share\.example\.org\/base\/share\/[A-Za-z0-9_-]{43}$/);
    expect(await createLink(b(), own.file, 0)).toMatchObject({ __typename: "InvalidInputError", field: "expiresIn" });
    expect(await createLink(b(), own.file, 60, 0)).toMatchObject({ __typename: "InvalidInputError", field: "maxDownloads" });
    expect((await createLink(b(), "nope-1.0.0.skillmeat-pack", 60)).__typename).toBe("NotFoundError");
    const bad = (await b().execute<{ importBundle: { __typename: string; field?: string } }, unknown>(ImportBundle, { source: { url: "file:///etc/passwd" }, strategy: "SKIP" }, { token: "write" })).expectNoErrors();
    expect(bad.importBundle).toMatchObject({ __typename: "InvalidInputError", field: "source.url" });
    const both = (await b().execute<{ importBundle: { __typename: string; field?: string } }, unknown>(ImportBundle, { file: own.file, source: { url: "http://x.test/" }, strategy: "SKIP" }, { token: "write" })).expectNoErrors();
    expect(both.importBundle).toMatchObject({ __typename: "InvalidInputError", field: "file" });
    const anonymous = await b().execute(CreateLink, { bundle: own.file, expiresIn: 60 });
    expect(anonymous.errors?.length).toBeGreaterThan(0);
  });

  it("ASK over a link: pauses with the conflict, resumes on the answer without downloading again", async () => {
    await importSkill(b(), "alpha", "Read, Write");
    const made = await createLink(a(), file, 600, 1);
    const res = (await b().execute<{ importBundle: { job: { id: string } } }, unknown>(ImportBundle, { source: { url: real(made.url) }, strategy: "ASK" }, { token: "write" })).expectNoErrors();
    const id = decodeGlobalID(res.importBundle.job.id).id;
    const waiting = await waitForStatus(b().app, id, ["PENDING_HITL", "FAILED", "SUCCEEDED"]);
    expect(waiting.status, JSON.stringify(waiting.error)).toBe("PENDING_HITL");
    expect(JSON.stringify(waiting.prompt)).toContain("skill:alpha");
    await b().execute(`mutation($id: ID!, $r: JSON!) { respondToJob(id: $id, response: $r) { __typename } }`, { id: res.importBundle.job.id, r: { artifacts: { "skill:alpha": "MERGE" } } }, { token: "write" });
    // The link served its one download; the resumed job uses the kept file.
    const done = await waitForStatus(b().app, id, ["SUCCEEDED", "FAILED"]);
    expect(done.status, JSON.stringify(done.error)).toBe("SUCCEEDED");
    expect((done.result as { items: { name: string; action: string }[] }).items.find((i) => i.name === "alpha")?.action).toBe("MERGED");
  });

  it("lists share links in a constant number of statements", async () => {
    const count = () => a().countStatements(() => a().execute(Links, {}, { token: "write" }));
    const before = await count();
    for (let i = 0; i < 4; i++) await createLink(a(), file, 60, 1);
    const after = await count();
    expect(after.count, `before:\n${before.statements.join("\n")}\nafter:\n${after.statements.join("\n")}`).toBe(before.count);
  });

  it("refuses a bundle from an untrusted signer and writes nothing", async () => {
    const before = readdirSync(envA.SKILLGRAPH_BUNDLES_DIR).sort();
    const own = await exportBundle(b(), "7.0.0");
    const made = await createLink(b(), own.file, 60);
    const url = made.url.replace("https://share.example.org/base", (await b().listen()).replace(/\/$/, ""));
    const failed = await importFrom(a(), url);
    expect(failed.status).toBe("FAILED");
    expect(JSON.stringify(failed.error)).toContain("UNKNOWN_KEY");
    expect(readdirSync(envA.SKILLGRAPH_BUNDLES_DIR).sort()).toEqual(before);
  });
});

describe("downloading a bundle", () => {
  let server: Server;
  let url = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/big") res.writeHead(200, { "content-length": "5000" }).end(Buffer.alloc(5000));
      else if (req.url === "/chunked") {
        res.writeHead(200);
        res.write(Buffer.alloc(3000));
        res.end(Buffer.alloc(3000));
      } else if (req.url === "/hang") res.writeHead(200).write("x");
      else res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ message: "broken" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("refuses a declared or streamed size over the limit, a hanging server, and an error status, each by reason", async () => {
    const limits = { maxBytes: 4096, timeoutMs: 300 };
    await expect(downloadBundle(`${url}/big`, limits)).rejects.toMatchObject({ name: "BundleDownloadError", reason: "TOO_LARGE" });
    await expect(downloadBundle(`${url}/chunked`, limits)).rejects.toMatchObject({ reason: "TOO_LARGE" });
    await expect(downloadBundle(`${url}/hang`, limits)).rejects.toMatchObject({ reason: "TIMEOUT" });
    await expect(downloadBundle(`${url}/error`, limits)).rejects.toMatchObject({ reason: "HTTP_STATUS", message: expect.stringContaining("broken") });
    await expect(downloadBundle("ftp://example.org/x", limits)).rejects.toMatchObject({ name: "InvalidInputError", field: "source.url" });
  });
});
