import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** The file path of a `file:` URL (relative paths resolve against the working directory). */
export function sqlitePath(databaseUrl: string): string {
  const raw = databaseUrl.replace(/^file:/, "").split("?")[0] ?? "";
  if (raw === "" || raw === ":memory:") throw new Error("DATABASE_URL: an in-memory SQLite database cannot be shared; use a file");
  return resolve(raw);
}

/** Makes sure the folder of a SQLite file exists, so a fresh clone can start with nothing created. */
export function ensureSqliteDir(databaseUrl: string): string {
  const path = sqlitePath(databaseUrl);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}
