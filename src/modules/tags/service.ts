// Tags: global labels with a unique name and slug (the Tag table), and their links to artifacts
// (ArtifactTag). The artifacts module asks this service for both (ArtifactTagging).
import type { Database, Sql } from "../../db/index.js";
import { chunks, isUniqueViolation, type Prisma } from "../../db/index.js";
import * as store from "./store.js";
import type { Tag } from "../../generated/prisma/client.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { COLOR, COLOR_RULE } from "../../lib/rules.js";
import type { ArtifactService, ArtifactTagging } from "../artifacts/index.js";

export interface TagInput {
  name?: string | null;
  color?: string | null;
  description?: string | null;
}

/** URL-safe slug of a tag name: "Data Science!" → "data-science". */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Validated create data for a tag name; `field` names the input in errors. */
export function newTagData(name: string, field: string, extra: TagInput = {}) {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 64) throw new InvalidInputError(field, "a tag name must be 1–64 characters");
  const slug = slugify(trimmed);
  if (slug === "") throw new InvalidInputError(field, `tag name "${name}" needs at least one letter or digit`);
  if (extra.color != null && !COLOR.test(extra.color)) throw new InvalidInputError("input.color", COLOR_RULE);
  return { name: trimmed, slug, color: extra.color ?? null, description: extra.description ?? null };
}

const byNameOrSlug = (name: string): Prisma.TagWhereInput => ({ OR: [{ name }, { slug: name }] });

type Page = Omit<Prisma.TagFindManyArgs, "where" | "orderBy">;

export class TagService implements ArtifactTagging {
  constructor(
    private readonly db: Database,
    private readonly artifacts: ArtifactService,
  ) {}

  async create(input: { name: string; color?: string | null; description?: string | null }): Promise<Tag> {
    const data = newTagData(input.name, "input.name", input);
    const clash = await this.db.prisma.tag.findFirst({ where: { OR: [{ name: data.name }, { slug: data.slug }] } });
    if (clash) throw new AlreadyExistsError("Tag", clash.name === data.name ? "name" : "slug", clash.name === data.name ? data.name : data.slug);
    try {
      return await this.db.prisma.tag.create({ data });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("Tag", "name", data.name);
      throw err;
    }
  }

  async update(id: string, input: TagInput): Promise<Tag> {
    await this.byId(id);
    const data: Prisma.TagUpdateInput = {};
    if (input.name != null) {
      const fresh = newTagData(input.name, "input.name");
      const clash = await this.db.prisma.tag.findFirst({ where: { id: { not: id }, OR: [{ name: fresh.name }, { slug: fresh.slug }] } });
      if (clash) throw new AlreadyExistsError("Tag", "name", fresh.name);
      data.name = fresh.name;
      data.slug = fresh.slug;
    }
    if (input.color !== undefined) {
      if (input.color !== null && !COLOR.test(input.color)) throw new InvalidInputError("input.color", COLOR_RULE);
      data.color = input.color;
    }
    if (input.description !== undefined) data.description = input.description;
    try {
      // The collections using the tag advance their revision; a rename changes their artifacts' entries.
      const [updated, bumped] = await this.db.transaction(async ({ prisma: tx }) => {
        const bumped = await this.artifacts.bumpCollectionsOf(tx, { tags: { some: { tagId: id } } });
        return [await tx.tag.update({ where: { id }, data }), bumped] as const;
      });
      for (const b of bumped) this.artifacts.collectionChanged(b.collectionId, { revision: b.revision, artifactIds: data.name === undefined ? [] : null });
      return updated;
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("Tag", "name", input.name ?? "");
      throw err;
    }
  }

  async delete(id: string): Promise<Tag> {
    const tag = await this.byId(id);
    const bumped = await this.db.transaction(async ({ prisma: tx }) => {
      const bumped = await this.artifacts.bumpCollectionsOf(tx, { tags: { some: { tagId: id } } });
      await tx.tag.delete({ where: { id } });
      return bumped;
    });
    for (const b of bumped) this.artifacts.collectionChanged(b.collectionId, { revision: b.revision, artifactIds: null });
    return tag;
  }

  async byId(id: string): Promise<Tag> {
    const tag = await this.db.prisma.tag.findUnique({ where: { id } });
    if (!tag) throw new NotFoundError("Tag", id);
    return tag;
  }

  /** A page of tags by name; `query` is the GraphQL layer's selection and paging. */
  list<Q extends Page>(query: Q) {
    return this.db.prisma.tag.findMany({ ...query, orderBy: [{ name: "asc" }, { id: "asc" }] });
  }

  count(): Promise<number> {
    return this.db.prisma.tag.count();
  }

  /** One tag by name or slug with `query`'s selection, or null. */
  find<Q extends Omit<Prisma.TagFindFirstArgs, "where">>(nameOrSlug: string, query?: Q) {
    return this.db.prisma.tag.findFirst({ ...query, where: byNameOrSlug(nameOrSlug) });
  }

