// Signed bundles through the API: deterministic export (byte-identical twice), verification with a
// typed error per tampering (a file, the manifest, an extra or missing entry, a symlink, traversal),
// signing keys (never the private key), trusted and revoked keys, unsigned bundles (admin only).
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { beforeEach, describe, expect, it } from "vitest";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { tarEntries as entriesOf, tarPack as pack } from "../helpers/tar.js";
import { fastJobs, waitForStatus } from "../jobs/helpers.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const root = tempDir("skillgraph-sharing-root-");
const collections = tempDir("skillgraph-sharing-collections-");
const bundles = tempDir("skillgraph-sharing-bundles-");

const Import = `mutation($input: ImportArtifactInput!) { importArtifact(input: $input) { __typename ... on ImportArtifactPayload { job { id } } } }`;
const Export = `mutation($input: ExportBundleInput!) { exportBundle(input: $input) { __typename ... on ExportBundlePayload { job { id } } ... on InvalidInputError { field message } } }`;
const Verify = `mutation($file: String!, $allowUnsigned: Boolean) { verifyBundle(file: $file, allowUnsigned: $allowUnsigned) {
  __typename
  ... on BundleVerification { name version signer trust createdBy artifacts { type name contentHash tags files } }
  ... on BundleVerificationError { problem path message }
  ... on InvalidInputError { field message }
} }`;
const Keys = `{ signingKeys { publicKey fingerprint active } trustedKeys { id name fingerprint revokedAt } }`;
const Trust = `mutation($publicKey: String!, $name: String!) { trustKey(publicKey: $publicKey, name: $name) { __typename ... on TrustedKey { id fingerprint } ... on InvalidInputError { field } } }`;
const Revoke = `mutation($id: ID!) { revokeTrustedKey(id: $id) { __typename ... on TrustedKey { revokedAt } } }`;

type VerifyData = { verifyBundle: { __typename: string; problem?: string; path?: string | null; trust?: string; signer?: string | null; name?: string; artifacts?: { name: string; files: number }[]; field?: string } };

function must<T>(v: T | null | undefined): T {
  if (v === null || v === undefined) throw new Error("expected a value");
  return v;
}

async function job(t: TestApp, id: string) {
  return waitForStatus(t.app, decodeGlobalID(id).id, ["SUCCEEDED", "FAILED"]);
}

async function importSkill(t: TestApp, name: string, body = "Do the thing.\n") {
  const dir = writeTree(join(root, name), { "SKILL.md": skillMd(name) + body, "scripts/run.sh": `#!/bin/sh\necho ${name}\n` });
  const res = (await t.execute<{ importArtifact: { job: { id: string } } }, unknown>(Import, { input: { path: dir } }, { token: "write" })).expectNoErrors();
  expect((await job(t, res.importArtifact.job.id)).status).toBe("SUCCEEDED");
}

async function exportBundle(t: TestApp, input: Record<string, unknown>) {
  const res = (await t.execute<{ exportBundle: { __typename: string; job?: { id: string } } }, unknown>(Export, { input }, { token: "write" })).expectNoErrors();
  expect(res.exportBundle.__typename).toBe("ExportBundlePayload");
  const done = await job(t, must(res.exportBundle.job).id);
  expect(done.status, JSON.stringify(done.error)).toBe("SUCCEEDED");
  return done.result as { file: string; sha256: string; size: number; artifacts: number; files: number; signer: string };
}

async function verify(t: TestApp, file: string, token: "write" | "admin" = "write", allowUnsigned?: boolean) {
  return (await t.execute<VerifyData, unknown>(Verify, { file, allowUnsigned }, { token })).expectNoErrors().verifyBundle;
}



/** A key pair like another instance's, and its raw base64 public key. */
function otherKey() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(must(publicKey.export({ format: "jwk" }).x), "base64url");
  return { privateKey, publicKey: raw.toString("base64"), fingerprint: createHash("sha256").update(raw).digest("hex") };
}

/** The same bundle signed by another key. */
async function resign(bytes: Buffer, key: ReturnType<typeof otherKey>): Promise<Buffer> {
  const entries = await entriesOf(bytes);
  const manifest = must(entries.find((e) => e.name === "manifest.json")).data;
  const sig = JSON.stringify({ algorithm: "ed25519", fingerprint: key.fingerprint, publicKey: key.publicKey, signature: sign(null, manifest, key.privateKey).toString("base64") });
  return pack(entries.map((e) => (e.name === "signature.json" ? { name: e.name, data: Buffer.from(sig) } : e)));
}

