// One connection type per node type (`ArtifactConnection`/`ArtifactEdge`, …), shared by every
// field that lists that type, so a client writes one fragment for it. Each carries totalCount.
import type { OutputType } from "@pothos/core";
import { builder } from "./builder.js";

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/**
 * What a connection resolver leaves for totalCount: Pothos' Prisma connections leave a function
 * (prismaConnection) or the counted value (relatedConnection); our own t.connection resolvers set
 * a function the same way. It is called only when a client selects totalCount.
 */
export type TotalCount = number | Promise<number> | (() => number | Promise<number>) | undefined;

function countOf(connection: object): number | Promise<number> {
  const total = (connection as { totalCount?: TotalCount }).totalCount;
  if (typeof total === "function") return total();
  return total ?? 0;
}

/**
 * Defines `<Name>Connection` and `<Name>Edge` for a node type. Pass the returned ref as the
 * connection options of `t.connection`, `t.prismaConnection` or `t.relatedConnection` (with
 * `totalCount` set on the field, so the Prisma plugin counts).
 */
export function connectionFor<Type extends OutputType<Types>>(type: Type, name: string, noun: string) {
  return builder.connectionObject<Type, unknown>(
    {
      type,
      name: `${name}Connection`,
      description: `A page of ${noun}, with cursors to page forward and back (Relay).`,
      fields: (t) => ({
        totalCount: t.int({
          description: `How many ${noun} the list holds across all pages (with its filters applied). Costs one count statement.`,
          // Marks it as the Prisma plugin's count field: a request selecting only totalCount skips the page query.
          extensions: { pothosPrismaTotalCount: true },
          resolve: (connection) => countOf(connection),
        }),
      }),
    },
    { name: `${name}Edge`, description: `One of ${noun} in a page, with its cursor.` },
  );
}
