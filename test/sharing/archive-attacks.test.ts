// Archive attacks on bundles: path traversal, absolute paths, symlinks, hard links, duplicate
// entries, oversize entries (real and declared), and a decompression bomb. Each is refused by
// verifyBundle with MALFORMED and the entry named, and importBundle writes nothing (no artifact,
// no file in the collection folder, nothing beside the planted bundle).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { beforeAll, describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/lib/principal.js";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { tarEntries as entriesOf, tarPack as pack, type TarEntry } from "../helpers/tar.js";
import { fastJobs, waitForStatus } from "../jobs/helpers.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const root = tempDir("skillgraph-attacks-root-");
const bundles = tempDir("skillgraph-attacks-bundles-");
const collections = tempDir("skillgraph-attacks-collections-");
const LIMIT = 65_536;

const Import = `mutation($input: ImportArtifactInput!) { importArtifact(input: $input) { __typename ... on ImportArtifactPayload { job { id } } } }`;
const Export = `mutation($input: ExportBundleInput!) { exportBundle(input: $input) { __typename ... on ExportBundlePayload { job { id } } } }`;
const Verify = `mutation($file: String!) { verifyBundle(file: $file) { __typename ... on BundleVerificationError { problem path message } } }`;

type Entry = TarEntry;



/** A tar whose first header declares `size` bytes (checksum fixed) while holding few. */
function declaringSize(bytes: Buffer, size: number): Buffer {
  const out = Buffer.from(bytes);
  out.write(size.toString(8).padStart(11, "0") + "\0", 124, 12, "ascii");
  out.fill(" ", 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += out[i] ?? 0;
  out.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

describe("archive attacks", () => {
  const t = useTestApp({ env: { ...fastJobs, SKILLGRAPH_IMPORT_ROOTS: root, SKILLGRAPH_COLLECTIONS_DIR: collections, SKILLGRAPH_BUNDLES_DIR: bundles, SKILLGRAPH_BUNDLE_MAX_BYTES: String(LIMIT), SKILLGRAPH_SECRET_KEY: "8d".repeat(32) } });
  let good: Entry[] = [];

  async function run(t: TestApp, doc: string, variables: unknown) {
    const res = (await t.execute<Record<string, { job: { id: string } }>, unknown>(doc, variables, { token: "write" })).expectNoErrors();
    const done = await waitForStatus(t.app, decodeGlobalID(Object.values(res)[0]?.job.id ?? "").id, ["SUCCEEDED", "FAILED"]);
    expect(done.status, JSON.stringify(done.error)).toBe("SUCCEEDED");
    return done.result as { file: string };
  }

  beforeAll(async () => {
    await t().app.startBackground();
    const dir = writeTree(join(root, "alpha"), { "SKILL.md": skillMd("alpha") });
    await run(t(), Import, { input: { path: dir } });
    const { file } = await run(t(), Export, { input: { collection: "default", name: "good", version: "1.0.0" } });
    good = await entriesOf(readFileSync(join(bundles, file)));
    // alpha changes here: a MERGE of the bundle would write its old content back, unless refused.
    const changed = writeTree(join(root, "changed", "alpha"), { "SKILL.md": skillMd("alpha") + "Changed here.\n" });
    await run(t(), Import, { input: { path: changed } });
    await t().app.services.content.folders.flush();
  });

  const cases: [string, () => Promise<Buffer>, string | null, RegExp][] = [
    ["path traversal", () => pack([...good, { name: "files/skill/alpha/../../../../escape.txt", data: Buffer.from("x") }]), "files/skill/alpha/../../../../escape.txt", /traversal/],
    ["an absolute path", () => pack([...good, { name: "/tmp/skillgraph-absolute.txt", data: Buffer.from("x") }]), "/tmp/skillgraph-absolute.txt", /absolute/],
    ["a symlink", () => pack([...good, { name: "files/skill/alpha/link", type: "symlink", linkname: "/etc/passwd" }]), "files/skill/alpha/link", /symlink/],
    ["a hard link", () => pack([...good, { name: "files/skill/alpha/hard", type: "link", linkname: "manifest.json" }]), "files/skill/alpha/hard", /hard links/],
    ["a folder entry", () => pack([{ name: "files/", type: "directory" }, ...good]), "files/", /regular files/],
    ["a duplicate entry", () => pack([...good, { ...(good[2] as Entry) }]), null, /twice/],
    ["an oversize entry", () => pack([...good, { name: "files/skill/alpha/huge.bin", data: Buffer.alloc(LIMIT + 1) }]), null, /limit/],
    ["an entry declaring more than the limit", async () => declaringSize(await pack([{ name: "manifest.json", data: Buffer.from("{}") }]), 8 * 1024 ** 3 - 1), "manifest.json", /more than 65536 bytes/],
    ["a decompression bomb (32 MiB of zeros in 32 KiB of gzip)", async () => gzipSync(Buffer.alloc(32 * 1024 ** 2), { level: 9 }), null, /not a readable tar archive/],
  ];

  it.each(cases)("refuses %s with MALFORMED and writes nothing", async (_what, make, path, message) => {
    const bytes = await make();
    const file = `evil-${Math.random().toString(36).slice(2)}.skillmeat-pack`;
    writeFileSync(join(bundles, file), bytes);
    const bundlesBefore = readdirSync(bundles).sort();
    const folderBefore = filesUnder(collections);
    const artifactsBefore = (await t().app.services.artifacts.inCollection((await t().app.services.collections.byName("default")).id)).map((a) => a.contentHash);

    const started = Date.now();
    const res = (await t().execute<{ verifyBundle: { __typename: string; problem?: string; path?: string | null; message?: string } }, unknown>(Verify, { file }, { token: "write" })).expectNoErrors();
    expect(res.verifyBundle.__typename).toBe("BundleVerificationError");
    expect(res.verifyBundle.problem).toBe("MALFORMED");
    if (path !== null) expect(res.verifyBundle.path).toBe(path);
    expect(res.verifyBundle.message).toMatch(message);
    // Refused without inflating or reading what it declares.
    expect(Date.now() - started).toBeLessThan(5000);

    await expect(t().app.services.sharing.importBundle(SYSTEM, { file, strategy: "MERGE" })).rejects.toMatchObject({ name: "BundleVerificationError", problem: "MALFORMED" });
    await t().app.services.content.folders.flush();
    expect(readdirSync(bundles).sort()).toEqual(bundlesBefore);
    expect(filesUnder(collections)).toEqual(folderBefore);
    expect((await t().app.services.artifacts.inCollection((await t().app.services.collections.byName("default")).id)).map((a) => a.contentHash)).toEqual(artifactsBefore);
  });
});
