// Whole rows of a Prisma model read straight from SQLite, decoded as Prisma returns them, for the
// hot reads that go around Prisma (see sqlite-direct.ts). The decoding follows the datamodel, so
// a column added later is decoded too; a model with a type not handled here has no decoder, and
// its reads stay with Prisma.
import { getDatamodel } from "../generated/pothos-types.js";

type Decode = (value: unknown) => unknown;

const asIs: Decode = (v) => v;
// As Prisma's SQLite adapter stores them: DateTime as ISO 8601 text (or epoch milliseconds),
// Json as its text, Boolean as 0/1.
const scalars: Record<string, Decode> = {
  String: asIs,
  Int: asIs,
  Float: asIs,
  Boolean: (v) => (v === null ? null : v === 1 || v === 1n || v === true),
  DateTime: (v) => (v === null ? null : new Date(typeof v === "string" ? v : Number(v))),
  Json: (v) => (v === null ? null : JSON.parse(String(v))),
};

const decoders = new Map<string, ((row: Record<string, unknown>) => Record<string, unknown>) | null>();

/** The row decoder of a model, or null when one of its scalar types is not handled here. */
export function modelRowDecoder<T>(model: string): ((row: Record<string, unknown>) => T) | null {
  if (!decoders.has(model)) {
    const fields = getDatamodel().datamodel.models[model]?.fields ?? [];
    const columns: [string, Decode][] = [];
    let supported = fields.length > 0;
    for (const f of fields) {
      if (f.kind === "object") continue;
      const decode = f.kind === "enum" ? asIs : scalars[f.type];
      if (!decode || f.isList) supported = false;
      else columns.push([f.name, decode]);
    }
    decoders.set(
      model,
      supported
        ? (row) => {
            const out: Record<string, unknown> = {};
            for (const [name, decode] of columns) {
              const v = row[name];
              if (v === undefined) throw new Error(`${model} row has no column ${name}: select every column`);
              out[name] = decode(v);
            }
            return out;
          }
        : null,
    );
  }
  return (decoders.get(model) ?? null) as ((row: Record<string, unknown>) => T) | null;
}
