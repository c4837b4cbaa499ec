// Artifacts and the collections that hold them.
import type { Db } from "../../db/client.js";
import { Prisma } from "../../db/client.js";
import { modelRowDecoder } from "../../db/model-row.js";
import type { SqliteDirect } from "../../db/sqlite-direct.js";
import type { ArtifactOrigin, ArtifactType } from "../../generated/prisma/enums.js";
import type { Artifact, Collection } from "../../generated/prisma/client.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { ArtifactChangeKind, EventPublisher } from "../../lib/events.js";
import { artifactKey, artifactNameProblem, parseArtifactKey } from "./names.js";
import { newTagData } from "../tags/service.js";
import { parseSourceSpec } from "./source-spec.js";

export const DEFAULT_COLLECTION = "default";
const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface ArtifactMetadataInput {
  title?: string | null;
  description?: string | null;
  author?: string | null;
  license?: string | null;
  version?: string | null;
  tools?: string[] | null;
}

export interface AddArtifactInput {
  collection?: string | null;
  type: ArtifactType;
  name: string;
  origin: ArtifactOrigin;
  source?: string | null;
  versionSpec?: string | null;
  resolvedVersion?: string | null;
  resolvedSha?: string | null;
  metadata?: ArtifactMetadataInput | null;
  /** Tag names; tags that do not exist yet are created. */
  tags?: string[] | null;
}

export interface UpdateArtifactInput {
  name?: string | null;
  source?: string | null;
  versionSpec?: string | null;
  resolvedVersion?: string | null;
  resolvedSha?: string | null;
  metadata?: ArtifactMetadataInput | null;
}

export interface ArtifactFilter {
  type?: ArtifactType | null;
  origin?: ArtifactOrigin | null;
  /** Tag name or slug. */
  tag?: string | null;
  collection?: string | null;
  /** Case-insensitive substring of name, title or description. */
  search?: string | null;
}

/** Prisma's `contains` is case-insensitive on SQLite (LIKE) but not on PostgreSQL. */
function containsInsensitive(db: Db, value: string) {
  return (isPostgres(db) ? { contains: value, mode: "insensitive" } : { contains: value }) as { contains: string };
}

export function isPostgres(db: Db): boolean {
  return (db as unknown as { _engineConfig?: { activeProvider?: string } })._engineConfig?.activeProvider === "postgresql";
}

/** The Prisma `where` for an artifact filter; shared by the root list and collection lists. */
export function artifactWhere(db: Db, filter: ArtifactFilter | null | undefined): Prisma.ArtifactWhereInput {
  if (!filter) return {};
  const where: Prisma.ArtifactWhereInput = {};
  if (filter.type) where.type = filter.type;
  if (filter.origin) where.origin = filter.origin;
  if (filter.collection) where.collection = { name: filter.collection };
  if (filter.tag) where.tags = { some: { tag: { OR: [{ name: filter.tag }, { slug: filter.tag }] } } };
  if (filter.search) {
    const q = containsInsensitive(db, filter.search);
    where.OR = [{ name: q }, { title: q }, { description: q }];
  }
  return where;
}

function sourceFields(source: string | null | undefined, field: string) {
  if (source === undefined) return {};
  if (source === null || source.trim() === "") {
    return { source: null, sourceOwner: null, sourceRepo: null, sourcePath: null, sourceVersion: null };
  }
  const parsed = parseSourceSpec(source);
  if (!parsed.ok) throw new InvalidInputError(field, parsed.reason);
  const { owner, repo, path, version } = parsed.spec;
  return { source: source.trim(), sourceOwner: owner, sourceRepo: repo, sourcePath: path, sourceVersion: version };
}

function metadataFields(m: ArtifactMetadataInput | null | undefined) {
  if (!m) return {};
  const out: Record<string, unknown> = {};
  for (const k of ["title", "description", "author", "license", "version"] as const) {
    if (m[k] !== undefined) out[k] = m[k];
  }
  if (m.tools !== undefined) out.tools = m.tools === null ? Prisma.DbNull : m.tools;
  return out;
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002";
}

/**
 * Creates the default collection if it is missing. Outside any transaction, and a lost race is
 * success: two first writes at once must not fail (PostgreSQL would abort the transaction).
 */
