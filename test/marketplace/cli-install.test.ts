// The publishing workflow and install as a user runs them: `skillgraph add`, `publish`,
// `submissions`, `submission status`, `submission review`, `install`, as real processes.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCliDatabase } from "../helpers/cli.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const root = tempDir("skillgraph-cli-install-root-");
const folders = tempDir("skillgraph-cli-install-collections-");
const bundles = tempDir("skillgraph-cli-install-bundles-");

describe("skillgraph publish / submissions / install", () => {
  const { cli } = useCliDatabase(() => ({ SKILLGRAPH_IMPORT_ROOTS: root, SKILLGRAPH_COLLECTIONS_DIR: folders, SKILLGRAPH_BUNDLES_DIR: bundles, SKILLGRAPH_SECRET_KEY: "3c".repeat(32) }));

  it("publishes a signed bundle, reviews it, and installs the listing", async () => {
    const dir = writeTree(join(root, "pdf"), { "SKILL.md": skillMd("pdf"), "run.sh": "echo pdf\n" });
    expect((await cli(["add", dir])).code).toBe(0);

    const refused = await cli(["publish", "--name", "pdf-tools", "--description", "Tools for PDF forms.", "--listing-version", "1.0.0", "--license", "MIT", "--artifact", "skill:pdf"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("acceptPublisherAgreement");

    const published = await cli(["publish", "--name", "pdf-tools", "--description", "Tools for PDF forms.", "--listing-version", "1.0.0", "--license", "MIT", "--artifact", "skill:pdf", "--accept-agreement", "--json"]);
    expect(published.code, published.stderr).toBe(0);
    const submission = JSON.parse(published.stdout) as { id: string; status: string; bundleSha256: string; signer: string };
    expect(submission).toMatchObject({ status: "PENDING" });
    expect(submission.bundleSha256).toMatch(/^[0-9a-f]{64}$/);

    const mine = await cli(["submissions"]);
    expect(mine.stdout).toMatch(new RegExp(`${submission.id}\\s+pdf-tools\\s+1\\.0\\.0\\s+PENDING`));
    const status = await cli(["submission", "status", submission.id]);
    expect(status.stdout).toContain("pdf-tools 1.0.0 by cli:");
    expect(status.stdout).toContain(`Bundle ${submission.bundleSha256}`);
    expect((await cli(["submission", "status", "nope"])).code).toBe(2);

    const approved = await cli(["submission", "review", submission.id, "--approve"]);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain("APPROVED");

    expect((await cli(["install", "pdf-tools", "--collection", "missing"])).stderr).toContain("collection");
    // Into the collection it came from: verified, and identical, so nothing changes.
    const installed = await cli(["install", "pdf-tools"]);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toContain("Installed pdf-tools 1.0.0 (VERIFIED, signed by");
    expect(installed.stdout).toMatch(/UNCHANGED\s+skill:pdf/);
    expect(installed.stdout).toContain("Downloads: 1.");

    const again = JSON.parse((await cli(["install", "local/pdf-tools", "--json"])).stdout) as { items: { action: string }[]; downloads: number };
    expect(again).toMatchObject({ items: [{ action: "UNCHANGED" }], downloads: 2 });
    expect((await cli(["install", "nothing-here"])).code).toBe(2);
  }, 180_000);
});
