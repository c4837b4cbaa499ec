// `skillgraph bundle export|verify|inspect|import` and `skillgraph vault add|push|list|pull` as real
// processes on a real database, with a real FOLDER vault: the round trip, a tampered bundle refused
// on pull (exit 2, the problem named), and a folder outside SKILLGRAPH_VAULT_ROOTS refused.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCliDatabase } from "../helpers/cli.js";
import { skillMd, tempDir, writeTree } from "../content/fixtures.js";

const root = tempDir("skillgraph-bundle-cli-root-");
const folders = tempDir("skillgraph-bundle-cli-collections-");
const bundles = tempDir("skillgraph-bundle-cli-bundles-");
const vaults = tempDir("skillgraph-bundle-cli-vaults-");
const outside = tempDir("skillgraph-bundle-cli-outside-");

describe("skillgraph bundle / vault", () => {
  const { cli } = useCliDatabase(() => ({ SKILLGRAPH_IMPORT_ROOTS: root, SKILLGRAPH_COLLECTIONS_DIR: folders, SKILLGRAPH_BUNDLES_DIR: bundles, SKILLGRAPH_VAULT_ROOTS: vaults, SKILLGRAPH_SECRET_KEY: "5a".repeat(32) }));

  it("exports, verifies, pushes to a folder vault, lists, pulls into an empty bundles folder and imports", async () => {
    for (const name of ["alpha", "beta"]) expect((await cli(["add", writeTree(join(root, name), { "SKILL.md": skillMd(name) })])).code).toBe(0);
    const exported = await cli(["bundle", "export", "-c", "default", "--name", "team", "--bundle-version", "1.0.0", "--json"]);
    expect(exported.code, exported.stderr).toBe(0);
    const ex = JSON.parse(exported.stdout) as { file: string; sha256: string; signer: string };
    expect(ex.file).toBe("team-1.0.0.skillmeat-pack");
    expect((await cli(["bundle", "verify", ex.file])).stdout).toContain("verified (OWN");
    const inspected = JSON.parse((await cli(["bundle", "inspect", ex.file, "--json"])).stdout) as { artifacts: { name: string }[] };
    expect(inspected.artifacts.map((a) => a.name)).toEqual(["alpha", "beta"]);

    const folder = join(vaults, "team");
    mkdirSync(folder);
    const added = await cli(["vault", "add", "team", "--folder", folder, "--json"]);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: "team", kind: "FOLDER", hasCredentials: false });
    const pushed = await cli(["vault", "push", "team", ex.file, "--json"]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(JSON.parse(pushed.stdout)).toMatchObject({ key: "team/1.0.0.skillmeat-pack", sha256: ex.sha256 });
    const listed = JSON.parse((await cli(["vault", "list", "--json"])).stdout) as unknown[];
    expect(listed).toEqual([expect.objectContaining({ vault: "team", kind: "FOLDER", name: "team", version: "1.0.0", signer: ex.signer, trust: "OWN", problem: null })]);
    expect((await cli(["vault", "list"])).stdout).toMatch(/^VAULT\s+KIND\s+BUNDLE/);

    rmSync(join(bundles, ex.file));
    const pulled = await cli(["vault", "pull", "team", "team", "1.0.0", "--json"]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(JSON.parse(pulled.stdout)).toMatchObject({ file: ex.file, sha256: ex.sha256, trust: "OWN" });
    const imported = await cli(["bundle", "import", ex.file, "--json"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect((JSON.parse(imported.stdout) as { items: { action: string }[] }).items.map((i) => i.action)).toEqual(["UNCHANGED", "UNCHANGED"]);

    // One byte changed in the vault's copy: pull refuses it, says why, and writes nothing.
    const inVault = join(folder, "team", "1.0.0.skillmeat-pack");
    const bytes = readFileSync(inVault);
    bytes[bytes.indexOf("Use it well.")] = "u".charCodeAt(0);
    writeFileSync(inVault, bytes);
    rmSync(join(bundles, ex.file));
    const refused = await cli(["vault", "pull", "team", "team", "1.0.0"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("FILE_CHANGED");
    expect(readdirSync(bundles)).toEqual([]);
  }, 120_000);

  it("refuses a folder outside SKILLGRAPH_VAULT_ROOTS, naming the field (exit 2)", async () => {
    const res = await cli(["vault", "add", "out", "--folder", outside]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("input.folder.path");
  });
});
