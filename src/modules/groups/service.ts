// Groups: ordered sets of artifacts within a collection, themselves ordered by position.
import type { Db } from "../../db/client.js";
import { type Prisma } from "../../db/client.js";
import type { Group } from "../../generated/prisma/client.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { COLOR } from "../artifacts/names.js";
import { DEFAULT_COLLECTION, ensureDefaultCollection } from "../artifacts/service.js";

export interface GroupInput {
  name?: string | null;
  description?: string | null;
  color?: string | null;
  icon?: string | null;
}

function checkGroup(input: GroupInput) {
  if (input.name != null && (input.name.trim() === "" || input.name.length > 64)) {
    throw new InvalidInputError("input.name", "must be 1–64 characters");
  }
  if (input.color != null && !COLOR.test(input.color)) throw new InvalidInputError("input.color", "must be #RRGGBB");
  if (input.icon != null && input.icon.length > 64) throw new InvalidInputError("input.icon", "must be at most 64 characters");
}

export class GroupService {
  constructor(private readonly db: Db) {}

  /** Creates a group at the end of its collection's order. */
  async create(input: GroupInput & { name: string; collection?: string | null }): Promise<Group> {
    checkGroup(input);
    const collectionName = input.collection ?? DEFAULT_COLLECTION;
    if (collectionName === DEFAULT_COLLECTION) await ensureDefaultCollection(this.db);
    return this.db.$transaction(async (tx) => {
      const collection = await tx.collection.findUnique({ where: { name: collectionName } });
      if (!collection) throw new NotFoundError("Collection", collectionName);
      const clash = await tx.group.findUnique({ where: { collectionId_name: { collectionId: collection.id, name: input.name } } });
      if (clash) throw new AlreadyExistsError("Group", "name", input.name);
      const count = await tx.group.count({ where: { collectionId: collection.id } });
      return tx.group.create({
        data: {
          collectionId: collection.id,
          name: input.name,
          description: input.description ?? null,
          color: input.color ?? null,
          icon: input.icon ?? null,
          position: count,
        },
      });
    });
  }

  async update(id: string, input: GroupInput): Promise<Group> {
    checkGroup(input);
    const group = await this.byId(id);
    if (input.name != null && input.name !== group.name) {
      const clash = await this.db.group.findUnique({ where: { collectionId_name: { collectionId: group.collectionId, name: input.name } } });
      if (clash) throw new AlreadyExistsError("Group", "name", input.name);
    }
    const data: Prisma.GroupUpdateInput = {};
    if (input.name != null) data.name = input.name;
    for (const k of ["description", "color", "icon"] as const) if (input[k] !== undefined) data[k] = input[k];
    return this.db.group.update({ where: { id }, data });
  }

  /** Deletes a group (not its artifacts) and closes the gap in the order. */
  async delete(id: string): Promise<Group> {
    const group = await this.byId(id);
    await this.db.$transaction(async (tx) => {
      await tx.group.delete({ where: { id } });
      await tx.group.updateMany({
        where: { collectionId: group.collectionId, position: { gt: group.position } },
        data: { position: { decrement: 1 } },
      });
    });
    return group;
  }

  /** Replaces the members with exactly these artifacts, in this order. */
  async setMembers(id: string, artifactIds: string[]): Promise<Group> {
    const group = await this.byId(id);
    const unique = [...new Set(artifactIds)];
    if (unique.length !== artifactIds.length) throw new InvalidInputError("artifactIds", "must not repeat an artifact");
    await this.db.$transaction(async (tx) => {
      const found = await tx.artifact.findMany({ where: { id: { in: unique } }, select: { id: true, collectionId: true } });
      const byId = new Map(found.map((a) => [a.id, a]));
      for (const [i, artifactId] of unique.entries()) {
        const a = byId.get(artifactId);
        if (!a) throw new NotFoundError("Artifact", artifactId);
        if (a.collectionId !== group.collectionId) {
          throw new InvalidInputError(`artifactIds.${i}`, "the artifact belongs to another collection than the group");
        }
      }
      await tx.groupMember.deleteMany({ where: { groupId: id } });
      if (unique.length > 0) {
        await tx.groupMember.createMany({ data: unique.map((artifactId, position) => ({ groupId: id, artifactId, position })) });
      }
      await tx.group.update({ where: { id }, data: { updatedAt: new Date() } });
    });
    return this.byId(id);
  }

  /** Moves a group to `position` (0-based, clamped to the end) and shifts the others. */
  async move(id: string, position: number): Promise<Group> {
    if (!Number.isInteger(position) || position < 0) throw new InvalidInputError("position", "must be an integer of 0 or more");
    const group = await this.byId(id);
    await this.db.$transaction(async (tx) => {
      const groups = await tx.group.findMany({ where: { collectionId: group.collectionId }, orderBy: { position: "asc" }, select: { id: true } });
      const order = groups.map((g) => g.id).filter((g) => g !== id);
      order.splice(Math.min(position, order.length), 0, id);
      for (const [i, gid] of order.entries()) await tx.group.update({ where: { id: gid }, data: { position: i } });
    });
    return this.byId(id);
  }

  async byId(id: string): Promise<Group> {
    const g = await this.db.group.findUnique({ where: { id } });
    if (!g) throw new NotFoundError("Group", id);
    return g;
  }
}
