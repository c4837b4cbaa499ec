// Vaults through the API: a round trip over each kind (export → push → pull into an empty bundles
// folder → import) on a real folder, a real bare git repository and a real S3-compatible server
// process (s3rver); a tampered bundle in the vault refused on pull (and flagged in Vault.bundles);
// paths that escape SKILLGRAPH_VAULT_ROOTS refused (symlinks included); scopes; credentials never
// in a response or a log line; Vault.bundles over many vaults in a constant number of statements.
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/lib/logger.js";
import { useTestApp } from "../helpers/app.js";
import { fastJobs, waitForStatus } from "../jobs/helpers.js";
import { git, skillMd, tempDir, writeTree } from "../content/fixtures.js";
import { startS3Server, type S3Server } from "../fixtures/s3/server.js";

const root = tempDir("skillgraph-vaults-root-");
const collections = tempDir("skillgraph-vaults-collections-");
const bundles = tempDir("skillgraph-vaults-bundles-");
const vaultRoot = tempDir("skillgraph-vaults-allowed-");
const outside = tempDir("skillgraph-vaults-outside-");

const Import = `mutation($input: ImportArtifactInput!) { importArtifact(input: $input) { __typename ... on ImportArtifactPayload { job { id } } } }`;
const Export = `mutation($input: ExportBundleInput!) { exportBundle(input: $input) { __typename ... on ExportBundlePayload { job { id } } } }`;
const CreateVault = `mutation($input: CreateVaultInput!) { createVault(input: $input) {
  __typename
  ... on Vault { id name kind config hasCredentials }
  ... on InvalidInputError { field message }
  ... on AlreadyExistsError { message }
} }`;
const RemoveVault = `mutation($name: String!) { removeVault(name: $name) { __typename ... on RemoveVaultPayload { name } ... on NotFoundError { message } } }`;
const Push = `mutation($vault: String!, $bundle: String!) { pushBundle(vault: $vault, bundle: $bundle) { __typename ... on PushBundlePayload { job { id } } ... on InvalidInputError { field message } ... on NotFoundError { message } } }`;
const Pull = `mutation($vault: String!, $name: String!, $version: String!) { pullBundle(vault: $vault, name: $name, version: $version) { __typename ... on PullBundlePayload { job { id } } ... on InvalidInputError { field message } ... on NotFoundError { message } } }`;
const ImportBundle = `mutation($file: String!, $collection: String) { importBundle(file: $file, collection: $collection, strategy: MERGE) { __typename ... on ImportBundlePayload { job { id } } } }`;
const CreateCollection = `mutation($name: String!) { createCollection(input: { name: $name }) { __typename } }`;
const Vaults = `{ vaults(first: 50) { totalCount edges { node { name kind config hasCredentials bundles {
  __typename
  ... on VaultBundlesSuccess { data { name version size sha256 signer trust problem problemMessage pushedAt } }
  ... on VaultError { message vault }
} } } } }`;

type BundleRow = { name: string; version: string; size: number; sha256: string | null; signer: string | null; trust: string | null; problem: string | null; problemMessage: string | null; pushedAt: string | null };
type VaultsData = { vaults: { totalCount: number; edges: { node: { name: string; kind: string; config: Record<string, unknown>; hasCredentials: boolean; bundles: { __typename: string; data?: BundleRow[]; message?: string } } }[] } };

const lines: string[] = [];
const responses: string[] = [];
let s3: S3Server;