  /** Attaches a tag to an artifact; attaching twice is harmless. */
  async tagArtifact(artifactId: string, tagId: string): Promise<void> {
    const { collectionId } = await this.requireBoth(artifactId, tagId);
    const revision = await this.db.transaction(async ({ prisma: tx }) => {
      const revision = await this.artifacts.touch(tx, artifactId, collectionId);
      await tx.artifactTag.upsert({ where: { artifactId_tagId: { artifactId, tagId } }, create: { artifactId, tagId }, update: {} });
      return revision;
    });
    this.artifacts.collectionChanged(collectionId, { revision, artifactIds: [artifactId] });
  }

  async untagArtifact(artifactId: string, tagId: string): Promise<void> {
    const { collectionId } = await this.requireBoth(artifactId, tagId);
    const revision = await this.db.transaction(async ({ prisma: tx }) => {
      const revision = await this.artifacts.touch(tx, artifactId, collectionId);
      await tx.artifactTag.deleteMany({ where: { artifactId, tagId } });
      return revision;
    });
    this.artifacts.collectionChanged(collectionId, { revision, artifactIds: [artifactId] });
  }

  /** Tags of each collection's artifacts (by name), for Collection.tags: one statement for every collection asked. */
  async ofCollections(collectionIds: readonly string[]): Promise<Tag[][]> {
    const rows = await this.db.prisma.artifactTag.findMany({
      where: { artifact: { collectionId: { in: [...collectionIds] } } },
      select: { tag: true, artifact: { select: { collectionId: true } } },
    });
    const byCollection = new Map(collectionIds.map((id) => [id, new Map<string, Tag>()]));
    for (const r of rows) byCollection.get(r.artifact.collectionId)?.set(r.tag.id, r.tag);
    return collectionIds.map((id) => [...(byCollection.get(id)?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name)));
  }

  // ---- ArtifactTagging

  async attachByNames(tx: Prisma.TransactionClient, artifactId: string, names: readonly string[], field: string): Promise<void> {
    for (const name of new Set(names)) {
      const tag = (await tx.tag.findFirst({ where: byNameOrSlug(name), select: { id: true } })) ?? (await tx.tag.create({ data: newTagData(name, field), select: { id: true } }));
      await tx.artifactTag.upsert({ where: { artifactId_tagId: { artifactId, tagId: tag.id } }, create: { artifactId, tagId: tag.id }, update: {} });
    }
  }

  /**
   * Links each artifact to its named tags (created when missing) inside the caller's transaction,
   * in few statements: for new artifacts (recovery), which have no links yet.
   */
  async attachManyByNames(tx: Prisma.TransactionClient, links: readonly { artifactId: string; names: readonly string[] }[], field: string): Promise<void> {
    const names = [...new Set(links.flatMap((l) => l.names))];
    if (names.length === 0) return;
    const idOf = new Map<string, string>();
    for (const part of chunks(names, 400)) {
      for (const t of await tx.tag.findMany({ where: { OR: [{ name: { in: part } }, { slug: { in: part } }] }, select: { id: true, name: true, slug: true } })) {
        idOf.set(t.name, t.id);
        if (!idOf.has(t.slug)) idOf.set(t.slug, t.id);
      }
    }
    for (const name of names) if (!idOf.has(name)) idOf.set(name, (await tx.tag.create({ data: newTagData(name, field), select: { id: true } })).id);
    const data = [...new Map(links.flatMap((l) => l.names.map((n) => [`${l.artifactId}\n${idOf.get(n) ?? ""}`, { artifactId: l.artifactId, tagId: idOf.get(n) ?? "" }] as const))).values()];
    for (const part of chunks(data, 400)) await tx.artifactTag.createMany({ data: part });
  }

  artifactWhere(tag: string): Prisma.ArtifactWhereInput {
    return { tags: { some: { tag: byNameOrSlug(tag) } } };
  }

  hasTagSql(artifactId: Sql, tag: string): Sql {
    return store.hasTag(artifactId, tag);
  }

  tagsJsonSql(artifactId: Sql, columns: readonly string[] | null): Sql {
    return store.tagsJsonOf(this.db.provider, artifactId, store.tagColumns(columns));
  }

  decodeTagsJson(json: unknown, columns: readonly string[] | null): Tag[] {
    const value = typeof json === "string" ? (JSON.parse(json) as unknown) : json;
    const decode = store.tagDecoder(store.tagColumns(columns));
    return Array.isArray(value) ? value.map((t) => decode(t as Record<string, unknown>)) : [];
  }

  /** The tags of each artifact, by name: one statement (for artifacts read without them). */
  ofArtifacts(artifactIds: readonly string[]): Promise<Tag[][]> {
    return store.tagsOfArtifacts(this.db.sql, artifactIds);
  }

  private async requireBoth(artifactId: string, tagId: string): Promise<{ collectionId: string }> {
    const [[artifact], tag] = await Promise.all([this.artifacts.existing([artifactId]), this.db.prisma.tag.findUnique({ where: { id: tagId }, select: { id: true } })]);
    if (!artifact) throw new NotFoundError("Artifact", artifactId);
    if (!tag) throw new NotFoundError("Tag", tagId);
    return artifact;
  }

  /** Tags by exact name (the collection folder's tag definitions): one statement. */
  byNames(names: readonly string[]): Promise<Tag[]> {
    return names.length ? this.db.prisma.tag.findMany({ where: { name: { in: [...names] } } }) : Promise.resolve([]);
  }
}
