// Shapes of documents refused before the usual work on them, each with one error that names the
// limit (never its value):
// - nesting: brackets deeper than SKILLGRAPH_MAX_NESTING, counted on the text before the parser
//   recurses into them (2,400 nested braces overflowed its stack: HTTP 500 and a raw RangeError);
// - a field repeated in one selection set (500 × `__typename` cost 500 resolutions), and a
//   directive repeated at one location (ten unknown `@aa` made ten errors): refused before
//   validation, so the answer is one error, not one per repetition.
// Aliases (`__typename` included), depth, tokens and directive counts are graphql-armor's (limits.ts).
import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode, type Source } from "graphql";
import type { Plugin } from "graphql-yoga";

/** The same response key at most this many times in one selection set. */
export const MAX_FIELD_REPEATS = 2;

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "LIMIT_EXCEEDED", http: { status: 400 } } });
}

/** The deepest nesting of { ( [ in a GraphQL document's text, outside strings and comments; stops counting past `max`. */
export function nestingDepth(text: string, max = Infinity): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 35 /* # */) {
      while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
    } else if (c === 34 /* " */) {
      if (text.startsWith('"""', i)) {
        // A block string ends at the next """ not escaped as \""".
        for (i += 3; i < text.length; i++) {
          if (text.startsWith('\\"""', i)) i += 3;
          else if (text.startsWith('"""', i)) {
            i += 2;
            break;
          }
        }
      } else {
        for (i++; i < text.length; i++) {
          const d = text.charCodeAt(i);
          if (d === 92 /* \ */) i++;
          else if (d === 34 || d === 10 || d === 13) break;
        }
      }
    } else if (c === 123 || c === 40 || c === 91) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > max) return deepest;
      }
    } else if (c === 125 || c === 41 || c === 93) {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

/** The first repetition rule a document breaks, as an error; null when it breaks none. */
export function repetitionError(document: DocumentNode): GraphQLError | null {
  let found: GraphQLError | null = null;
  visit(document, {
    enter(node: ASTNode) {
      if (found) return false;
      if ("directives" in node && node.directives && node.directives.length > 1) {
        const names = new Set<string>();
        for (const d of node.directives) {
          if (names.has(d.name.value)) {
            found = limitError("Query repeats a directive at one location.");
            return false;
          }
          names.add(d.name.value);
        }
      }
      if (node.kind === Kind.SELECTION_SET) {
        const counts = new Map<string, number>();
        for (const s of node.selections) {
          if (s.kind !== Kind.FIELD) continue;
          const key = s.alias?.value ?? s.name.value;
          const n = (counts.get(key) ?? 0) + 1;
          if (n > MAX_FIELD_REPEATS) {
            found = limitError("Query repeats a field too many times in one selection.");
            return false;
          }
          counts.set(key, n);
        }
      }
      return undefined;
    },
  });
  return found;
}

/** repetitionError's answer per document (documents are immutable once parsed). */
const checked = new WeakMap<DocumentNode, GraphQLError | null>();

export function useDocumentGuard(maxNesting: number): Plugin {
  return {
    onParse({ params }) {
      const source = params.source as string | Source;
      const text = typeof source === "string" ? source : source.body;
      if (nestingDepth(text, maxNesting) > maxNesting) throw limitError("Query is nested too deeply.");
    },
    onValidate({ params, setResult }) {
      // Parsed documents are cached and reused (yoga's parser cache): each is walked once.
      let error = checked.get(params.documentAST);
      if (error === undefined) {
        error = repetitionError(params.documentAST);
        checked.set(params.documentAST, error);
      }
      if (error) setResult([error]);
    },
  };
}
