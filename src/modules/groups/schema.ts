// Groups: the Group type, Collection.groups, Artifact.groups and the group mutations (groups are
// read through their collection, their artifacts or node(id)).
import { encodeGlobalID } from "@pothos/plugin-relay";
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { fieldNeeds } from "../../graphql/selection.js";
import { changeErrors, writeErrors } from "../../graphql/errors.js";
import { COLOR, COLOR_RULE } from "../../lib/rules.js";
import { ArtifactRef } from "../artifacts/schema.js";

const groupName = z.string().trim().min(1, "must not be empty").max(64, "must be at most 64 characters");
const groupDescription = z.string().max(2000, "must be at most 2000 characters");
const groupColor = z.string().regex(COLOR, COLOR_RULE);
const groupIcon = z.string().max(64, "must be at most 64 characters");

export const GroupRef = builder.prismaNode("Group", {
  id: { field: "id" },
  // node(id) of a deleted or unknown record is null, not an error.
  nullable: true,
  description: "An ordered set of artifacts within a collection.",
  select: { id: true },
  fields: (t) => ({
    name: t.exposeString("name", { description: "Unique within the collection." }),
    description: t.exposeString("description", { nullable: true, description: "What the group is for." }),
    color: t.exposeString("color", { nullable: true, description: "#RRGGBB" }),
    icon: t.exposeString("icon", { nullable: true, description: "An icon name, for user interfaces." }),
    position: t.exposeInt("position", { description: "0-based place among the collection's groups." }),
    collection: t.relation("collection", { description: "The collection the group belongs to." }),
    members: t.field({
      type: [ArtifactRef],
      description: "The artifacts in the group, in order.",
      select: (_args, _ctx, nested) => ({
        members: { select: { artifact: nested(true) }, orderBy: { position: "asc" } },
      }),
      resolve: (g) => g.members.map((m) => m.artifact),
    }),
    memberCount: t.relationCount("members", { description: "How many artifacts are in the group." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was created." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it or its members last changed." }),
  }),
});

builder.prismaObjectFields("Collection", (t) => ({
  groups: t.relation("groups", { description: "Groups in their order.", query: { orderBy: { position: "asc" } } }),
}));

fieldNeeds("Artifact", { groups: [] });
fieldNeeds("Collection", { groups: [] });
builder.prismaObjectFields("Artifact", (t) => ({
  groups: t.field({
    type: [GroupRef],
    description: "Groups the artifact is a member of, in their collection order.",
    select: (_args, _ctx, nested) => ({
      groupMemberships: { select: { group: nested(true) }, orderBy: { group: { position: "asc" } } },
    }),
    resolve: (a) => a.groupMemberships.map((m) => m.group),
  }),
}));

const CreateGroupInput = builder.inputType("CreateGroupInput", {
  description: "A new group, placed last in its collection.",
  fields: (t) => ({
    collection: t.string({ description: 'Collection name; defaults to "default".' }),
    name: t.string({ required: true, description: "Unique within the collection; 1–64 characters.", validate: groupName }),
    description: t.string({ description: "At most 2000 characters.", validate: groupDescription }),
    color: t.string({ description: "#RRGGBB", validate: groupColor }),
    icon: t.string({ description: "At most 64 characters.", validate: groupIcon }),
  }),
});
const UpdateGroupInput = builder.inputType("UpdateGroupInput", {
  description: "Only the fields given change; null clears an optional field.",
  fields: (t) => ({
    id: t.globalID({ required: true, for: GroupRef, description: "The group's global ID." }),
    name: t.string({ description: "A new name, unique within the collection.", validate: groupName }),
    description: t.string({ description: "A new description; null clears it.", validate: groupDescription }),
    color: t.string({ description: "#RRGGBB", validate: groupColor }),
    icon: t.string({ description: "A new icon name or emoji; null clears it.", validate: groupIcon }),
  }),
});

const GroupPayload = builder.simpleObject("GroupPayload", { description: "A group after a mutation.", fields: (t) => ({ group: t.field({ type: GroupRef, description: "The group after the change." }) }) });
const DeleteGroupPayload = builder.simpleObject("DeleteGroupPayload", { description: "The result of deleteGroup.", fields: (t) => ({ deletedGroupId: t.id({ description: "Global ID of the deleted group." }) }) });

builder.mutationFields((t) => ({
  createGroup: t.field({
    type: GroupPayload,
    description: "Creates a group at the end of its collection's order.",
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: CreateGroupInput, required: true, description: "The group to create." }) },
    resolve: async (_r, { input }, ctx) => ({ group: await ctx.services.groups.create(input) }),
  }),
  updateGroup: t.field({
    type: GroupPayload,
    description: "Renames a group or changes how it looks.",
    errors: { types: writeErrors, directResult: true },
    args: { input: t.arg({ type: UpdateGroupInput, required: true, description: "The group and the fields to change." }) },
    resolve: async (_r, { input }, ctx) => {
      const { id, ...patch } = input;
      return { group: await ctx.services.groups.update(id.id, patch) };
    },
  }),
  deleteGroup: t.field({
    type: DeleteGroupPayload,
    description: "Deletes a group; its artifacts stay.",
    errors: { types: changeErrors, directResult: true },
    args: { id: t.arg.globalID({ required: true, for: GroupRef, description: "The group's global ID." }) },
    resolve: async (_r, args, ctx) => {
      const g = await ctx.services.groups.delete(args.id.id);
      return { deletedGroupId: encodeGlobalID("Group", g.id) };
    },
  }),
  setGroupMembers: t.field({
    type: GroupPayload,
    description: "Replaces the group's members with exactly these artifacts, in this order.",
    errors: { types: changeErrors, directResult: true },
    args: {
      groupId: t.arg.globalID({ required: true, for: GroupRef, description: "The group's global ID." }),
      artifactIds: t.arg.globalIDList({
        required: true,
        for: ArtifactRef,
        description: "The members in order; at most 1000, each once, all in the group's collection.",
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
    errors: { types: changeErrors, directResult: true },
    args: {
      id: t.arg.globalID({ required: true, for: GroupRef, description: "The group's global ID." }),
      position: t.arg.int({ required: true, description: "0-based; past the end means last.", validate: z.number().int().min(0, "must be 0 or more") }),
    },
    resolve: async (_r, args, ctx) => ({ group: await ctx.services.groups.move(args.id.id, args.position) }),
  }),
}));
