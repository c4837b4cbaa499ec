// Which parts of a schema lack a description (see test/schema/descriptions.test.ts).
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLNamedType } from "graphql";

/** The schema coordinate of each undescribed type, field, argument, input field and enum value. */
export function undescribed(types: readonly GraphQLNamedType[]): { coordinate: string }[] {
  const out: { coordinate: string }[] = [];
  for (const t of types) {
    if (t.name.startsWith("__")) continue;
    if (!t.description) out.push({ coordinate: t.name });
    if (isObjectType(t) || isInterfaceType(t)) {
      for (const f of Object.values(t.getFields())) {
        if (!f.description) out.push({ coordinate: `${t.name}.${f.name}` });
        for (const a of f.args) if (!a.description) out.push({ coordinate: `${t.name}.${f.name}(${a.name}:)` });
      }
    }
    if (isInputObjectType(t)) for (const f of Object.values(t.getFields())) if (!f.description) out.push({ coordinate: `${t.name}.${f.name}` });
    if (isEnumType(t)) for (const v of t.getValues()) if (!v.description) out.push({ coordinate: `${t.name}.${v.name}` });
  }
  return out;
}
