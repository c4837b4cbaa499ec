// Input the database cannot store, refused at the edge with BAD_USER_INPUT naming the field: strings
// with lone UTF-16 surrogates (not encodable as UTF-8) or NUL characters (PostgreSQL text cannot
// hold them), and values nested deeper than MAX_INPUT_DEPTH (a JSON `input` 5,000 levels deep).
// Checked in variables and in arguments written into the document, before anything executes.
// Dates outside what both databases store are refused by the DateTime scalar (../date-time.ts).
import { GraphQLError, Kind, type DocumentNode, type ValueNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "../context.js";

export const MAX_INPUT_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface InputIssue {
  field: string;
  message: string;
}

function stringIssue(s: string): string | null {
  if (s.includes("\u0000")) return "must not contain NUL characters (U+0000)";
  if (LONE_SURROGATE.test(s)) return "must not contain unpaired UTF-16 surrogates (not valid Unicode text)";
  return null;
}

const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

/** The first problem in a JSON-like value (variables), or null. */
export function valueIssue(value: unknown, path: string, depth = 0): InputIssue | null {
  if (typeof value === "string") {
    const m = stringIssue(value);
    return m ? { field: path, message: m } : null;
  }
  if (value === null || typeof value !== "object") return null;
  if (depth >= MAX_INPUT_DEPTH) return { field: path, message: `must not be nested more than ${MAX_INPUT_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const issue = valueIssue(value[i], join(path, i), depth + 1);
      if (issue) return issue;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const keyProblem = stringIssue(k);
    if (keyProblem) return { field: path, message: `keys ${keyProblem}` };
    const issue = valueIssue(v, join(path, k), depth + 1);
    if (issue) return issue;
  }
  return null;
}

/** The first problem in a literal argument value of the document, or null. */
function literalIssue(node: ValueNode, path: string, depth: number): InputIssue | null {
  switch (node.kind) {
    case Kind.STRING: {
      const m = stringIssue(node.value);
      return m ? { field: path, message: m } : null;
    }
    case Kind.LIST:
      if (depth >= MAX_INPUT_DEPTH) return { field: path, message: `must not be nested more than ${MAX_INPUT_DEPTH} levels deep` };
      for (let i = 0; i < node.values.length; i++) {
        const v = node.values[i];
        const issue = v ? literalIssue(v, join(path, i), depth + 1) : null;
        if (issue) return issue;
      }
      return null;
    case Kind.OBJECT:
      if (depth >= MAX_INPUT_DEPTH) return { field: path, message: `must not be nested more than ${MAX_INPUT_DEPTH} levels deep` };
      for (const f of node.fields) {
        const issue = literalIssue(f.value, join(path, f.name.value), depth + 1);
        if (issue) return issue;
      }
      return null;
    default:
      return null;
  }
}

/** The first problem in a document's literal arguments and its variables, or null. */
export function inputIssue(document: DocumentNode, variables: Record<string, unknown> | null | undefined): InputIssue | null {
  for (const [name, value] of Object.entries(variables ?? {})) {
    const issue = valueIssue(value, name);
    if (issue) return issue;
  }
  const pending: { selections: readonly unknown[] }[] = [];
  for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) pending.push(d.selectionSet);
  while (pending.length > 0) {
    const set = pending.pop();
    for (const s of (set?.selections ?? []) as { kind: Kind; arguments?: readonly { name: { value: string }; value: ValueNode }[]; selectionSet?: { selections: readonly unknown[] } }[]) {
      for (const arg of s.arguments ?? []) {
        const issue = literalIssue(arg.value, arg.name.value, 0);
        if (issue) return issue;
      }
      if (s.selectionSet) pending.push(s.selectionSet);
    }
  }
  return null;
}

export function inputError(issue: InputIssue): GraphQLError {
  return new GraphQLError(`Invalid input: ${issue.field}: ${issue.message}`, { extensions: { code: "BAD_USER_INPUT", issues: [issue] } });
}

export function useEdgeInputChecks(): Plugin<Context> {
  const check = ({ args, setResultAndStopExecution }: { args: { document: DocumentNode; variableValues?: Record<string, unknown> | null }; setResultAndStopExecution: (r: { errors: GraphQLError[] }) => void }) => {
    const issue = inputIssue(args.document, args.variableValues);
    if (issue) setResultAndStopExecution({ errors: [inputError(issue)] });
  };
  return { onExecute: check, onSubscribe: check };
}
