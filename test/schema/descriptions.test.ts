// Every type, field, argument, input field and enum value carries a description, so GraphiQL's
// docs explorer documents all of it. There is no pending list: a new part without a description
// fails here.
import type { GraphQLNamedType } from "graphql";
import { describe, expect, it } from "vitest";
import { getSchema } from "../../src/schema.js";
import { undescribed } from "../helpers/descriptions.js";

describe("schema descriptions", () => {
  it("describes every type, field, argument, input field and enum value", () => {
    expect(undescribed(Object.values(getSchema().getTypeMap())).map((m) => m.coordinate)).toEqual([]);
  });

  it("finds a missing description (the check can fail)", () => {
    const schemaTypes = Object.values(getSchema().getTypeMap());
    const described = schemaTypes.find((t) => t.name === "OptimizerPlan");
    expect(described && undescribed([described])).toEqual([]);
    const bare = { ...described, name: "Bare", description: undefined } as unknown as GraphQLNamedType;
    expect(undescribed([bare]).map((m) => m.coordinate)).toEqual(["Bare"]);
  });
});
