// `skillgraph share create|list|revoke` as a user runs it: the installed bin as a real process on a
// migrated database of its own.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCliDatabase } from "../helpers/cli.js";
import { tempDir } from "../content/fixtures.js";

const bundles = tempDir("skillgraph-share-cli-bundles-");
writeFileSync(join(bundles, "team-1.0.0.skillmeat-pack"), Buffer.alloc(1024, 1));

// Each call is a Node process loading the CLI: several per test, on a loaded machine.
describe("skillgraph share", { timeout: 120_000 }, () => {
  const { cli } = useCliDatabase(() => ({ SKILLGRAPH_BUNDLES_DIR: bundles, SKILLGRAPH_PUBLIC_URL: "https://skills.example.org" }));

  it("creates a link (URL printed once), lists it without its token, and revokes it", async () => {
    const made = await cli(["share", "create", "team-1.0.0.skillmeat-pack", "--expires-in", "2h", "--max-downloads", "3", "--json"]);
    expect(made.code, made.stderr).toBe(0);
    const link = JSON.parse(made.stdout) as { id: string; url: string; expiresAt: string; maxDownloads: number };
    expect(link.url).toMatch(/^https:\/\/skills\.example\.org\/share\/[A-Za-z0-9_-]{43}$/);
    expect(link.maxDownloads).toBe(3);
    expect(Math.abs(new Date(link.expiresAt).getTime() - Date.now() - 7_200_000)).toBeLessThan(60_000);

    const other = await cli(["share", "create", "team-1.0.0.skillmeat-pack", "--base-url", "http://10.0.0.5:4000"]);
    expect(other.stdout).toMatch(/^http:\/\/10\.0\.0\.5:4000\/share\//);

    const listed = await cli(["share", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(link.id);
    expect(listed.stdout).toContain("active");
    expect(listed.stdout).not.toContain(link.url.slice(link.url.lastIndexOf("/") + 1));

    const revoked = await cli(["share", "revoke", link.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`revoked ${link.id}`);
    expect((await cli(["share", "list"])).stdout).toMatch(new RegExp(`${link.id}\\s+revoked`));
  });

  it("refuses bad input with the option named, and a bundle that is not there", async () => {
    const bad = await cli(["share", "create", "team-1.0.0.skillmeat-pack", "--expires-in", "soon"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--expires-in");
    const missing = await cli(["share", "create", "nope-1.0.0.skillmeat-pack"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope-1.0.0.skillmeat-pack");
    const unknown = await cli(["share", "revoke", "no-such-link"]);
    expect(unknown.code).toBe(2);
  });
});
