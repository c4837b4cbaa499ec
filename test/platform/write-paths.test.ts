// The data layer's two write paths side by side: Prisma's connection (model API, interactive
// transactions) and the driver's (sqlTransaction, hand-written writes). On SQLite only one
// connection may hold the write lock; these tests show the two take turns without failing, without
// blocking the event loop, and without one writing inside the other's transaction. On PostgreSQL
// the same calls run on separate connections and must behave the same for the caller.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, sql, type Database } from "../../src/db/index.js";
import { migrate } from "../../src/db/migrator.js";
import { sqlitePath } from "../../src/db/sqlite-path.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

let tdb: TestDatabase;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase();
  await migrate(tdb.url);
  db = await openDatabase({ url: tdb.url, provider: tdb.provider });
});

afterAll(async () => {
  await db.close();
  await tdb.drop();
});

beforeEach(async () => {
  await db.prisma.tag.deleteMany();
});

const insertTag = (name: string) => sql`INSERT INTO "Tag" ("id", "name", "slug", "createdAt", "updatedAt") VALUES (${`t-${name}`}, ${name}, ${name}, ${new Date()}, ${new Date()})`;
const tagNames = async () => (await db.prisma.tag.findMany({ orderBy: { name: "asc" } })).map((t) => t.name);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("sqlTransaction", () => {
  it("commits its statements together, and a failure midway writes none of them", async () => {
    await db.sqlTransaction(async (tx) => {
      await tx.execute(insertTag("a"));
      await tx.execute(insertTag("b"));
    });
    await expect(
      db.sqlTransaction(async (tx) => {
        await tx.execute(insertTag("c"));
        await tx.execute(insertTag("a")); // unique name: fails
      }),
    ).rejects.toThrow();
    expect(await tagNames()).toEqual(["a", "b"]);
  });

  it("shows its own uncommitted writes to its statements, and a nested one joins it", async () => {
    const seen = await db.sqlTransaction(async (tx) => {
      await tx.execute(insertTag("outer"));
      await db.sqlTransaction((inner) => inner.execute(insertTag("inner")));
      return tx.query<{ name: string }>(sql`SELECT "name" FROM "Tag" ORDER BY "name"`);
    });
    expect(seen.map((r) => r.name)).toEqual(["inner", "outer"]);
  });

  it("is seen by statement listeners, BEGIN and COMMIT included", async () => {
    const texts: string[] = [];
    const off = db.onStatement((e) => texts.push(e.sql.trim().split(/\s/)[0]?.toUpperCase() ?? ""));
    try {
      await db.sqlTransaction((tx) => tx.execute(insertTag("seen")));
    } finally {
      off();
    }
    expect(texts).toEqual(["BEGIN", "INSERT", "COMMIT"]);
  });
});

describe("Prisma's writes and the driver's writes take turns", () => {
  it("a Prisma write waits for an open sqlTransaction, and the event loop keeps running meanwhile", async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const order: string[] = [];
    try {
      const holder = db.sqlTransaction(async (tx) => {
        await tx.execute(insertTag("first"));
        await sleep(100);
        order.push("driver committed");
      });
      await sleep(10);
      const prismaWrite = db.prisma.tag.create({ data: { name: "second", slug: "second" } }).then(() => order.push("prisma wrote"));
      await Promise.all([holder, prismaWrite]);
    } finally {
      clearInterval(ticker);
    }
    if (db.provider === "sqlite") expect(order).toEqual(["driver committed", "prisma wrote"]);
    // Had the Prisma write waited on the file lock (synchronously), no timer would have fired
    // until SQLite's busy timeout (10 s) ran out and the write failed.
    expect(ticks).toBeGreaterThan(1);
    expect(await tagNames()).toEqual(["first", "second"]);
  });

  it("a sqlTransaction waits for an open Prisma transaction, and never writes inside it", async () => {
    let opened: () => void = () => {};
    const open = new Promise<void>((r) => (opened = r));
    let release: () => void = () => {};
    const released = new Promise<void>((r) => (release = r));
    const holder = db.transaction(async (tx) => {
      await tx.prisma.tag.create({ data: { name: "rolled-back", slug: "rolled-back" } });
      opened();
      await released;
      throw new Error("roll back");
    });
    await open;
    const driverWrite = db.sqlTransaction((tx) => tx.execute(insertTag("kept")));
    await sleep(50);
    release();
    await expect(holder).rejects.toThrow("roll back");
    await driverWrite;
    expect(await tagNames()).toEqual(["kept"]);
  });

  // PostgreSQL runs each on a connection of its own, so there is nothing to refuse.
  it.runIf(!process.env.TEST_DATABASE_URL)("SQLite: refuses, with a message that says why, to open one path's write inside the other's transaction", async () => {
    await expect(db.sqlTransaction(() => db.prisma.tag.create({ data: { name: "x", slug: "x" } }))).rejects.toThrow(/inside a SQL transaction/);
    await expect(db.transaction(() => db.sqlTransaction((tx) => tx.execute(insertTag("y"))))).rejects.toThrow(/inside a Prisma transaction/);
    expect(await tagNames()).toEqual([]);
  }, 20_000);
});

describe.runIf(!process.env.TEST_DATABASE_URL)("SQLite: a writer in another process", () => {
  it("is waited for (busy timeout), then the sqlTransaction commits", async () => {
    // Another process takes the write lock, holds it for 300 ms, then commits a row of its own.
    const script = `
      const Sqlite = require("better-sqlite3");
      const db = new Sqlite(process.argv[1], { timeout: 5000 });
      db.exec("BEGIN IMMEDIATE");
      db.prepare('INSERT INTO "Tag" ("id", "name", "slug", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?)').run("t-other", "other", "other", "2026-01-01T00:00:00.000+00:00", "2026-01-01T00:00:00.000+00:00");
      process.stdout.write("locked\\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      db.exec("COMMIT");
    `;
    const child = spawn(process.execPath, ["-e", script, sqlitePath(tdb.url)], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    await db.sqlTransaction((tx) => tx.execute(insertTag("mine")));
    await new Promise((r) => child.once("exit", r));
    expect(await tagNames()).toEqual(["mine", "other"]);
  });
});
