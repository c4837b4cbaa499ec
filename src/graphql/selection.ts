// What a request selects below a field, for resolvers that read related rows in the same statement
// when (and only when) the client asks for them.
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

function collect(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, into: FieldNode[]): void {
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) into.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet, info, into);
    else collect(info.fragments[s.name.value]?.selectionSet, info, into);
  }
}

/** The names of the fields selected at `path` (field names, e.g. ["edges", "node"]) below the current field. */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[] = []): Set<string> {
  let fields: FieldNode[] = [];
  for (const node of info.fieldNodes) collect(node.selectionSet, info, fields);
  for (const name of path) {
    const next: FieldNode[] = [];
    for (const f of fields) if (f.name.value === name) collect(f.selectionSet, info, next);
    fields = next;
  }
  return new Set(fields.map((f) => f.name.value));
}

/**
 * The columns a selection needs, for services that read only those. A field named like a column
 * needs that column; other fields say what they need with `fieldNeeds` (a relation or computed
 * field, next to its definition). A field nobody described needs every column (null), so a new
 * field is always correct and at worst reads more than it must.
 */
const needs = new Map<string, Map<string, readonly string[]>>();

export function fieldNeeds(model: string, fields: Record<string, readonly string[]>): void {
  let m = needs.get(model);
  if (!m) needs.set(model, (m = new Map()));
  for (const [field, columns] of Object.entries(fields)) m.set(field, columns);
}

export function columnsFor(model: string, columnNames: readonly string[], fields: Iterable<string>): string[] | null {
  const described = needs.get(model);
  const out = new Set<string>(["id"]);
  for (const f of fields) {
    if (f === "__typename") continue;
    const cols = described?.get(f) ?? (columnNames.includes(f) ? [f] : null);
    if (cols === null) return null;
    for (const c of cols) out.add(c);
  }
  return [...out];
}
