// The DateTime scalar: graphql-scalars' RFC 3339 DateTime, limited to the years 0001–9999 that
// SQLite, PostgreSQL and ISO 8601's four-digit years all hold (year 0000 or a far-future Unix
// timestamp reached the database and came back as "Unexpected error."). Every refusal is
// BAD_USER_INPUT, and graphql-js names the variable path it came from.
import { GraphQLError, GraphQLScalarType, type ValueNode } from "graphql";
import { DateTimeResolver } from "graphql-scalars";

export const MIN_DATE = new Date("0001-01-01T00:00:00.000Z");
export const MAX_DATE = new Date("9999-12-31T23:59:59.999Z");

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

function bounded(parse: () => unknown): Date {
  let value: unknown;
  try {
    value = parse();
  } catch (err) {
    throw badInput(err instanceof Error ? err.message : "DateTime cannot represent this value.");
  }
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw badInput("DateTime cannot represent this value.");
  if (value < MIN_DATE || value > MAX_DATE) throw badInput("DateTime must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.");
  return value;
}

export const BoundedDateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  parseValue: (value: unknown) => bounded(() => DateTimeResolver.parseValue(value)),
  parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) => bounded(() => DateTimeResolver.parseLiteral(ast, variables)),
});
