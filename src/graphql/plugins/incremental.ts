// @defer and @stream (incremental delivery) come from yoga's maintained plugin: it adds the two
// directives and their validation rules, and yoga's executor sends the initial result and then
// each deferred or streamed part, over HTTP multipart (accept: multipart/mixed), SSE and
// graphql-ws alike. graphql-jit cannot deliver incrementally, so documents that use either
// directive keep the standard executor (jitEligible below).
import { getOperationAST, visit, BREAK, type DocumentNode } from "graphql";
import { useDeferStream } from "@graphql-yoga/plugin-defer-stream";

export { useDeferStream };

const seen = new WeakMap<DocumentNode, boolean>();

/** True when the document uses @defer or @stream anywhere (fragments included). */
export function usesIncrementalDelivery(document: DocumentNode): boolean {
  const known = seen.get(document);
  if (known !== undefined) return known;
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === "defer" || node.name.value === "stream") {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  seen.set(document, found);
  return found;
}

/** Queries and mutations without @defer/@stream run compiled by graphql-jit; everything else on graphql-js. */
export function jitEligible(document: DocumentNode, operationName?: string | null): boolean {
  if (getOperationAST(document, operationName)?.operation === "subscription") return false;
  return !usesIncrementalDelivery(document);
}
