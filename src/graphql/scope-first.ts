// A Pothos plugin that checks a field's static scopes before its arguments are validated. Pothos
// runs argument mappers (the validation plugin's zod checks) before any resolver wrapper, scope
// auth included, so a caller without the scope learned a mutation's validation rules from its
// errors. For every field with argument mappers whose scopes are a plain map ({ write: true }, the
// root type's included), a caller holding none of them now gets the scope error first. Scopes
// given as functions (they read the arguments) are left to the scope-auth plugin as before.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import { GraphQLError } from "graphql";
import type { Scope } from "../lib/principal.js";
import type { Context } from "./context.js";

const pluginName = "scopeFirst";
export default pluginName;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      scopeFirst: PothosScopeFirstPlugin<Types>;
    }
  }
}

const SCOPE_NAMES = new Set<string>(["read", "write", "admin"]);

/** The error for a caller without the scope a field needs; a GraphQLError, so it is not masked. */
export function unauthorizedError(ctx: Pick<Context, "principal">, info: { parentType: { name: string }; fieldName: string }): GraphQLError {
  const anonymous = ctx.principal.kind === "anonymous";
  return new GraphQLError(
    anonymous
      ? `Not authorised to access ${info.parentType.name}.${info.fieldName}: send an API token (Authorization: Bearer …).`
      : `Not authorised to access ${info.parentType.name}.${info.fieldName}: the token lacks the required scope.`,
    { extensions: { code: anonymous ? "UNAUTHENTICATED" : "FORBIDDEN" } },
  );
}

/** The scopes of a plain scope map ({ write: true }), any one of which suffices; null when it is not one. */
function plainScopes(map: unknown): Scope[] | null {
  if (!map || typeof map !== "object") return null;
  const entries = Object.entries(map);
  if (entries.length === 0 || !entries.every(([k, v]) => SCOPE_NAMES.has(k) && v === true)) return null;
  return entries.map(([k]) => k as Scope);
}

export class PothosScopeFirstPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    if (fieldConfig.argMappers.length === 0) return fieldConfig;
    const options = fieldConfig.pothosOptions as { authScopes?: unknown; skipTypeScopes?: boolean };
    const typeConfig = this.buildCache.getTypeConfig(fieldConfig.parentType);
    const isRoot = typeConfig.kind === "Query" || typeConfig.kind === "Mutation" || typeConfig.kind === "Subscription";
    const required: Scope[][] = [];
    const fieldScopes = options.authScopes === undefined ? [] : plainScopes(options.authScopes);
    if (fieldScopes === null) return fieldConfig;
    if (fieldScopes.length) required.push(fieldScopes);
    if (isRoot && !options.skipTypeScopes) {
      const typeScopes = plainScopes((typeConfig.pothosOptions as { authScopes?: unknown }).authScopes);
      if (typeScopes) required.push(typeScopes);
    }
    if (required.length === 0) return fieldConfig;
    // Mappers also run with a partial info (the complexity plugin's cost), so the field is named from its config.
    const field = { parentType: { name: fieldConfig.parentType }, fieldName: fieldConfig.name };
    const check = (args: Record<string, unknown>, ctx: Types["Context"]) => {
      const principal = (ctx as Context).principal;
      if (!required.every((anyOf) => anyOf.some((s) => principal.scopes.has(s)))) throw unauthorizedError(ctx as Context, field);
      return args;
    };
    return { ...fieldConfig, argMappers: [check, ...fieldConfig.argMappers] };
  }
}

SchemaBuilder.registerPlugin(pluginName, PothosScopeFirstPlugin);
