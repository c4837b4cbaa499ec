// The GraphQL schema: every module's GraphQL surface (its schema.ts registers its types, queries,
// mutations and subscriptions on the builder), then the builder's schema, built once per process.
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { builder } from "./graphql/builder.js";
import "./graphql/errors.js";
import "./graphql/nodes.js";
import "./graphql/rate-limit-field.js";
import "./modules/auth/schema.js";
import "./modules/collections/schema.js";
import "./modules/artifacts/schema.js";
import "./modules/tags/schema.js";
import "./modules/groups/schema.js";
import "./modules/jobs/schema.js";
import "./modules/optimizer/schema.js";
import "./modules/medallions/schema.js";
import "./modules/ratings/schema.js";
import "./modules/mcp/schema.js";
import "./modules/system/schema.js";
import "./modules/marketplace/schema.js";
import "./modules/content/schema.js";
import "./modules/projects/schema.js";
import "./modules/upstream/schema.js";
import "./modules/usage/schema.js";
import "./modules/sharing/schema.js";
import "./modules/sharing/vaults/schema.js";

let built: GraphQLSchema | undefined;

/** The schema, built once per process (the builder is module-global). */
export function getSchema(): GraphQLSchema {
  built ??= builder.toSchema({ sortSchema: true });
  return built;
}

/** The SDL, sorted, as committed in schema/schema.graphql. */
export function printSdl(): string {
  return `${printSchema(lexicographicSortSchema(getSchema()))}\n`;
}