describe("signed bundles", () => {
  const t = useTestApp({ env: { ...fastJobs, SKILLGRAPH_IMPORT_ROOTS: root, SKILLGRAPH_COLLECTIONS_DIR: collections, SKILLGRAPH_BUNDLES_DIR: bundles, SKILLGRAPH_SECRET_KEY: "5a".repeat(32) } });

  beforeEach(async () => {
    await t().app.startBackground();
    await importSkill(t(), "alpha");
    await importSkill(t(), "beta");
  });

  it("exports the same collection twice as byte-identical, signed bundles that verify", async () => {
    const first = await exportBundle(t(), { collection: "default", name: "team", version: "1.0.0" });
    expect(first).toMatchObject({ file: "team-1.0.0.skillmeat-pack", artifacts: 2, files: 4 });
    const bytes1 = readFileSync(join(bundles, first.file));
    const second = await exportBundle(t(), { collection: "default", name: "team", version: "1.0.0" });
    const bytes2 = readFileSync(join(bundles, second.file));
    expect(second.sha256).toBe(first.sha256);
    expect(Buffer.compare(bytes1, bytes2)).toBe(0);
    expect(createHash("sha256").update(bytes1).digest("hex")).toBe(first.sha256);

    const keys = (await t().execute<{ signingKeys: { publicKey: string; fingerprint: string; active: boolean }[] }, unknown>(Keys, {})).expectNoErrors();
    expect(keys.signingKeys).toHaveLength(1);
    expect(must(keys.signingKeys[0]).fingerprint).toBe(first.signer);

    const ok = await verify(t(), first.file);
    expect(ok).toMatchObject({ __typename: "BundleVerification", name: "team", trust: "OWN", signer: first.signer });
    expect(ok.artifacts?.map((a) => [a.name, a.files])).toEqual([["alpha", 2], ["beta", 2]]);
  });

  it("refuses a changed file, a changed manifest, extra and missing entries, each with its problem", async () => {
    const { file } = await exportBundle(t(), { collection: "default", name: "team", version: "2.0.0" });
    const path = join(bundles, file);
    const original = readFileSync(path);
    const entries = await entriesOf(original);

    // One byte flipped inside a file's content (the tar header is untouched).
    const at = original.indexOf("echo alpha");
    const flipped = Buffer.from(original);
    flipped[at] = "E".charCodeAt(0);
    writeFileSync(path, flipped);
    expect(await verify(t(), file)).toMatchObject({ __typename: "BundleVerificationError", problem: "FILE_CHANGED", path: "files/skill/alpha/scripts/run.sh" });

    // One byte changed in the manifest: the signature no longer matches.
    const m = original.indexOf('"name":"team"');
    const manifestChanged = Buffer.from(original);
    manifestChanged[m + 9] = "T".charCodeAt(0);
    writeFileSync(path, manifestChanged);
    expect(await verify(t(), file)).toMatchObject({ problem: "MANIFEST_CHANGED", path: "manifest.json" });

    // One byte changed in the signature.
    const sigEntry = must(entries.find((e) => e.name === "signature.json"));
    const sig = JSON.parse(sigEntry.data.toString()) as { signature: string };
    const raw = Buffer.from(sig.signature, "base64");
    raw[0] = must(raw[0]) ^ 1;
    writeFileSync(path, await pack(entries.map((e) => (e === sigEntry ? { name: e.name, data: Buffer.from(JSON.stringify({ ...sig, signature: raw.toString("base64") })) } : e))));
    expect(await verify(t(), file)).toMatchObject({ problem: "MANIFEST_CHANGED" });

    writeFileSync(path, await pack([...entries, { name: "files/skill/alpha/extra.sh", data: Buffer.from("rm -rf /\n") }]));
    expect(await verify(t(), file)).toMatchObject({ problem: "FILE_EXTRA", path: "files/skill/alpha/extra.sh" });

    writeFileSync(path, await pack(entries.filter((e) => e.name !== "files/skill/beta/SKILL.md")));
    expect(await verify(t(), file)).toMatchObject({ problem: "FILE_MISSING", path: "files/skill/beta/SKILL.md" });

    writeFileSync(path, await pack([...entries, { name: "files/skill/alpha/link", type: "symlink", linkname: "/etc/passwd" }]));
    expect(await verify(t(), file)).toMatchObject({ problem: "MALFORMED", path: "files/skill/alpha/link" });

    writeFileSync(path, await pack([...entries, { name: "../escape.sh", data: Buffer.from("x") }]));
    expect(await verify(t(), file)).toMatchObject({ problem: "MALFORMED", path: "../escape.sh" });

    writeFileSync(path, await pack([...entries, must(entries[2])]));
    expect(await verify(t(), file)).toMatchObject({ problem: "MALFORMED", path: must(entries[2]).name });

    writeFileSync(path, original);
    expect(await verify(t(), file)).toMatchObject({ __typename: "BundleVerification" });
  });

  it("accepts a trusted key's bundle, refuses an unknown or revoked one; key mutations need admin", async () => {
    const { file } = await exportBundle(t(), { collection: "default", name: "team", version: "3.0.0" });
    const path = join(bundles, file);
    const key = otherKey();
    writeFileSync(path, await resign(readFileSync(path), key));
    expect(await verify(t(), file)).toMatchObject({ problem: "UNKNOWN_KEY", path: "signature.json" });

    const denied = await t().execute(Trust, { publicKey: key.publicKey, name: "partner" }, { token: "write" });
    expect(denied.expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
    const bad = (await t().execute<{ trustKey: { __typename: string; field?: string } }, unknown>(Trust, { publicKey: "bm90IGEga2V5", name: "partner" }, { token: "admin" })).expectNoErrors();
    expect(bad.trustKey).toMatchObject({ __typename: "InvalidInputError", field: "publicKey" });

    const trusted = (await t().execute<{ trustKey: { id: string; fingerprint: string } }, unknown>(Trust, { publicKey: key.publicKey, name: "partner" }, { token: "admin" })).expectNoErrors();
    expect(trusted.trustKey.fingerprint).toBe(key.fingerprint);
    expect(await verify(t(), file)).toMatchObject({ __typename: "BundleVerification", trust: "TRUSTED", signer: key.fingerprint });

    expect((await t().execute(Revoke, { id: trusted.trustKey.id }, { token: "write" })).expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
    (await t().execute(Revoke, { id: trusted.trustKey.id }, { token: "admin" })).expectNoErrors();
    expect(await verify(t(), file)).toMatchObject({ problem: "REVOKED_KEY", path: "signature.json" });
  });

  it("refuses unsigned bundles unless an admin asks explicitly; rotation keeps old bundles valid", async () => {
    const { file, signer } = await exportBundle(t(), { collection: "default", name: "team", version: "4.0.0" });
    const path = join(bundles, file);
    const signed = readFileSync(path);
    writeFileSync(path, await pack((await entriesOf(signed)).filter((e) => e.name !== "signature.json")));
    expect(await verify(t(), file)).toMatchObject({ problem: "UNSIGNED" });
    expect(await verify(t(), file, "write", true)).toMatchObject({ __typename: "InvalidInputError", field: "allowUnsigned" });
    expect(await verify(t(), file, "admin")).toMatchObject({ problem: "UNSIGNED" });
    expect(await verify(t(), file, "admin", true)).toMatchObject({ __typename: "BundleVerification", trust: "UNSIGNED", signer: null });

    writeFileSync(path, signed);
    expect((await t().execute(`mutation { rotateSigningKey { __typename } }`, {}, { token: "write" })).expectErrors()[0]?.extensions?.code).toBe("FORBIDDEN");
    (await t().execute(`mutation { rotateSigningKey { __typename } }`, {}, { token: "admin" })).expectNoErrors();
    const keys = (await t().execute<{ signingKeys: { fingerprint: string; active: boolean }[] }, unknown>(Keys, {})).expectNoErrors().signingKeys;
    expect(keys.map((k) => k.active)).toEqual([true, false]);
    expect(must(keys[1]).fingerprint).toBe(signer);
    expect(await verify(t(), file)).toMatchObject({ __typename: "BundleVerification", trust: "OWN", signer });
    const next = await exportBundle(t(), { collection: "default", name: "team", version: "4.0.1" });
    expect(next.signer).toBe(must(keys[0]).fingerprint);
  });

  it("previews an import: NEW, IDENTICAL and CONFLICT with the files that differ, after verifying", async () => {
    const { file } = await exportBundle(t(), { collection: "default", name: "team", version: "5.0.0" });
    const Preview = `query($file: String!, $collection: String) { bundleImportPreview(file: $file, collection: $collection) {
      __typename
      ... on BundleImportPreview { collection verification { trust } items { name status changes { path status } } }
      ... on BundleVerificationError { problem }
    } }`;
    type P = { bundleImportPreview: { __typename: string; problem?: string; items?: { name: string; status: string; changes: { path: string; status: string }[] }[] } };
    const same = (await t().execute<P, unknown>(Preview, { file })).expectNoErrors().bundleImportPreview;
    expect(same.items?.map((i) => [i.name, i.status])).toEqual([["alpha", "IDENTICAL"], ["beta", "IDENTICAL"]]);

    await importSkill(t(), "alpha", "Changed.\n");
    const changed = (await t().execute<P, unknown>(Preview, { file })).expectNoErrors().bundleImportPreview;
    expect(changed.items).toEqual([
      { name: "alpha", status: "CONFLICT", changes: [{ path: "SKILL.md", status: "MODIFIED" }] },
      { name: "beta", status: "IDENTICAL", changes: [] },
    ]);

    (await t().execute(`mutation { createCollection(input: { name: "other" }) { __typename } }`, {}, { token: "write" })).expectNoErrors();
    const fresh = (await t().execute<P, unknown>(Preview, { file, collection: "other" })).expectNoErrors().bundleImportPreview;
    expect(fresh.items?.map((i) => i.status)).toEqual(["NEW", "NEW"]);

    const bytes = readFileSync(join(bundles, file));
    const at = bytes.indexOf("echo beta");
    const flipped = Buffer.from(bytes);
    flipped[at] = "E".charCodeAt(0);
    writeFileSync(join(bundles, file), flipped);
    expect((await t().execute<P, unknown>(Preview, { file })).expectNoErrors().bundleImportPreview).toMatchObject({ __typename: "BundleVerificationError", problem: "FILE_CHANGED" });
  });

  it("imports a bundle: created, then unchanged on a second import; conflicts skipped, merged or forked; a refused bundle writes nothing", async () => {
    const { file } = await exportBundle(t(), { collection: "default", name: "team", version: "6.0.0" });
    (await t().execute(`mutation { createCollection(input: { name: "other" }) { __typename } }`, {}, { token: "write" })).expectNoErrors();
    const ImportBundle = `mutation($file: String!, $collection: String, $strategy: BundleImportStrategy!) { importBundle(file: $file, collection: $collection, strategy: $strategy) { __typename ... on ImportBundlePayload { job { id } } ... on InvalidInputError { field } } }`;
    const Count = `query($c: String!) { alpha: artifact(key: "skill:alpha", collection: $c) { versions(first: 10) { totalCount } } fork: artifacts(first: 20, filter: { collection: $c }) { totalCount } }`;
    const run = async (strategy: string, collection = "other") => {
      const res = (await t().execute<{ importBundle: { job: { id: string } } }, unknown>(ImportBundle, { file, collection, strategy }, { token: "write" })).expectNoErrors();
      return job(t(), res.importBundle.job.id);
    };
    const actions = (j: Awaited<ReturnType<typeof run>>) => (j.result as { items: { name: string; action: string }[] }).items.map((i) => [i.name, i.action]);

    expect(actions(await run("MERGE"))).toEqual([["alpha", "CREATED"], ["beta", "CREATED"]]);
    expect(actions(await run("MERGE"))).toEqual([["alpha", "UNCHANGED"], ["beta", "UNCHANGED"]]);

    await importSkill(t(), "alpha", "Local change.\n");
    expect(actions(await run("SKIP", "default"))).toEqual([["alpha", "SKIPPED"], ["beta", "UNCHANGED"]]);
    const forked = actions(await run("FORK", "default"));
    expect(forked[0]?.[0]).toMatch(/^alpha-[0-9a-f]{8}$/);
    expect(forked[0]?.[1]).toBe("FORKED");
    expect(actions(await run("FORK", "default"))[0]?.[1]).toBe("FORKED");
    const before = (await t().execute<{ alpha: { versions: { totalCount: number } }; fork: { totalCount: number } }, unknown>(Count, { c: "default" })).expectNoErrors();
    expect(before.fork.totalCount).toBe(3);
    expect(actions(await run("MERGE", "default"))).toEqual([["alpha", "MERGED"], ["beta", "UNCHANGED"]]);
    const after = (await t().execute<{ alpha: { versions: { totalCount: number } }; fork: { totalCount: number } }, unknown>(Count, { c: "default" })).expectNoErrors();
    expect(after.alpha.versions.totalCount).toBe(before.alpha.versions.totalCount + 1);

    const entries = await entriesOf(readFileSync(join(bundles, file)));
    writeFileSync(join(bundles, file), await pack([...entries, { name: "files/skill/alpha/../../../../evil.sh", data: Buffer.from("x") }]));
    (await t().execute(`mutation { createCollection(input: { name: "third" }) { __typename } }`, {}, { token: "write" })).expectNoErrors();
    const refused = await run("MERGE", "third");
    expect(refused.status).toBe("FAILED");
    const none = (await t().execute<{ fork: { totalCount: number } }, unknown>(`query { fork: artifacts(first: 5, filter: { collection: "third" }) { totalCount } }`, {})).expectNoErrors();
    expect(none.fork.totalCount).toBe(0);
  });

  it("refuses a bundle file name with a path, and exports with neither artifacts nor collection", async () => {
    expect(await verify(t(), "../x.skillmeat-pack")).toMatchObject({ __typename: "InvalidInputError", field: "file" });
    const res = (await t().execute<{ exportBundle: { __typename: string; field?: string } }, unknown>(Export, { input: { name: "x", version: "1" } }, { token: "write" })).expectNoErrors();
    expect(res.exportBundle).toMatchObject({ __typename: "InvalidInputError", field: "artifacts" });
  });
});
