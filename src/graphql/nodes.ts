// nodes(ids): every id resolved on its own terms. A malformed id nulls its own entry, with an error
// at its path (["nodes", i]); the others load as node(id) loads them (the relay plugin's
// resolveNodes: batched per type, the types' own scope checks). The relay plugin's built-in field
// parsed all ids up front, so one bad id nulled the whole response.
import { GraphQLError } from "graphql";
import { decodeGlobalID, resolveNodes } from "@pothos/plugin-relay";
import { builder } from "./builder.js";

builder.queryField("nodes", (t) =>
  t.field({
    description: "The objects with these global ids, in order; null for one that does not exist or may not be read, and an error at its index for a malformed id.",
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    args: { ids: t.arg.idList({ required: true, description: "Global ids (an object's id field)." }) },
    resolve: async (_root, args, ctx, info) => {
      const decoded = args.ids.map((raw) => {
        try {
          return decodeGlobalID(String(raw));
        } catch {
          return null;
        }
      });
      const found = await resolveNodes(builder, ctx, info, decoded);
      return decoded.map((d, i) =>
        d
          ? (found[i] as object | null)
          : new GraphQLError(`ids.${i}: "${String(args.ids[i]).slice(0, 100)}" is not an ID of this API (a global ID from an object's id field)`, {
              extensions: { code: "BAD_USER_INPUT" },
            }),
      );
    },
  }),
);
