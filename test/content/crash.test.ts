// A crash between a commit and its collection folder write: a real child process commits an
// import and is killed (SIGKILL) before the write-through runs. The folder's manifest then records
// an older revision than the database; the next start sees it, rewrites the folder, and nothing is
// lost. Also: a manifest patched one change at a time is byte for byte the one written whole, and
// a folder newer than the database is not overwritten on start. SQLite, and PostgreSQL when
// TEST_DATABASE_URL is set.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { migrate } from "../../src/db/migrator.js";
import { createLogger } from "../../src/lib/logger.js";
import { SYSTEM } from "../../src/lib/principal.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { skillMd, tempDir, writeTree } from "./fixtures.js";

const child = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
const roots = tempDir("skillgraph-crash-roots-");
const collections = tempDir("skillgraph-crash-collections-");
const manifestPath = join(collections, "default", "collection.toml");

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await migrate(db.url);
});
afterAll(async () => {
  await db.drop();
});

function open(): Promise<App> {
  const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: "silent", SKILLGRAPH_COLLECTIONS_DIR: collections, SKILLGRAPH_IMPORT_ROOTS: roots, SKILLGRAPH_WORKER_CONCURRENCY: "0", SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "0" });
  return createApp(config, { logger: createLogger("silent") });
}

const folderRevision = () => Number(/^revision = (\d+)$/m.exec(readFileSync(manifestPath, "utf8"))?.[1]);

/** Runs the child until it has committed, then kills it with SIGKILL; returns what it printed. */
async function commitThenKill(path: string): Promise<string> {
  const p = spawn(process.execPath, ["--import", "tsx", child, db.url, collections, roots, path], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  p.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => p.once("exit", (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve();
    });
    p.once("exit", () => reject(new Error(`the child exited before committing: ${err}`)));
  });
  p.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
  return out.trim();
}

describe("a crash between a commit and its folder write", () => {
  it("is repaired on the next start: the folder matches the database and nothing is lost", async () => {
    const first = await open();
    try {
      await first.startBackground();
      await first.services.content.import(SYSTEM, { path: writeTree(join(roots, "pdf"), { "SKILL.md": skillMd("pdf"), "run.sh": "echo 1\n" }) });
      await first.services.content.folders.flush();
      expect(await first.services.content.folders.verify("default")).toEqual([]);
    } finally {
      await first.stop();
    }
    const before = folderRevision();

    // Another process commits a new artifact and a new version of pdf … and dies before writing.
    writeTree(join(roots, "pdf"), { "run.sh": "echo 2\n" });
    expect(await commitThenKill(join(roots, "pdf"))).toBe("committed skill:pdf 2");
    expect(await commitThenKill(writeTree(join(roots, "xlsx"), { "SKILL.md": skillMd("xlsx"), "lib/a.py": "print(1)\n" }))).toBe("committed skill:xlsx 1");
    expect(folderRevision()).toBe(before);
    expect(existsSync(join(collections, "default", "skills", "xlsx"))).toBe(false);

    const second = await open();
    try {
      const stale = await second.services.content.folders.verify("default");
      expect(stale[0]).toMatch(/^the database is newer: revision \d+, the folder reflects \d+/);
      expect(stale).toContain("skill:xlsx: in the database, not in the folder");
      await second.startBackground();
      await second.services.content.folders.flush();
      expect(await second.services.content.folders.verify("default")).toEqual([]);
      const collection = await second.services.collections.byName("default");
      expect(folderRevision()).toBe(collection.revision);
      expect(folderRevision()).toBeGreaterThan(before);
      expect(readFileSync(join(collections, "default", "skills", "pdf", "run.sh"), "utf8")).toBe("echo 2\n");
      expect(readFileSync(join(collections, "default", "skills", "xlsx", "lib", "a.py"), "utf8")).toBe("print(1)\n");
    } finally {
      await second.stop();
    }
  }, 240_000);

  it("patches the manifest one change at a time into the same bytes a whole rewrite gives", { timeout: 60_000 }, async () => {
    const app = await open();
    try {
      await app.startBackground();
      const s = app.services;
      const [pdf, xlsx] = await Promise.all([s.artifacts.byKey("skill:pdf"), s.artifacts.byKey("skill:xlsx")]);
      const tag = await s.tags.create({ name: "docs", color: "#112233" });
      const group = await s.groups.create({ name: "office", description: "Office files" });
      await s.tags.tagArtifact(xlsx.id, tag.id);
      await s.groups.setMembers(group.id, [xlsx.id, pdf.id]);
      await s.artifacts.update(pdf.id, { metadata: { title: "PDF tools" } });
      await s.artifacts.add({ type: "COMMAND", name: "review", origin: "LOCAL", tags: ["docs", "new-tag"] });
      await s.content.import(SYSTEM, { path: writeTree(join(roots, "pptx"), { "SKILL.md": skillMd("pptx") }) });
      await s.artifacts.update(xlsx.id, { name: "sheets" });
      await s.content.folders.flush();
      const patched = readFileSync(manifestPath, "utf8");
      expect(patched).toContain('title = "PDF tools"');
      expect(existsSync(join(collections, "default", "skills", "xlsx"))).toBe(false);
      expect(readFileSync(join(collections, "default", "skills", "sheets", "lib", "a.py"), "utf8")).toBe("print(1)\n");
      expect(await s.content.folders.verify("default")).toEqual([]);
      // Written whole from the database: the same bytes.
      await s.content.folders.write(await s.collections.byName("default"));
      expect(readFileSync(manifestPath, "utf8")).toBe(patched);
      expect(folderRevision()).toBe((await s.collections.byName("default")).revision);
    } finally {
      await app.stop();
    }
  });

  it("on start, leaves a folder newer than the database alone until the collection is recovered", { timeout: 60_000 }, async () => {
    const app = await open();
    try {
      const text = readFileSync(manifestPath, "utf8");
      const ahead = folderRevision() + 5;
      writeTree(join(collections, "default"), { "collection.toml": text.replace(/^revision = \d+$/m, `revision = ${ahead}`) });
      await app.startBackground();
      const s = app.services;
      const pdf = await s.artifacts.byKey("skill:pdf");
      await s.artifacts.update(pdf.id, { metadata: { title: "not written" } });
      await s.content.folders.flush();
      expect(folderRevision()).toBe(ahead);
      expect(readFileSync(manifestPath, "utf8")).not.toContain("not written");
      expect((await s.content.folders.verify("default"))[0]).toMatch(/^the folder is newer: revision \d+, the database is at \d+/);
      await s.content.folders.recover("default");
      await s.content.folders.flush();
      // Recovered from the folder (its older title), and the database is now ahead of it.
      expect(folderRevision()).toBeGreaterThan(ahead);
      expect(readFileSync(manifestPath, "utf8")).toContain('title = "PDF tools"');
      expect(await s.content.folders.verify("default")).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});
