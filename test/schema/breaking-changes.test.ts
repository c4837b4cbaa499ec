// The breaking-change check CI runs (npm run schema:breaking): passes on the repository's schema,
// fails when a field disappears without being accepted, passes once it is accepted with a reason.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const script = join(import.meta.dirname, "../../schema/breaking-changes.mjs");
let dir: string;

async function check(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...args], { cwd: join(import.meta.dirname, "../..") });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sg-breaking-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("schema:breaking", () => {
  it("passes on the schema in the repository", async () => {
    const r = await check([]);
    expect(r.out).toContain("breaking");
    expect(r.code).toBe(0);
  });

  it("fails on a removed field unless it is accepted with a reason", async () => {
    const released = "type Query { a: Int b: String }\n";
    await writeFile(join(dir, "released.graphql"), released);
    await writeFile(join(dir, "current.graphql"), "type Query { a: Int c: String }\n");
    await writeFile(join(dir, "none.json"), "[]");
    const args = ["--released", join(dir, "released.graphql"), "--current", join(dir, "current.graphql")];
    const refused = await check([...args, "--accepted", join(dir, "none.json")]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("FIELD_REMOVED Query.b");

    await writeFile(join(dir, "accepted.json"), JSON.stringify([{ type: "FIELD_REMOVED", path: "Query.b", reason: "nobody used it" }]));
    expect((await check([...args, "--accepted", join(dir, "accepted.json")])).code).toBe(0);

    await writeFile(join(dir, "no-reason.json"), JSON.stringify([{ type: "FIELD_REMOVED", path: "Query.b", reason: "" }]));
    const bad = await check([...args, "--accepted", join(dir, "no-reason.json")]);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("[0].reason: must be a non-empty string");
    expect(await readFile(join(dir, "released.graphql"), "utf8")).toBe(released);
  });
});
