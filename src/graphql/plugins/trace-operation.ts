// What the envelop OpenTelemetry plugin does not add to its spans: the document's hash on the
// operation span (never the text: it may carry inline values), and a span around each root field,
// the resolvers that do the I/O, so the statements a field runs are its children (a subscription's
// root field resolves once per delivered event: one span per event, in the subscriber's trace; an
// event execution shared by several subscribers is in the first one's). Only installed
// with tracing on (app.ts).
import { createHash } from "node:crypto";
import { getCurrentOtelContext } from "@envelop/opentelemetry";
import { SpanStatusCode, trace, type Context } from "@opentelemetry/api";
import { defaultFieldResolver, print, type DocumentNode, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import type { Plugin } from "graphql-yoga";
import { TRACE_ID, tracer } from "../../lib/telemetry.js";

const hashes = new WeakMap<DocumentNode, string>();
/**
 * The subscription's trace context, kept on the GraphQL context itself: each event runs with a
 * copy of the context (shared-subscription-results.ts), and a copy keeps its symbol-keyed
 * properties where the envelop plugin's WeakMap entry is lost.
 */
const SUBSCRIPTION_TRACE = Symbol("subscriptionTrace");

function parentOf(ctx: unknown): Context {
  const own = typeof ctx === "object" && ctx !== null ? (ctx as { [SUBSCRIPTION_TRACE]?: Context })[SUBSCRIPTION_TRACE] : undefined;
  return own ?? getCurrentOtelContext(ctx);
}
/** Marks a root field's resolver as already wrapped, so a schema seen again is not wrapped twice. */
const TRACED = Symbol("traced");

/**
 * Wraps each root field's resolver (Query, Mutation, Subscription) in a span, once, when the schema
 * is set: only root fields pay for tracing, and a field never nests a second wrapper (a wrapper per
 * request once overflowed the stack after a few thousand W2 requests).
 */
function traceRootFields(schema: GraphQLSchema): void {
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const resolver: GraphQLFieldResolver<unknown, unknown> & { [TRACED]?: true } = field.resolve ?? defaultFieldResolver;
      if (resolver[TRACED]) continue;
      const name = `${type.name}.${field.name}`;
      const attributes = { "graphql.field.name": field.name, "graphql.field.type": type.name };
      const traced: GraphQLFieldResolver<unknown, unknown> & { [TRACED]?: true } = (root, args, ctx, info) =>
        // Parent: the operation's span (a subscription's resolve runs once per delivered event,
        // from the transport's loop, so the active context is not the operation's there).
        tracer().startActiveSpan(name, { attributes }, parentOf(ctx), async (span) => {
          try {
            const value: unknown = await resolver(root, args, ctx, info);
            if (value instanceof Error) span.setStatus({ code: SpanStatusCode.ERROR, message: value.message });
            return value;
          } catch (err) {
            span.recordException(err instanceof Error ? err : String(err));
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw err;
          } finally {
            span.end();
          }
        });
      traced[TRACED] = true;
      field.resolve = traced;
    }
  }
}

/** sha256 of the printed document, once per parsed document (yoga caches parses). */
export function documentHash(document: DocumentNode): string {
  let h = hashes.get(document);
  if (!h) {
    h = createHash("sha256").update(print(document)).digest("hex");
    hashes.set(document, h);
  }
  return h;
}

export function useOperationTrace(): Plugin {
  return {
    onSchemaChange({ schema }) {
      traceRootFields(schema);
    },
    onExecute({ args }) {
      const span = trace.getSpan(getCurrentOtelContext(args.contextValue));
      span?.setAttribute("graphql.document.hash", documentHash(args.document));
      if (span && typeof args.contextValue === "object" && args.contextValue !== null) (args.contextValue as { [TRACE_ID]?: string })[TRACE_ID] = span.spanContext().traceId;
    },
    onSubscribe({ args }) {
      const otel = getCurrentOtelContext(args.contextValue);
      const span = trace.getSpan(otel);
      span?.setAttribute("graphql.document.hash", documentHash(args.document));
      if (typeof args.contextValue === "object" && args.contextValue !== null) {
        const ctx = args.contextValue as { [SUBSCRIPTION_TRACE]?: Context; [TRACE_ID]?: string };
        ctx[SUBSCRIPTION_TRACE] = otel;
        if (span) ctx[TRACE_ID] = span.spanContext().traceId;
      }
    },
  };
}
