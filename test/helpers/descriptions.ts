// Which parts of a schema lack a description (see test/schema/descriptions.test.ts).
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLNamedType } from "graphql";

const ROOTS = new Set(["Query", "Mutation", "Subscription"]);

/** Each undescribed part, with the entry that may excuse it (the type, or Root.field). */
export function undescribed(types: readonly GraphQLNamedType[]): { coordinate: string; entry: string }[] {
  const out: { coordinate: string; entry: string }[] = [];
  for (const t of types) {
    if (t.name.startsWith("__")) continue;
    const entry = (field?: string) => (ROOTS.has(t.name) && field ? `${t.name}.${field}` : t.name);
    if (!t.description) out.push({ coordinate: t.name, entry: entry() });
    if (isObjectType(t) || isInterfaceType(t)) {
      for (const f of Object.values(t.getFields())) {
        if (!f.description) out.push({ coordinate: `${t.name}.${f.name}`, entry: entry(f.name) });
        for (const a of f.args) if (!a.description) out.push({ coordinate: `${t.name}.${f.name}(${a.name}:)`, entry: entry(f.name) });
      }
    }
    if (isInputObjectType(t)) for (const f of Object.values(t.getFields())) if (!f.description) out.push({ coordinate: `${t.name}.${f.name}`, entry: entry() });
    if (isEnumType(t)) for (const v of t.getValues()) if (!v.description) out.push({ coordinate: `${t.name}.${v.name}`, entry: entry() });
  }
  return out;
}
