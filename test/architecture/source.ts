// The project's TypeScript sources, parsed (and, for rules that need types, type-checked) with the
// TypeScript compiler API, for the architecture tests.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const srcRoot = join(root, "src");

/** Every .ts file under src/, except generated code; paths relative to the repository, with /. */
export function sourceFiles(dir = srcRoot): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "generated") out.push(...sourceFiles(path));
    } else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(relative(root, path).split(sep).join("/"));
  }
  return out.sort();
}

export interface ImportEdge {
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** The imported file (repository-relative, .ts) for relative specifiers; null for packages. */
  target: string | null;
  typeOnly: boolean;
}

/** The static and dynamic imports (and re-exports) of a file. */
export function importsOf(file: string, text = readFileSync(join(root, file), "utf8")): ImportEdge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2023, true);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    let target: string | null = null;
    if (specifier.startsWith(".")) {
      target = join(dirname(file), specifier).split(sep).join("/").replace(/\.js$/, ".ts");
    }
    edges.push({ from: file, specifier, target, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly === true : node.isTypeOnly;
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) add(arg.text, false);
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      // `declare module "../../lib/services.js"` augments that module; it imports nothing.
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

/** A type-checked program over the given files (with the project's compiler options). */
export function program(files: string[], host?: ts.CompilerHost): ts.Program {
  const configPath = join(root, "tsconfig.json");
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return ts.createProgram(files.map((f) => join(root, f)), { ...parsed.options, noEmit: true }, host);
}
