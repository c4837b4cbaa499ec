// Groups: ordered sets of artifacts within a collection (the Group and GroupMember tables),
// themselves ordered by position.
import type { Database } from "../../db/index.js";
import { isUniqueViolation, type Prisma } from "../../db/index.js";
import type { Group } from "../../generated/prisma/client.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { COLOR, COLOR_RULE } from "../../lib/rules.js";
import type { ArtifactService } from "../artifacts/index.js";
import type { CollectionService } from "../collections/index.js";

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
  if (input.color != null && !COLOR.test(input.color)) throw new InvalidInputError("input.color", COLOR_RULE);
  if (input.icon != null && input.icon.length > 64) throw new InvalidInputError("input.icon", "must be at most 64 characters");
}

export class GroupService {
  constructor(
    private readonly db: Database,
    private readonly collections: CollectionService,
    private readonly artifacts: ArtifactService,
  ) {}

  /** Creates a group at the end of its collection's order. */
  async create(input: GroupInput & { name: string; collection?: string | null }): Promise<Group> {
    checkGroup(input);
    const collection = await this.collections.resolve(input.collection);
    try {
      return await this.db.transaction(async ({ prisma: tx }) => {
        const revision = await this.collections.bump(tx, collection.id);
        const clash = await tx.group.findUnique({ where: { collectionId_name: { collectionId: collection.id, name: input.name } }, select: { id: true } });
        if (clash) throw new AlreadyExistsError("Group", "name", input.name);
        const count = await tx.group.count({ where: { collectionId: collection.id } });
        const created = await tx.group.create({
          data: {
            collectionId: collection.id,
            name: input.name,
            description: input.description ?? null,
            color: input.color ?? null,
            icon: input.icon ?? null,
            position: count,
          },
        });
        return [created, revision] as const;
      }).then(([g, revision]) => {
        this.artifacts.collectionChanged(g.collectionId, { revision, artifactIds: [] });
        return g;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("Group", "name", input.name);
      throw err;
    }
  }

  async update(id: string, input: GroupInput): Promise<Group> {
    checkGroup(input);
    const group = await this.byId(id);
    if (input.name != null && input.name !== group.name) {
      const clash = await this.db.prisma.group.findUnique({ where: { collectionId_name: { collectionId: group.collectionId, name: input.name } }, select: { id: true } });
      if (clash) throw new AlreadyExistsError("Group", "name", input.name);
    }
    const data: Prisma.GroupUpdateInput = {};
    if (input.name != null) data.name = input.name;
    for (const k of ["description", "color", "icon"] as const) if (input[k] !== undefined) data[k] = input[k];
    const [updated, revision] = await this.db.transaction(async ({ prisma: tx }) => {
      const revision = await this.collections.bump(tx, group.collectionId);
      return [await tx.group.update({ where: { id }, data }), revision] as const;
    });
    this.artifacts.collectionChanged(updated.collectionId, { revision, artifactIds: [] });
    return updated;
  }

  /** Deletes a group (not its artifacts) and closes the gap in the order. */
  async delete(id: string): Promise<Group> {
    const group = await this.byId(id);
    const revision = await this.db.transaction(async ({ prisma: tx }) => {
      const revision = await this.collections.bump(tx, group.collectionId);
      await tx.group.delete({ where: { id } });
      await tx.group.updateMany({
        where: { collectionId: group.collectionId, position: { gt: group.position } },
        data: { position: { decrement: 1 } },
      });
      return revision;
    });
    this.artifacts.collectionChanged(group.collectionId, { revision, artifactIds: [] });
    return group;
  }

  /** Replaces the members with exactly these artifacts, in this order. */
  async setMembers(id: string, artifactIds: string[]): Promise<Group> {
    const group = await this.byId(id);
    const unique = [...new Set(artifactIds)];
    if (unique.length !== artifactIds.length) throw new InvalidInputError("artifactIds", "must not repeat an artifact");
    const found = new Map((await this.artifacts.existing(unique)).map((a) => [a.id, a]));
    for (const [i, artifactId] of unique.entries()) {
      const a = found.get(artifactId);
      if (!a) throw new NotFoundError("Artifact", artifactId);
      if (a.collectionId !== group.collectionId) throw new InvalidInputError(`artifactIds.${i}`, "the artifact belongs to another collection than the group");
    }
    const revision = await this.db.transaction(async ({ prisma: tx }) => {
      const revision = await this.collections.bump(tx, group.collectionId);
      await tx.groupMember.deleteMany({ where: { groupId: id } });
      if (unique.length > 0) await tx.groupMember.createMany({ data: unique.map((artifactId, position) => ({ groupId: id, artifactId, position })) });
      await tx.group.update({ where: { id }, data: { updatedAt: new Date() } });
      return revision;
    });
    this.artifacts.collectionChanged(group.collectionId, { revision, artifactIds: [] });
    return this.byId(id);
  }

  /** Moves a group to `position` (0-based, clamped to the end) and shifts the others. */
  async move(id: string, position: number): Promise<Group> {
    if (!Number.isInteger(position) || position < 0) throw new InvalidInputError("position", "must be an integer of 0 or more");
    const group = await this.byId(id);
    const revision = await this.db.transaction(async ({ prisma: tx }) => {
      const revision = await this.collections.bump(tx, group.collectionId);
      const groups = await tx.group.findMany({ where: { collectionId: group.collectionId }, orderBy: { position: "asc" }, select: { id: true } });
      const order = groups.map((g) => g.id).filter((g) => g !== id);
      order.splice(Math.min(position, order.length), 0, id);
      for (const [i, gid] of order.entries()) await tx.group.update({ where: { id: gid }, data: { position: i } });
      return revision;
    });
    this.artifacts.collectionChanged(group.collectionId, { revision, artifactIds: [] });
    return this.byId(id);
  }

  /** A collection's groups in order, each with its members' artifact ids in order (the collection folder). */
  inCollection(collectionId: string): Promise<(Group & { members: { artifactId: string }[] })[]> {
    return this.db.prisma.group.findMany({
      where: { collectionId },
      orderBy: { position: "asc" },
      include: { members: { select: { artifactId: true }, orderBy: { position: "asc" } } },
    });
  }

  async byId(id: string): Promise<Group> {
    const g = await this.db.prisma.group.findUnique({ where: { id } });
    if (!g) throw new NotFoundError("Group", id);
    return g;
  }
}
