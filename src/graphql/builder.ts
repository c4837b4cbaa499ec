// The Pothos builder: plugins, scalars and options. No type definitions live here.
import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import ErrorsPlugin from "@pothos/plugin-errors";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin, { decodeGlobalID } from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import SimpleObjectsPlugin from "@pothos/plugin-simple-objects";
import ValidationPlugin from "@pothos/plugin-validation";
import { GraphQLError, isListType, getNamedType, getNullableType, type GraphQLField } from "graphql";
import { JSONResolver } from "graphql-scalars";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import { InputValidationError } from "../lib/errors.js";
import type { Context } from "./context.js";
import { BoundedDateTime } from "./date-time.js";
import InputErrorsPlugin from "./input-errors.js";
import ScopeFirstPlugin, { unauthorizedError } from "./scope-first.js";
import { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, pageArgOptions } from "./pagination.js";

export interface BuilderTypes {
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: { read: boolean; write: boolean; admin: boolean };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}

/**
 * Connections cost their page size times their selection (so `first` counts); their `edges`
 * list is already covered by that page size; other lists multiply by a flat 10.
 */
function fieldComplexity(args: Record<string, unknown>, _ctx: Context, field: GraphQLField<unknown, Context>) {
  if (field.name === "edges" && getNamedType(field.type).name.endsWith("Edge")) return { field: 1, multiplier: 1 };
  const isConnection = getNamedType(field.type).name.endsWith("Connection") && field.args.some((a) => a.name === "first");
  if (isConnection) {
    const size = (args.first ?? args.last ?? DEFAULT_PAGE_SIZE) as number;
    return { field: 1, multiplier: Math.max(1, Math.min(size, MAX_PAGE_SIZE)) };
  }
  return { field: 1, multiplier: isListType(getNullableType(field.type)) ? 10 : 1 };
}

export const builder = new SchemaBuilder<BuilderTypes>({
  // Scope auth first, so authorisation runs before input validation and resolvers.
  plugins: [
    // First, so it sees every other plugin's argument mappers and wraps outside them (input-errors.ts).
    InputErrorsPlugin,
    ScopeAuthPlugin,
    // Checks plain scope maps before the validation plugin's argument checks (scope-first.ts).
    ScopeFirstPlugin,
    ErrorsPlugin,
    ValidationPlugin,
    PrismaPlugin,
    RelayPlugin,
    DataloaderPlugin,
    SimpleObjectsPlugin,
    ComplexityPlugin,
  ],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({
      read: ctx.principal.scopes.has("read"),
      write: ctx.principal.scopes.has("write"),
      admin: ctx.principal.scopes.has("admin"),
    }),
    // A GraphQLError, so it is not masked; it says what is missing, never what exists.
    unauthorizedError: (_parent, ctx, info) => unauthorizedError(ctx, info),
    // A subscription the caller may not read ends at once with one error, not one per event.
    authorizeOnSubscribe: true,
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    edgesFieldOptions: { nullable: false, description: "The page's items, each with its cursor." },
    nodeFieldOptions: { nullable: false, description: "The item." },
    cursorFieldOptions: { description: "Opaque: pass it as `after` or `before` to page from this item." },
    pageInfoFieldOptions: { description: "Where this page sits: whether there are more, and the cursors to get them." },
    pageInfoTypeOptions: { description: "Relay paging: whether more pages exist either way, and the cursors at this page's ends." },
    hasNextPageFieldOptions: { description: "True when items follow this page (ask with `after: endCursor`)." },
    hasPreviousPageFieldOptions: { description: "True when items precede this page (ask with `before: startCursor`)." },
    startCursorFieldOptions: { description: "The first item's cursor; null on an empty page." },
    endCursorFieldOptions: { description: "The last item's cursor; null on an empty page." },
    nodeTypeOptions: { description: "Anything stored, fetched by its global ID with node(id:) or nodes(ids:)." },
    idFieldOptions: { description: "Opaque global ID, unique across types; stable for the object's life." },
    afterArgOptions: { description: "Start after this cursor (an edge's cursor or pageInfo.endCursor)." },
    beforeArgOptions: { description: "End before this cursor (an edge's cursor or pageInfo.startCursor)." },
    firstArgOptions: pageArgOptions("first"),
    lastArgOptions: pageArgOptions("last"),
    // A malformed global id is bad input naming the rule (an InvalidInputError where a union
    // declares one), not an internal error.
    decodeGlobalID: (globalID) => {
      try {
        return decodeGlobalID(globalID);
      } catch {
        throw new InputValidationError([{ field: "id", message: `"${globalID.slice(0, 100)}" is not an ID of this API (a global ID from an object's id field)` }]);
      }
    },
    nodeQueryOptions: {
      description: "Any object by its global ID; null when there is none (or the viewer may not see it). A malformed ID is an error at this field only.",
      args: { id: { description: "A global ID, from an object's id field." } },
    },
    // nodes(ids) is defined in nodes.ts: a malformed id nulls its own entry, not the list.
    nodesQueryOptions: false,
  },
  errors: {
    defaultUnionOptions: {
      name: ({ fieldName }) => `${fieldName.charAt(0).toUpperCase()}${fieldName.slice(1)}Result`,
      description: "What the mutation returns: its payload when it succeeded, else one of the typed errors (each an Error with a message); nothing changed on an error.",
    },
    defaultResultOptions: {
      name: ({ fieldName }) => `${fieldName.charAt(0).toUpperCase()}${fieldName.slice(1)}Success`,
      description: "The mutation succeeded.",
    },
  },
  validation: {
    // Names the field and the rule. An InvalidInputError: a mutation whose union declares that
    // member returns it as data (the errors plugin wraps validation); elsewhere error masking
    // turns it into a top-level BAD_USER_INPUT error with the issues (errors-mask.ts).
    validationError: (failure) =>
      new InputValidationError(
        failure.issues.map((issue) => ({
          field: (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join("."),
          message: issue.message,
        })),
      ),
  },
  complexity: {
    fieldComplexity,
    limit: (ctx) => ({ complexity: ctx.config.limits.maxComplexity }),
    // The limit is not echoed back: it would only help someone probing for the edge.
    complexityError: () =>
      new GraphQLError("Query is too complex: ask for fewer fields or smaller pages.", {
        extensions: { code: "QUERY_TOO_COMPLEX" },
      }),
  },
});

builder.addScalarType("DateTime", BoundedDateTime, {
  description: "A date and time in UTC, ISO 8601 (e.g. 2026-11-22T10:00:00.000Z).",
});
builder.addScalarType("JSON", JSONResolver, { description: "Free-form structured data (any JSON value)." });

// Scopes are checked at the roots: every way to reach an object (node(id) included) goes through a
// Query, Mutation or Subscription field, so types that need only `read` carry no type-level scope
// of their own (checking one per object costs a tenth of a long list's request); types stricter
// than that (ApiToken: admin) carry theirs, and node(id) applies it too.
builder.queryType({
  description: "Everything that can be read. Needs the `read` scope unless a field says otherwise.",
  authScopes: { read: true },
});
builder.mutationType({
  description: "Everything that changes state. Needs the `write` scope; admin operations say so.",
  authScopes: { write: true },
});
builder.subscriptionType({
  description: "Live updates over graphql-ws (same path) or server-sent events. Needs the `read` scope.",
  authScopes: { read: true },
});
