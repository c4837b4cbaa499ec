// Every type, field, argument, input field and enum value carries a description, so GraphiQL's
// docs explorer documents all of it. Work still pending is listed by type (by field on the root
// types) in descriptions-pending.json; the list may only shrink: an entry that is complete fails too.
import { readFileSync } from "node:fs";
import type { GraphQLNamedType } from "graphql";
import { describe, expect, it } from "vitest";
import { getSchema } from "../../src/schema.js";
import { undescribed } from "../helpers/descriptions.js";

const pending = new Set(JSON.parse(readFileSync(new URL("./descriptions-pending.json", import.meta.url), "utf8")) as string[]);

describe("schema descriptions", () => {
  const missing = undescribed(Object.values(getSchema().getTypeMap()));

  it("describes every type, field, argument, input field and enum value (outside the pending list)", () => {
    expect(missing.filter((m) => !pending.has(m.entry)).map((m) => m.coordinate)).toEqual([]);
  });

  it("keeps the pending list honest: each entry still lacks something", () => {
    const stillMissing = new Set(missing.map((m) => m.entry));
    expect([...pending].filter((entry) => !stillMissing.has(entry))).toEqual([]);
  });

  it("finds a missing description (the check can fail)", () => {
    const schemaTypes = Object.values(getSchema().getTypeMap());
    const described = schemaTypes.find((t) => t.name === "OptimizerPlan");
    expect(described && undescribed([described])).toEqual([]);
    const bare = { ...described, name: "Bare", description: undefined } as unknown as GraphQLNamedType;
    expect(undescribed([bare]).map((m) => m.coordinate)).toEqual(["Bare"]);
  });
});
