// Tags: global labels with a unique name and slug, attached to artifacts.
import type { Db } from "../../db/client.js";
import { Prisma } from "../../db/client.js";
import type { Tag } from "../../generated/prisma/client.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { COLOR, slugify } from "../artifacts/names.js";

export interface TagInput {
  name?: string | null;
  color?: string | null;
  description?: string | null;
}

/** Validated create data for a tag name; `field` names the input in errors. */
export function newTagData(name: string, field: string, extra: TagInput = {}) {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 64) throw new InvalidInputError(field, "a tag name must be 1–64 characters");
  const slug = slugify(trimmed);
  if (slug === "") throw new InvalidInputError(field, `tag name "${name}" needs at least one letter or digit`);
  if (extra.color != null && !COLOR.test(extra.color)) throw new InvalidInputError("input.color", "must be #RRGGBB");
  return { name: trimmed, slug, color: extra.color ?? null, description: extra.description ?? null };
}

export class TagService {
  constructor(private readonly db: Db) {}

  async create(input: { name: string; color?: string | null; description?: string | null }): Promise<Tag> {
    const data = newTagData(input.name, "input.name", input);
    const clash = await this.db.tag.findFirst({ where: { OR: [{ name: data.name }, { slug: data.slug }] } });
    if (clash) throw new AlreadyExistsError("Tag", clash.name === data.name ? "name" : "slug", clash.name === data.name ? data.name : data.slug);
    try {
      return await this.db.tag.create({ data });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") throw new AlreadyExistsError("Tag", "name", data.name);
      throw err;
    }
  }

  async update(id: string, input: TagInput): Promise<Tag> {
    await this.byId(id);
    const data: Prisma.TagUpdateInput = {};
    if (input.name != null) {
      const fresh = newTagData(input.name, "input.name");
      const clash = await this.db.tag.findFirst({ where: { id: { not: id }, OR: [{ name: fresh.name }, { slug: fresh.slug }] } });
      if (clash) throw new AlreadyExistsError("Tag", "name", fresh.name);
      data.name = fresh.name;
      data.slug = fresh.slug;
    }
    if (input.color !== undefined) {
      if (input.color !== null && !COLOR.test(input.color)) throw new InvalidInputError("input.color", "must be #RRGGBB");
      data.color = input.color;
    }
    if (input.description !== undefined) data.description = input.description;
    return this.db.tag.update({ where: { id }, data });
  }

  async delete(id: string): Promise<Tag> {
    const tag = await this.byId(id);
    await this.db.tag.delete({ where: { id } });
    return tag;
  }

  async byId(id: string): Promise<Tag> {
    const tag = await this.db.tag.findUnique({ where: { id } });
    if (!tag) throw new NotFoundError("Tag", id);
    return tag;
  }

  /** Attaches a tag to an artifact; attaching twice is harmless. */
  async tagArtifact(artifactId: string, tagId: string): Promise<void> {
    await this.requireBoth(artifactId, tagId);
    await this.db.artifactTag.upsert({
      where: { artifactId_tagId: { artifactId, tagId } },
      create: { artifactId, tagId },
      update: {},
    });
    await this.db.artifact.update({ where: { id: artifactId }, data: { updatedAt: new Date() } });
  }

  async untagArtifact(artifactId: string, tagId: string): Promise<void> {
    await this.requireBoth(artifactId, tagId);
    await this.db.artifactTag.deleteMany({ where: { artifactId, tagId } });
    await this.db.artifact.update({ where: { id: artifactId }, data: { updatedAt: new Date() } });
  }

  private async requireBoth(artifactId: string, tagId: string) {
    const [artifact, tag] = await Promise.all([
      this.db.artifact.findUnique({ where: { id: artifactId }, select: { id: true } }),
      this.db.tag.findUnique({ where: { id: tagId }, select: { id: true } }),
    ]);
    if (!artifact) throw new NotFoundError("Artifact", artifactId);
    if (!tag) throw new NotFoundError("Tag", tagId);
  }
}
