// Introspection as a setting (SKILLGRAPH_INTROSPECTION): public (anyone who may read), authenticated
// (an API token; the production default), or off. Checked before execution, where the caller is
// known; an operation that asks for __schema or __type without the right gets one error and no data.
// Field suggestions ("Did you mean …") are hidden whenever introspection is not public (limits.ts).
import { GraphQLError, Kind, type DocumentNode, type SelectionSetNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { IntrospectionMode } from "../../security-config.js";
import type { Context } from "../context.js";

/** True when the document selects __schema or __type anywhere (fragments included). */
export function asksForIntrospection(document: DocumentNode): boolean {
  const seen = new Set<SelectionSetNode>();
  const walk = (set: SelectionSetNode): boolean => {
    if (seen.has(set)) return false;
    seen.add(set);
    return set.selections.some((s) => (s.kind === Kind.FIELD ? s.name.value === "__schema" || s.name.value === "__type" || (s.selectionSet ? walk(s.selectionSet) : false) : s.kind === Kind.INLINE_FRAGMENT ? walk(s.selectionSet) : false));
  };
  return document.definitions.some((d) => (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) && walk(d.selectionSet));
}

export function useIntrospectionSetting(mode: IntrospectionMode): Plugin<Context> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (mode === "public" || !asksForIntrospection(args.document)) return;
      const principal = args.contextValue.principal;
      if (mode === "authenticated" && principal.kind === "token") return;
      const message = mode === "off" ? "Introspection is disabled on this server." : "Introspection needs an API token (Authorization: Bearer …).";
      setResultAndStopExecution({ errors: [new GraphQLError(message, { extensions: { code: mode === "off" ? "FORBIDDEN" : "UNAUTHENTICATED" } })] });
    },
  };
}
