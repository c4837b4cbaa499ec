// Groups: mutations (groups are read through their collection or node(id)).
import { encodeGlobalID } from "@pothos/plugin-relay";
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { writeErrors } from "../../graphql/errors.js";
import { GroupFields } from "../artifacts/inputs.js";
import { ArtifactRef, GroupRef } from "../artifacts/types.js";

const CreateGroupInput = builder.inputType("CreateGroupInput", {
  fields: (t) => ({
    collection: t.string({ description: 'Collection name; defaults to "default".' }),
    name: t.string({ required: true, validate: GroupFields.name }),
    description: t.string({ validate: GroupFields.description }),
    color: t.string({ description: "#RRGGBB", validate: GroupFields.color }),
    icon: t.string({ validate: GroupFields.icon }),
  }),
});
const UpdateGroupInput = builder.inputType("UpdateGroupInput", {
  fields: (t) => ({
    id: t.globalID({ required: true, for: GroupRef }),
    name: t.string({ validate: GroupFields.name }),
    description: t.string({ validate: GroupFields.description }),
    color: t.string({ validate: GroupFields.color }),
    icon: t.string({ validate: GroupFields.icon }),
  }),
});

const GroupPayload = builder.simpleObject("GroupPayload", { fields: (t) => ({ group: t.field({ type: GroupRef }) }) });
const DeleteGroupPayload = builder.simpleObject("DeleteGroupPayload", { fields: (t) => ({ deletedGroupId: t.id() }) });

builder.mutationFields((t) => ({
  createGroup: t.field({
    type: GroupPayload,
    description: "Creates a group at the end of its collection's order.",
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: CreateGroupInput, required: true }) },
    resolve: async (_r, { input }, ctx) => ({ group: await ctx.services.groups.create(input) }),
  }),
  updateGroup: t.field({
    type: GroupPayload,
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: UpdateGroupInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const { id, ...patch } = input;
      return { group: await ctx.services.groups.update(id.id, patch) };
    },
  }),
  deleteGroup: t.field({
    type: DeleteGroupPayload,
    description: "Deletes a group; its artifacts stay.",
    errors: { types: writeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: GroupRef }) },
    resolve: async (_r, args, ctx) => {
      const g = await ctx.services.groups.delete(args.id.id);
      return { deletedGroupId: encodeGlobalID("Group", g.id) };
    },
  }),
  setGroupMembers: t.field({
    type: GroupPayload,
    description: "Replaces the group's members with exactly these artifacts, in this order.",
    errors: { types: writeErrors, directResult: true },
    args: {
      groupId: t.arg.globalID({ required: true, for: GroupRef }),
      artifactIds: t.arg.globalIDList({
        required: true,
        for: ArtifactRef,
        validate: z.array(z.unknown()).max(1000, "must list at most 1000 artifacts"),
      }),
    },
    resolve: async (_r, args, ctx) => ({
      group: await ctx.services.groups.setMembers(args.groupId.id, args.artifactIds.map((a) => a.id)),
    }),
  }),
  moveGroup: t.field({
    type: GroupPayload,
    description: "Moves a group to a 0-based position among its collection's groups (past the end = last).",
    errors: { types: writeErrors, directResult: true },
    args: {
      id: t.arg.globalID({ required: true, for: GroupRef }),
      position: t.arg.int({ required: true, validate: z.number().int().min(0, "must be 0 or more") }),
    },
    resolve: async (_r, args, ctx) => ({ group: await ctx.services.groups.move(args.id.id, args.position) }),
  }),
}));
