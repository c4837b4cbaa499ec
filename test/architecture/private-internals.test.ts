// No code reads undocumented internals of Prisma or its adapters (see private-internals.ts). The
// rule is first shown to catch the reads this project once had, so it cannot pass vacuously.
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { privateInternals } from "./private-internals.js";
import { program, root, sourceFiles } from "./source.js";

const PROBE = "src/__probe__.ts";
const PROBE_TEXT = `
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client.js";
export function probe(db: PrismaClient, adapter: PrismaBetterSqlite3) {
  const provider = (db as unknown as { _engineConfig?: { activeProvider?: string } })._engineConfig?.activeProvider;
  const connection = (adapter as unknown as { client?: unknown }).client;
  return [provider, connection];
}
`;

/** A compiler host that also sees the probe file, as if it were in src/. */
function hostWithProbe(): ts.CompilerHost {
  const host = ts.createCompilerHost({});
  const probePath = join(root, PROBE);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName === probePath ? ts.createSourceFile(fileName, PROBE_TEXT, languageVersion, true) : getSourceFile(fileName, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === probePath || fileExists(fileName);
  return host;
}

describe("no reads of Prisma's or its adapters' private internals", () => {
  it("catches casting the client or an adapter to reach an undeclared member", () => {
    const p = program([PROBE], hostWithProbe());
    const findings = privateInternals(p, (sf) => sf.fileName.endsWith("__probe__.ts"));
    expect(findings.map((f) => f.text)).toEqual([
      "db as unknown as { _engineConfig?: { activeProvider?: string } }",
      "adapter as unknown as { client?: unknown }",
    ]);
  });

  it("finds none in src/", () => {
    const files = sourceFiles();
    const p = program(files);
    const inSrc = new Set(files.map((f) => join(root, f)));
    expect(privateInternals(p, (sf) => inSrc.has(sf.fileName))).toEqual([]);
  }, 60_000);
});
