// Determinism across databases: the same collection exported by an instance on SQLite and by one
// on PostgreSQL (the same signing key, as after moving an instance from one to the other) gives
// byte-identical bundles with the same hash. Runs when TEST_DATABASE_URL is set (CI); without it,
// two SQLite instances are compared.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp, type TestApp } from "../helpers/app.js";
import { fastJobs, waitForStatus } from "../jobs/helpers.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const root = tempDir("skillgraph-determinism-root-");
const SECRET = "9e".repeat(32);
const envOf = (name: string) => ({
  ...fastJobs,
  SKILLGRAPH_IMPORT_ROOTS: root,
  SKILLGRAPH_COLLECTIONS_DIR: tempDir(`skillgraph-determinism-${name}-collections-`),
  SKILLGRAPH_BUNDLES_DIR: tempDir(`skillgraph-determinism-${name}-bundles-`),
  SKILLGRAPH_SECRET_KEY: SECRET,
});
const envLite = envOf("sqlite");
const envOther = envOf("other");

const Import = `mutation($input: ImportArtifactInput!) { importArtifact(input: $input) { __typename ... on ImportArtifactPayload { job { id } } } }`;
const Export = `mutation($input: ExportBundleInput!) { exportBundle(input: $input) { __typename ... on ExportBundlePayload { job { id } } } }`;

async function run(t: TestApp, doc: string, variables: unknown) {
  const res = (await t.execute<Record<string, { job: { id: string } }>, unknown>(doc, variables, { token: "write" })).expectNoErrors();
  const done = await waitForStatus(t.app, decodeGlobalID(Object.values(res)[0]?.job.id ?? "").id, ["SUCCEEDED", "FAILED"]);
  expect(done.status, JSON.stringify(done.error)).toBe("SUCCEEDED");
  return done.result as { file: string; sha256: string };
}

describe("bundle determinism across databases", () => {
  const lite = useTestApp({ env: envLite, database: "sqlite" });
  const other = useTestApp({ env: envOther });

  beforeAll(async () => {
    for (const t of [lite(), other()]) await t.app.startBackground();
    const dirs = ["zeta", "alpha", "beta-2"].map((name) =>
      writeTree(join(root, name), { "SKILL.md": skillMd(name), "scripts/run.sh": `#!/bin/sh\necho ${name}\n`, "docs/B.md": "b\n", "docs/a.md": "a\n", "docs/é.md": "e\n", "docs/Z.md": "z\n" }),
    );
    // Imported in different orders: the bundle's order is its own, not the database's.
    for (const dir of dirs) await run(lite(), Import, { input: { path: dir } });
    for (const dir of [...dirs].reverse()) await run(other(), Import, { input: { path: dir } });
    const tag = await lite().app.services.tags.create({ name: "shared" });
    const tag2 = await other().app.services.tags.create({ name: "shared" });
    for (const [t, id] of [[lite(), tag.id], [other(), tag2.id]] as const) {
      const arts = await t.app.services.artifacts.inCollection((await t.app.services.collections.byName("default")).id);
      for (const a of arts) await t.app.services.tags.tagArtifact(a.id, id);
    }
    // One instance's signing key, moved to the other database (sealed with the same secret key).
    await lite().app.services.sharing.keys.current();
    const key = await lite().app.database.prisma.signingKey.findFirstOrThrow();
    await other().app.database.prisma.signingKey.create({ data: key });
  });

  it(`gives the same bytes and hash on ${process.env.TEST_DATABASE_URL ? "SQLite and PostgreSQL" : "two SQLite databases"}`, async () => {
    expect(lite().app.database.provider).toBe("sqlite");
    expect(other().app.database.provider).toBe(process.env.TEST_DATABASE_URL ? "postgresql" : "sqlite");
    const a = await run(lite(), Export, { input: { collection: "default", name: "same", version: "1.0.0" } });
    const b = await run(other(), Export, { input: { collection: "default", name: "same", version: "1.0.0" } });
    const bytesA = readFileSync(join(envLite.SKILLGRAPH_BUNDLES_DIR, a.file));
    const bytesB = readFileSync(join(envOther.SKILLGRAPH_BUNDLES_DIR, b.file));
    expect(b.sha256).toBe(a.sha256);
    expect(Buffer.compare(bytesA, bytesB)).toBe(0);
    expect(createHash("sha256").update(bytesB).digest("hex")).toBe(a.sha256);
  });
});
