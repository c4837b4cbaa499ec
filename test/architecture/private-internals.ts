// The rule "no code reads undocumented internals of Prisma or its adapters": a value whose type
// comes from Prisma (its client, its adapters, the generated client) is never cast to a shape of
// our own making (`x as unknown as { client: … }`), which is the only way TypeScript lets code
// reach a member the library does not declare; and no member it does not declare is read.
import ts from "typescript";

const PRISMA_SOURCES = /node_modules\/(@prisma\/|prisma\/)|\/src\/generated\//;

/** The type, or the type an alias of ours names, is declared by Prisma. */
function declaredInPrisma(type: ts.Type): boolean {
  const files = [type.aliasSymbol, type.getSymbol()].flatMap((s) => s?.declarations?.map((d) => d.getSourceFile().fileName) ?? []);
  return files.some((f) => PRISMA_SOURCES.test(f.split("\\").join("/")));
}

/** `as unknown` / `as any`: a cast that only forgets the type (the next cast is the one that counts). */
function widens(type: ts.TypeNode): boolean {
  return type.kind === ts.SyntaxKind.UnknownKeyword || type.kind === ts.SyntaxKind.AnyKeyword;
}

export interface Finding {
  file: string;
  line: number;
  text: string;
}

/** Casts of Prisma values to other shapes, and reads of members Prisma does not declare. */
export function privateInternals(program: ts.Program, files: (sf: ts.SourceFile) => boolean): Finding[] {
  const checker = program.getTypeChecker();
  const findings: Finding[] = [];
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || !files(sf)) continue;
    const report = (node: ts.Node) => {
      const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
      findings.push({ file: sf.fileName, line: line + 1, text: node.getText().slice(0, 120) });
    };
    const visit = (node: ts.Node) => {
      if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && !widens(node.type)) {
        // Look through parentheses and `as unknown`: the cast that matters is from the value's own type.
        let inner: ts.Expression = node.expression;
        for (;;) {
          if (ts.isParenthesizedExpression(inner)) inner = inner.expression;
          else if ((ts.isAsExpression(inner) || ts.isTypeAssertionExpression(inner)) && widens(inner.type)) inner = inner.expression;
          else break;
        }
        if (declaredInPrisma(checker.getTypeAtLocation(inner)) && !declaredInPrisma(checker.getTypeAtLocation(node.type))) report(node);
      }
      if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
        const objectType = checker.getTypeAtLocation(node.expression);
        if (declaredInPrisma(objectType)) {
          const name = ts.isPropertyAccessExpression(node) ? node.name.text : ts.isStringLiteral(node.argumentExpression) ? node.argumentExpression.text : null;
          if (name !== null && !objectType.getProperty(name) && !checker.getIndexInfosOfType(objectType).length) report(node);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return findings;
}