export async function ensureDefaultCollection(db: Db): Promise<void> {
  if (await db.collection.findUnique({ where: { name: DEFAULT_COLLECTION }, select: { id: true } })) return;
  try {
    await db.collection.create({ data: { name: DEFAULT_COLLECTION } });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
}

/** The artifact of a key in a collection (named), every column, for the direct SQLite read. */
const ARTIFACT_BY_KEY = `SELECT a.* FROM "Artifact" a JOIN "Collection" c ON c."id" = a."collectionId" WHERE a."type" = ? AND a."name" = ? AND c."name" = ?`;

export class ArtifactService {
  constructor(
    private readonly db: Db,
    private readonly events: EventPublisher,
    /** Prisma's SQLite connection, for findByKey; null on PostgreSQL (see db/sqlite-direct.ts). */
    private readonly sqlite: () => SqliteDirect | null = () => null,
  ) {}

  async createCollection(input: { name: string; version?: string | null; description?: string | null }): Promise<Collection> {
    if (!COLLECTION_NAME.test(input.name)) {
      throw new InvalidInputError("input.name", "must be 1–64 letters, digits or . _ -, starting with a letter or digit");
    }
    try {
      return await this.db.collection.create({
        data: { name: input.name, version: input.version ?? "1.0.0", description: input.description ?? null },
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("Collection", "name", input.name);
      throw err;
    }
  }

  async collectionByName(name: string): Promise<Collection> {
    const c = await this.db.collection.findUnique({ where: { name } });
    if (!c) throw new NotFoundError("Collection", name);
    return c;
  }

  /** The named collection (the default one when none is named). */
  private async resolveCollection(tx: Prisma.TransactionClient, name: string | null | undefined): Promise<Collection> {
    const wanted = name ?? DEFAULT_COLLECTION;
    const found = await tx.collection.findUnique({ where: { name: wanted } });
    if (!found) throw new NotFoundError("Collection", wanted);
    return found;
  }

  async addArtifact(input: AddArtifactInput): Promise<Artifact> {
    const problem = artifactNameProblem(input.name);
    if (problem) throw new InvalidInputError("input.name", problem);
    if (input.origin === "GITHUB" && !input.source) {
      throw new InvalidInputError("input.source", "is required when origin is GITHUB (owner/repo[/path][@version])");
    }
    const source = sourceFields(input.source, "input.source");
    if (!input.collection || input.collection === DEFAULT_COLLECTION) await ensureDefaultCollection(this.db);
    let artifact: Artifact;
    try {
      artifact = await this.db.$transaction(async (tx) => {
        const collection = await this.resolveCollection(tx, input.collection);
        const existing = await tx.artifact.findUnique({
          where: { collectionId_type_name: { collectionId: collection.id, type: input.type, name: input.name } },
        });
        if (existing) throw new AlreadyExistsError("Artifact", "key", artifactKey(input.type, input.name));
        const created = await tx.artifact.create({
          data: {
            collectionId: collection.id,
            type: input.type,
            name: input.name,
            origin: input.origin,
            ...source,
            versionSpec: input.versionSpec ?? source.sourceVersion ?? null,
            resolvedVersion: input.resolvedVersion ?? null,
            resolvedSha: input.resolvedSha ?? null,
            ...metadataFields(input.metadata),
          },
        });
        for (const tagName of new Set(input.tags ?? [])) {
          const tag =
            (await tx.tag.findFirst({ where: { OR: [{ name: tagName }, { slug: tagName }] } })) ??
            (await tx.tag.create({ data: newTagData(tagName, "input.tags") }));
          await tx.artifactTag.create({ data: { artifactId: created.id, tagId: tag.id } });
        }
        return created;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("Artifact", "key", artifactKey(input.type, input.name));
      throw err;
    }
    this.changed("ADDED", artifact);
    return artifact;
  }

  async updateArtifact(id: string, patch: UpdateArtifactInput): Promise<Artifact> {
    const current = await this.byId(id);
    if (patch.name !== undefined && patch.name !== null) {
      const problem = artifactNameProblem(patch.name);
      if (problem) throw new InvalidInputError("input.name", problem);
    }
    const data: Prisma.ArtifactUncheckedUpdateInput = {
      ...(patch.name ? { name: patch.name } : {}),
      ...sourceFields(patch.source, "input.source"),
      ...metadataFields(patch.metadata),
    };
    for (const k of ["versionSpec", "resolvedVersion", "resolvedSha"] as const) {
      if (patch[k] !== undefined) data[k] = patch[k];
    }
    let updated: Artifact;
    try {
      updated = await this.db.artifact.update({ where: { id }, data });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("Artifact", "key", artifactKey(current.type, patch.name ?? current.name));
      throw err;
    }
    this.changed("UPDATED", updated);
    return updated;
  }

  async removeArtifact(id: string): Promise<Artifact> {
    const current = await this.byId(id);
    await this.db.artifact.delete({ where: { id } });
    this.changed("REMOVED", current);
    return current;
  }

  async byId(id: string): Promise<Artifact> {
    const a = await this.db.artifact.findUnique({ where: { id } });
    if (!a) throw new NotFoundError("Artifact", id);
    return a;
  }

  /** Finds `type:name` in a collection (the default one when none is named). */
  async byKey(key: string, collection?: string | null): Promise<Artifact> {
    const parsed = parseArtifactKey(key);
    if (!parsed) throw new InvalidInputError("key", `"${key}" is not type:name (types: skill, command, agent, hook, mcp, workflow, composite)`);
    const a = await this.findByKey(parsed, collection);
    if (!a) throw new NotFoundError("Artifact", key);
    return a;
  }

  /**
   * The artifact of a parsed key in a collection (the default one when none is named), or null,
   * with `query`'s relations (Pothos' selection). Without relations, on SQLite, it is one read
   * on Prisma's connection: the `artifact(key)` query's whole cost otherwise.
   */
  async findByKey<Q extends Omit<Prisma.ArtifactFindFirstArgs, "where">>(
    key: { type: ArtifactType; name: string },
    collection?: string | null,
    query?: Q,
  ): Promise<Artifact | null> {
    const decode = modelRowDecoder<Artifact>("Artifact");
    const sqlite = this.sqlite();
    if (sqlite && decode && (!query || Object.keys(query).length === 0)) {
      const [row] = sqlite.read<Record<string, unknown>>(ARTIFACT_BY_KEY, key.type, key.name, collection ?? DEFAULT_COLLECTION);
      return row ? decode(row) : null;
    }
    return this.db.artifact.findFirst({
      ...query,
      where: { type: key.type, name: key.name, collection: { name: collection ?? DEFAULT_COLLECTION } },
    });
  }

  private changed(kind: ArtifactChangeKind, a: Artifact): void {
    this.events.publish("artifact:changed", {
      kind,
      artifactId: a.id,
      collectionId: a.collectionId,
      key: artifactKey(a.type, a.name),
      at: new Date().toISOString(),
    });
  }
}