describe("vaults", () => {
  const t = useTestApp({
    env: { ...fastJobs, SKILLGRAPH_IMPORT_ROOTS: root, SKILLGRAPH_COLLECTIONS_DIR: collections, SKILLGRAPH_BUNDLES_DIR: bundles, SKILLGRAPH_VAULT_ROOTS: vaultRoot, SKILLGRAPH_SECRET_KEY: "5a".repeat(32), LOG_LEVEL: "debug" },
    logger: createLogger("debug", (line) => lines.push(line)),
  });

  /** execute, keeping every response for the credentials check. */
  async function run<T>(doc: string, variables: Record<string, unknown> = {}, token: "read" | "write" | "admin" = "write") {
    const r = await t().execute<T, unknown>(doc, variables, { token });
    responses.push(JSON.stringify({ data: r.data, errors: r.errors }));
    return r;
  }

  async function job(id: string) {
    const done = await waitForStatus(t().app, decodeGlobalID(id).id, ["SUCCEEDED", "FAILED"], 30_000);
    responses.push(JSON.stringify(done));
    return done;
  }

  async function exportBundle(name: string, version: string) {
    const res = (await run<{ exportBundle: { job: { id: string } } }>(Export, { input: { collection: "default", name, version } })).expectNoErrors();
    const done = await job(res.exportBundle.job.id);
    expect(done.status, String(done.error)).toBe("SUCCEEDED");
    return done.result as { file: string; sha256: string; signer: string };
  }

  async function createVault(input: Record<string, unknown>) {
    return (await run<{ createVault: { __typename: string; name?: string; field?: string; hasCredentials?: boolean; config?: Record<string, unknown> } }>(CreateVault, { input }, "admin")).expectNoErrors().createVault;
  }

  async function push(vault: string, bundle: string) {
    const res = (await run<{ pushBundle: { __typename: string; job?: { id: string } } }>(Push, { vault, bundle })).expectNoErrors().pushBundle;
    expect(res.__typename).toBe("PushBundlePayload");
    return job(res.job?.id ?? "");
  }

  async function pull(vault: string, name: string, version: string) {
    const res = (await run<{ pullBundle: { __typename: string; job?: { id: string } } }>(Pull, { vault, name, version })).expectNoErrors().pullBundle;
    expect(res.__typename).toBe("PullBundlePayload");
    return job(res.job?.id ?? "");
  }

  async function vaultBundles(name: string): Promise<BundleRow[]> {
    const data = (await run<VaultsData>(Vaults, {}, "read")).expectNoErrors();
    const v = data.vaults.edges.find((e) => e.node.name === name);
    expect(v?.node.bundles.__typename, v?.node.bundles.message).toBe("VaultBundlesSuccess");
    return v?.node.bundles.data ?? [];
  }

  const emptyBundles = () => {
    for (const f of readdirSync(bundles)) rmSync(join(bundles, f), { force: true });
  };

  const s3Input = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    s3: { endpoint: s3.endpoint, bucket: s3.bucket, prefix: `${name}/`, forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, ...extra },
  });

  const s3Client = () =>
    new S3Client({ endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });

  beforeAll(async () => {
    s3 = await startS3Server();
    await t().app.startBackground();
    for (const name of ["alpha", "beta"]) {
      const dir = writeTree(join(root, name), { "SKILL.md": skillMd(name) + "Do the thing.\n", "scripts/run.sh": `#!/bin/sh\necho ${name}\n` });
      const res = (await run<{ importArtifact: { job: { id: string } } }>(Import, { input: { path: dir } })).expectNoErrors();
      expect((await job(res.importArtifact.job.id)).status).toBe("SUCCEEDED");
    }
  }, 60_000);

  afterAll(async () => {
    await s3?.stop();
  });

  const kinds: { kind: string; make: (name: string) => Record<string, unknown> }[] = [
    { kind: "FOLDER", make: (name) => ({ name, folder: { path: mkdirSync(join(vaultRoot, name), { recursive: true }) ?? join(vaultRoot, name) } }) },
    {
      kind: "GIT",
      make: (name) => {
        const repo = join(vaultRoot, `${name}.git`);
        mkdirSync(repo, { recursive: true });
        git(repo, "init", "--quiet", "--bare", "--initial-branch=main");
        return { name, git: { url: `file://${repo}`, branch: "bundles" } };
      },
    },
    { kind: "S3", make: (name) => s3Input(name) },
  ];

  for (const { kind, make } of kinds) {
    it(`round trip over a ${kind} vault: export, push, pull into an empty bundles folder, import`, async () => {
      const name = `rt-${kind.toLowerCase()}`;
      const created = await createVault(make(name));
      expect(created).toMatchObject({ __typename: "Vault", name });
      const exported = await exportBundle(`team-${kind.toLowerCase()}`, "1.0.0");

      const pushed = await push(name, exported.file);
      expect(pushed.status, String(pushed.error)).toBe("SUCCEEDED");
      expect(pushed.result).toMatchObject({ vault: name, key: `team-${kind.toLowerCase()}/1.0.0.skillmeat-pack`, sha256: exported.sha256, signer: exported.signer });
      // Pushing the same bundle again is fine (a git vault makes no empty commit).
      expect((await push(name, exported.file)).status).toBe("SUCCEEDED");

      const listed = await vaultBundles(name);
      expect(listed).toEqual([expect.objectContaining({ name: `team-${kind.toLowerCase()}`, version: "1.0.0", sha256: exported.sha256, signer: exported.signer, trust: "OWN", problem: null })]);
      expect(listed[0]?.size).toBe(readFileSync(join(bundles, exported.file)).length);
      expect(listed[0]?.pushedAt).not.toBeNull();

      emptyBundles();
      const pulled = await pull(name, `team-${kind.toLowerCase()}`, "1.0.0");
      expect(pulled.status, String(pulled.error)).toBe("SUCCEEDED");
      expect(pulled.result).toMatchObject({ file: exported.file, sha256: exported.sha256, signer: exported.signer, trust: "OWN" });
      expect(readdirSync(bundles)).toEqual([exported.file]);

      const target = `copy-${kind.toLowerCase()}`;
      expect((await run<{ createCollection: { __typename: string } }>(CreateCollection, { name: target })).expectNoErrors().createCollection.__typename).toBe("CreateCollectionPayload");
      const imp = (await run<{ importBundle: { job: { id: string } } }>(ImportBundle, { file: exported.file, collection: target })).expectNoErrors();
      const imported = await job(imp.importBundle.job.id);
      expect(imported.status, String(imported.error)).toBe("SUCCEEDED");
      expect((imported.result as { items: { name: string; action: string }[] }).items).toEqual([
        { type: "SKILL", name: "alpha", action: "CREATED" },
        { type: "SKILL", name: "beta", action: "CREATED" },
      ]);

      // An unknown version is NOT_FOUND in the job; nothing is written.
      emptyBundles();
      const missing = await pull(name, `team-${kind.toLowerCase()}`, "9.9.9");
      expect(missing.status).toBe("FAILED");
      expect(readdirSync(bundles)).toEqual([]);
    }, 60_000);
  }

  it("refuses a tampered bundle in each kind of vault on pull, and Vault.bundles says which check fails", async () => {
    const exported = await exportBundle("tamper", "1.0.0");
    const original = readFileSync(join(bundles, exported.file));
    const flipped = Buffer.from(original);
    flipped[original.indexOf("echo alpha")] = "E".charCodeAt(0);

    const folder = join(vaultRoot, "tamper-folder");
    mkdirSync(folder, { recursive: true });
    expect(await createVault({ name: "tamper-folder", folder: { path: folder } })).toMatchObject({ __typename: "Vault" });
    const repo = join(vaultRoot, "tamper.git");
    mkdirSync(repo, { recursive: true });
    git(repo, "init", "--quiet", "--bare", "--initial-branch=main");
    expect(await createVault({ name: "tamper-git", git: { url: repo } })).toMatchObject({ __typename: "Vault" });
    expect(await createVault(s3Input("tamper-s3"))).toMatchObject({ __typename: "Vault" });

    for (const v of ["tamper-folder", "tamper-git", "tamper-s3"]) expect((await push(v, exported.file)).status).toBe("SUCCEEDED");

    // Someone with access to the storage changes one byte of a file inside the bundle.
    writeFileSync(join(folder, "tamper", "1.0.0.skillmeat-pack"), flipped);
    const work = tempDir("skillgraph-vaults-clone-");
    git(work, "clone", "--quiet", "--branch", "main", repo, ".");
    writeFileSync(join(work, "tamper", "1.0.0.skillmeat-pack"), flipped);
    git(work, "commit", "--quiet", "-am", "tamper");
    git(work, "push", "--quiet", "origin", "main");
    await s3Client().send(new PutObjectCommand({ Bucket: s3.bucket, Key: "tamper-s3/tamper/1.0.0.skillmeat-pack", Body: flipped, ContentLength: flipped.length }));

    for (const v of ["tamper-folder", "tamper-git", "tamper-s3"]) {
      const listed = await vaultBundles(v);
      expect(listed, v).toEqual([expect.objectContaining({ name: "tamper", version: "1.0.0", problem: "FILE_CHANGED", signer: null, trust: null })]);
      emptyBundles();
      const pulled = await pull(v, "tamper", "1.0.0");
      expect(pulled.status, v).toBe("FAILED");
      expect(pulled.error).toContain("FILE_CHANGED: files/skill/alpha/scripts/run.sh");
      expect(readdirSync(bundles), v).toEqual([]);
    }
  }, 90_000);

  it("refuses folders and local repositories outside SKILLGRAPH_VAULT_ROOTS, symlinks included", async () => {
    expect(await createVault({ name: "out", folder: { path: outside } })).toMatchObject({ __typename: "InvalidInputError", field: "input.folder.path" });
    expect(await createVault({ name: "rel", folder: { path: "../etc" } })).toMatchObject({ __typename: "InvalidInputError", field: "input.folder.path" });
    expect(await createVault({ name: "dots", folder: { path: join(vaultRoot, "..", "..", "etc") } })).toMatchObject({ __typename: "InvalidInputError", field: "input.folder.path" });
    // A symlink inside the root that leads out.
    const link = join(vaultRoot, "leads-out");
    symlinkSync(outside, link);
    expect(await createVault({ name: "link", folder: { path: link } })).toMatchObject({ __typename: "InvalidInputError", field: "input.folder.path" });
    const outRepo = join(outside, "repo.git");
    mkdirSync(outRepo);
    git(outRepo, "init", "--quiet", "--bare");
    expect(await createVault({ name: "git-out", git: { url: `file://${outRepo}` } })).toMatchObject({ __typename: "InvalidInputError", field: "input.git.url" });
    expect(await createVault({ name: "git-pw", git: { url: "https://user:hunter2@example.com/r.git" } })).toMatchObject({ __typename: "InvalidInputError", field: "input.git.url" });
    expect(await createVault({ name: "git-branch", git: { url: outRepo.replace(outside, vaultRoot), branch: "--force" } })).toMatchObject({ __typename: "InvalidInputError" });
    expect(await createVault({ name: "two", folder: { path: vaultRoot }, s3: { bucket: "b-b-b" } })).toMatchObject({ __typename: "InvalidInputError", field: "input" });
    expect(await createVault({ name: "bad/name", s3: { bucket: "b-b-b" } })).toMatchObject({ __typename: "InvalidInputError", field: "input.name" });
    expect(await createVault({ name: "bucket", s3: { bucket: "No_Such" } })).toMatchObject({ __typename: "InvalidInputError", field: "input.s3.bucket" });
    expect(await createVault({ name: "half", s3: { bucket: "b-b-b", accessKeyId: "x" } })).toMatchObject({ __typename: "InvalidInputError", field: "input.s3.secretAccessKey" });

    // Inside a good vault, a bundle folder that is a symlink leading out is neither written through nor read.
    const folder = join(vaultRoot, "guarded");
    mkdirSync(folder);
    expect(await createVault({ name: "guarded", folder: { path: folder } })).toMatchObject({ __typename: "Vault" });
    const exported = await exportBundle("escape", "1.0.0");
    symlinkSync(outside, join(folder, "escape"));
    const pushed = await push("guarded", exported.file);
    expect(pushed.status).toBe("FAILED");
    expect(pushed.error).toContain("symlinks are refused");
    expect(existsSync(join(outside, "1.0.0.skillmeat-pack"))).toBe(false);
    // A bundle file that is a symlink to a bundle outside is not listed, and not pulled.
    writeFileSync(join(outside, "2.0.0.skillmeat-pack"), readFileSync(join(bundles, exported.file)));
    rmSync(join(folder, "escape"));
    mkdirSync(join(folder, "escape"));
    symlinkSync(join(outside, "2.0.0.skillmeat-pack"), join(folder, "escape", "2.0.0.skillmeat-pack"));
    expect(await vaultBundles("guarded")).toEqual([]);
    emptyBundles();
    const pulled = await pull("guarded", "escape", "2.0.0");
    expect(pulled.status).toBe("FAILED");
    expect(pulled.error).toContain("symlinks are refused");
    expect(readdirSync(bundles)).toEqual([]);
    // Names that are not one path segment never reach a store.
    const bad = (await run<{ pullBundle: { __typename: string; field?: string } }>(Pull, { vault: "guarded", name: "../escape", version: "1.0.0" })).expectNoErrors().pullBundle;
    expect(bad).toMatchObject({ __typename: "InvalidInputError", field: "name" });
  }, 60_000);

  it("needs admin to create or remove a vault and write to push or pull", async () => {
    const folder = join(vaultRoot, "scoped");
    mkdirSync(folder);
    const denied = await run<unknown>(CreateVault, { input: { name: "scoped", folder: { path: folder } } }, "write");
    expect(denied.errors?.length).toBeGreaterThan(0);
    expect((await createVault({ name: "scoped", folder: { path: folder } })).__typename).toBe("Vault");
    expect((await createVault({ name: "scoped", folder: { path: folder } })).__typename).toBe("AlreadyExistsError");
    expect((await run<unknown>(Push, { vault: "scoped", bundle: "x.skillmeat-pack" }, "read")).errors?.length).toBeGreaterThan(0);
    expect((await run<unknown>(Pull, { vault: "scoped", name: "x", version: "1" }, "read")).errors?.length).toBeGreaterThan(0);
    expect((await run<unknown>(RemoveVault, { name: "scoped" }, "write")).errors?.length).toBeGreaterThan(0);
    expect((await run<{ removeVault: unknown }>(RemoveVault, { name: "scoped" }, "admin")).expectNoErrors().removeVault).toEqual({ __typename: "RemoveVaultPayload", name: "scoped" });
    expect((await run<{ removeVault: unknown }>(RemoveVault, { name: "scoped" }, "admin")).expectNoErrors().removeVault).toMatchObject({ __typename: "NotFoundError" });
    expect((await run<{ pushBundle: unknown }>(Push, { vault: "nope", bundle: "x.skillmeat-pack" })).expectNoErrors().pushBundle).toMatchObject({ __typename: "NotFoundError" });
  });

  it("lists the bundles of many vaults with a constant number of statements", async () => {
    // Only this request's statements: the job workers poll meanwhile.
    const count = async () => (await t().countStatements(() => run<VaultsData>(Vaults, {}, "read"))).statements.filter((s) => !/[`"]Job/.test(s)).length;
    const before = await count();
    for (const n of ["many-1", "many-2", "many-3"]) {
      mkdirSync(join(vaultRoot, n));
      await createVault({ name: n, folder: { path: join(vaultRoot, n) } });
    }
    expect(await count()).toBe(before);
    // The vault page, its count, the signer keys (two) and the token: whatever the number of vaults.
    expect(before).toBeLessThanOrEqual(6);
  });

  it("keeps S3 credentials sealed: never in a response, a job, a log line or the stored row", async () => {
    const made = await createVault(s3Input("creds"));
    expect(made).toMatchObject({ __typename: "Vault", hasCredentials: true });
    expect(made.config).toEqual({ endpoint: s3.endpoint, region: "us-east-1", bucket: s3.bucket, prefix: "creds/", forcePathStyle: true });
    const row = await t().app.services.sharing.vaults.byName("creds");
    expect(JSON.stringify(row.config)).not.toContain(s3.secretAccessKey);
    expect(row.sealedCredentials).toMatch(/^v1\./);
    expect(row.sealedCredentials).not.toContain(s3.secretAccessKey);

    // A vault whose access key the server does not know: the error names the failure, not the key.
    const wrongKey = "AKIA-NOT-KNOWN-7f3e";
    expect(await createVault(s3Input("wrong", { accessKeyId: wrongKey, secretAccessKey: "s3cr3t-NOT-KNOWN-91ab" }))).toMatchObject({ __typename: "Vault" });
    const data = (await run<VaultsData>(Vaults, {}, "read")).expectNoErrors();
    const wrong = data.vaults.edges.find((e) => e.node.name === "wrong")?.node.bundles;
    expect(wrong?.__typename).toBe("VaultError");
    expect(wrong?.message).toContain("InvalidAccessKeyId");
    expect((await t().app.services.sharing.vaults.bundles(await t().app.services.sharing.vaults.byName("creds"))).length).toBe(0);
    // The object the S3 round trip wrote is really there, under the vault's prefix.
    const obj = await s3Client().send(new GetObjectCommand({ Bucket: s3.bucket, Key: "rt-s3/team-s3/1.0.0.skillmeat-pack" }));
    expect(obj.ContentLength).toBeGreaterThan(0);

    const everything = responses.join("\n") + lines.join("");
    for (const secret of [s3.secretAccessKey, s3.accessKeyId, wrongKey, "s3cr3t-NOT-KNOWN-91ab"]) expect(everything).not.toContain(secret);
    expect(lines.some((l) => l.includes("created a vault"))).toBe(true);
  });
});
