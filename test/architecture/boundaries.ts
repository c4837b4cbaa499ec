// The layering rules of DESIGN.md, as checks over the import graph (see boundaries.test.ts).
import { basename } from "node:path";
import type { ImportEdge } from "./source.js";

const GRAPHQL_FILES = new Set(["schema.ts", "types.ts", "inputs.ts", "queries.ts", "mutations.ts", "subscriptions.ts"]);
// The event bus packages (@graphql-yoga/subscription, redis-event-target) are pub/sub, not GraphQL.
const GRAPHQL_PACKAGES = /^(graphql|graphql-yoga|graphql-ws|@pothos\/.*|@graphql-yoga\/render-graphiql|@escape\.tech\/graphql-armor)$/;

/** The module a file belongs to ("artifacts"), or null outside src/modules. */
export function moduleOf(file: string): string | null {
  return /^src\/modules\/([^/]+)\//.exec(file)?.[1] ?? null;
}

/** A module's GraphQL layer: its schema, types, inputs, queries, mutations and subscriptions files. */
export function isGraphqlFile(file: string): boolean {
  return moduleOf(file) !== null && GRAPHQL_FILES.has(basename(file));
}

/** A module's CLI commands: cli.ts, or a part of them in <part>-cli.ts. */
const isCli = (file: string) => /^(?:[a-z0-9-]+-)?cli\.ts$/.test(basename(file));

/** What is wrong with one import, or null. */
export function violation(e: ImportEdge): string | null {
  const from = e.from;
  const to = e.target;
  const fromModule = moduleOf(from);
  const toModule = to ? moduleOf(to) : null;
  const top = (f: string) => /^src\/(services|app|schema|main)\.ts$/.test(f) || f.startsWith("src/cli/");
  if (from.startsWith("src/lib/") || from.startsWith("src/graphql/") || from.startsWith("src/db/")) {
    if (to && (toModule !== null || top(to))) return "src/lib, src/graphql and src/db import no module and no top-level wiring";
    if (from.startsWith("src/lib/") && to?.startsWith("src/graphql/")) return "src/lib imports nothing from src/graphql";
    if (from.startsWith("src/db/") && to?.startsWith("src/graphql/")) return "src/db imports nothing from src/graphql";
  }
  if (fromModule === null) return null;
  if (to && toModule !== null && toModule !== fromModule) {
    const entry = basename(to);
    if (to !== `src/modules/${toModule}/index.ts` && to !== `src/modules/${toModule}/schema.ts`) {
      return `another module is reached only through its index.ts (or, from GraphQL files, its schema.ts), not ${to}`;
    }
    if (entry === "schema.ts" && !isGraphqlFile(from)) return `only GraphQL files import another module's schema.ts`;
  }
  if (!isGraphqlFile(from)) {
    if (GRAPHQL_PACKAGES.test(e.specifier) && !(isCli(from) && e.specifier === "@pothos/plugin-relay")) return `services and other non-GraphQL files do not import ${e.specifier}`;
    if (to?.startsWith("src/graphql/")) return "services and other non-GraphQL files do not import src/graphql";
    if (to && isGraphqlFile(to)) return `non-GraphQL files do not import GraphQL files (${to})`;
  }
  return null;
}

/** Cycles in the module graph (module → modules it imports), each as a path. */
export function moduleCycles(edges: ImportEdge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = moduleOf(e.from);
    const b = e.target ? moduleOf(e.target) : null;
    if (!a || !b || a === b) continue;
    const set = graph.get(a) ?? new Set<string>();
    set.add(b);
    graph.set(a, set);
  }
  const cycles: string[][] = [];
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const walk = (m: string) => {
    state.set(m, "active");
    stack.push(m);
    for (const n of graph.get(m) ?? []) {
      if (state.get(n) === "active") cycles.push([...stack.slice(stack.indexOf(n)), n]);
      else if (!state.has(n)) walk(n);
    }
    stack.pop();
    state.set(m, "done");
  };
  for (const m of [...graph.keys()].sort()) if (!state.has(m)) walk(m);
  return cycles;
}
