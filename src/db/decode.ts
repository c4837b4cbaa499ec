// The one decoder of raw rows. A raw statement's values come back as each driver sends them:
// integers as number or bigint, dates as Date or ISO text, JSON parsed or as text, booleans as
// true/false or 0/1. Decoding follows the datamodel (a model's scalar fields) or an explicit
// column spec, so a row decoded here is what Prisma's model API would have returned.
import { getDatamodel } from "../generated/pothos-types.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Row } from "./sql.js";

export type ScalarType = "String" | "Int" | "Float" | "Boolean" | "DateTime" | "Json" | "BigInt";

class DecodeError extends Error {}

function fail(column: string, type: ScalarType, value: unknown): never {
  throw new DecodeError(`column ${column}: cannot read ${typeof value} ${JSON.stringify(String(value)).slice(0, 40)} as ${type}`);
}

/** One value of a column of `type` (null stays null). */
export function decodeValue(type: ScalarType, value: unknown, column = "?"): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "String":
      return typeof value === "string" ? value : fail(column, type, value);
    case "Int":
    case "Float": {
      const n = typeof value === "bigint" ? Number(value) : typeof value === "string" ? Number(value) : value;
      return typeof n === "number" && !Number.isNaN(n) ? n : fail(column, type, value);
    }
    case "BigInt":
      return typeof value === "bigint" ? value : typeof value === "number" || typeof value === "string" ? BigInt(value) : fail(column, type, value);
    case "Boolean":
      if (typeof value === "boolean") return value;
      if (value === 1 || value === 1n) return true;
      if (value === 0 || value === 0n) return false;
      return fail(column, type, value);
    case "DateTime": {
      const d = value instanceof Date ? value : typeof value === "string" ? parseUtc(value) : typeof value === "number" ? new Date(value) : null;
      return d && !Number.isNaN(d.getTime()) ? d : fail(column, type, value);
    }
    case "Json":
      // Text is JSON not yet parsed (a JSON column read through an expression, or SQLite text).
      return typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  }
}

/**
 * A stored time as a Date. Every time here is UTC: text without a zone (SQLite's CURRENT_TIMESTAMP
 * "2026-11-22 10:00:00", PostgreSQL's timestamp inside JSON "2026-11-22T10:00:00.123") is read as
 * UTC, not as local time.
 */
function parseUtc(text: string): Date {
  const zoneless = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text);
  return new Date(zoneless ? `${text.replace(" ", "T")}Z` : text);
}

export type ColumnSpec = Record<string, ScalarType>;

/** A decoder for rows with these columns; a missing column is an error (select what you decode). */
export function rowDecoder<T>(spec: ColumnSpec): (row: Row) => T {
  const entries = Object.entries(spec);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [name, type] of entries) {
      if (!(name in row)) throw new DecodeError(`row has no column ${name}`);
      out[name] = decodeValue(type, row[name], name);
    }
    return out as T;
  };
}

const modelSpecs = new Map<string, ColumnSpec>();

/** Every scalar column of a model, with its type, from the datamodel. */
export function modelColumns(model: Prisma.ModelName): ColumnSpec {
  let spec = modelSpecs.get(model);
  if (!spec) {
    const fields = getDatamodel().datamodel.models[model]?.fields;
    if (!fields) throw new Error(`no model ${model} in the datamodel`);
    spec = {};
    for (const f of fields) {
      if (f.kind === "object") continue;
      if (f.isList) throw new Error(`${model}.${f.name}: scalar lists are not used in this datamodel`);
      spec[f.name] = f.kind === "enum" ? "String" : (f.type as ScalarType);
    }
    modelSpecs.set(model, spec);
  }
  return spec;
}

/** A decoder for whole rows of a model (select every column: see modelColumns). */
export function modelDecoder<T>(model: Prisma.ModelName): (row: Row) => T {
  return rowDecoder<T>(modelColumns(model));
}
