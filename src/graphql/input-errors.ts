// A Pothos plugin that returns failed input validation as the mutation union's InvalidInputError
// member wherever the union declares it. Pothos runs argument mappers (the validation plugin's zod
// checks) outside every resolver wrapper, the errors plugin's included, so a validation failure
// used to escape as a top-level BAD_USER_INPUT error with `data: null` even where the union lists
// InvalidInputError. This wraps outside the mappers (wrapArgMappers) and hands such a failure to
// the errors plugin's own wrapping; fields without that member keep the top-level error.
//
// It also keeps one field's bad input from failing its siblings: the complexity plugin costs the
// whole operation when the first root field resolves, running every field's argument mappers on
// the way, so one malformed id or page size in `b` failed `a` too (with b's error at a's path).
// While a root field's resolver starts (when the complexity plugin costs the operation), argument
// mappers that fail fall back to the raw arguments; every field's own mapping, before its resolver,
// stays strict, so each field reports its own bad input (and scope errors) itself.
import SchemaBuilder, { BasePlugin, completeValue, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import { wrapOrThrow } from "@pothos/plugin-errors";
import type { GraphQLFieldResolver, GraphQLResolveInfo } from "graphql";
import { InputValidationError, InvalidInputError } from "../lib/errors.js";

const pluginName = "inputErrors";
export default pluginName;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      inputErrors: PothosInputErrorsPlugin<Types>;
    }
  }
}

type ErrorClass = new (...args: never[]) => unknown;

type ArgMapper = (args: Record<string, unknown>, ctx: object, info: GraphQLResolveInfo) => unknown;

/** Contexts whose root field is being costed right now (synchronously, by the complexity plugin). */
const costing = new WeakSet<object>();

export class PothosInputErrorsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    if (fieldConfig.argMappers.length === 0) return fieldConfig;
    const mappers = fieldConfig.argMappers as unknown as ArgMapper[];
    const runAll = (args: Record<string, unknown>, ctx: object, info: GraphQLResolveInfo): unknown =>
      mappers.reduce<unknown>((acc, mapper) => completeValue(acc, (value) => mapper(value as Record<string, unknown>, ctx, info)), args);
    const mapper: ArgMapper = (args, ctx, info) => {
      if (!costing.has(ctx)) return runAll(args, ctx, info);
      // Costing another selection: its own resolution reports its bad input.
      try {
        const result = runAll(args, ctx, info);
        return result instanceof Promise ? result.catch(() => args) : result;
      } catch {
        return args;
      }
    };
    return { ...fieldConfig, argMappers: [mapper] as unknown as typeof fieldConfig.argMappers };
  }

  // Outermost resolver wrapper: the complexity plugin, inside it, costs the whole operation
  // synchronously when a root field starts; mappers run during that call are costing (lenient).
  override wrapResolve(resolver: GraphQLFieldResolver<unknown, Types["Context"], object>, fieldConfig: PothosOutputFieldConfig<Types>): GraphQLFieldResolver<unknown, Types["Context"], object> {
    if (fieldConfig.kind !== "Query" && fieldConfig.kind !== "Mutation" && fieldConfig.kind !== "Subscription") return resolver;
    return (parent, args, ctx, info) => {
      costing.add(ctx as object);
      try {
        return resolver(parent, args, ctx, info);
      } finally {
        costing.delete(ctx as object);
      }
    };
  }

  override wrapArgMappers(resolver: GraphQLFieldResolver<unknown, Types["Context"], object>, fieldConfig: PothosOutputFieldConfig<Types>): GraphQLFieldResolver<unknown, Types["Context"], object> {
    const declared = fieldConfig.extensions?.pothosErrors as ErrorClass[] | undefined;
    if (!declared?.some((t) => t === InvalidInputError || t.prototype instanceof InvalidInputError || InvalidInputError.prototype instanceof t)) return resolver;
    return async (parent, args, ctx, info) => {
      try {
        return await resolver(parent, args, ctx, info);
      } catch (err) {
        if (err instanceof InputValidationError) return wrapOrThrow(err, declared);
        throw err;
      }
    };
  }
}

SchemaBuilder.registerPlugin(pluginName, PothosInputErrorsPlugin);
