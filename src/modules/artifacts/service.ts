// Artifacts: the Artifact table. Reads have one home here (list, count, get, findByKey), so who
// may see what is decided in one place; today every reader with the read scope sees every
// artifact. Tags and collections are other modules': their conditions come from their services.
import type { Database, Sql, SqlExecutor } from "../../db/index.js";
import { chunks, DbNull, isUniqueViolation, join, raw, sql, type Prisma } from "../../db/index.js";
import type { ArtifactOrigin, ArtifactType } from "../../generated/prisma/enums.js";
import type { Artifact, Tag } from "../../generated/prisma/client.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { EventPublisher } from "../../lib/events.js";
import type { Principal } from "../../lib/principal.js";
import type { CollectionService } from "../collections/index.js";
import type { ArtifactChangeKind } from "./events.js";
import { artifactKey, artifactNameProblem, parseArtifactKey } from "./names.js";
import { withRelations } from "./relations.js";
import { parseSourceSpec } from "./source-spec.js";
import * as store from "./store.js";

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

export type ArtifactOrderField = "NAME" | "TYPE" | "CREATED_AT" | "UPDATED_AT" | "QUALITY_SCORE";
export interface ArtifactOrder {
  field: ArtifactOrderField;
  direction?: "ASC" | "DESC" | null;
}

/** What the artifacts module needs of the tags module (which owns tags and their links). */
export interface ArtifactTagging {
  /** Links the named tags (created when missing) to an artifact, inside the caller's transaction. */
  attachByNames(tx: Prisma.TransactionClient, artifactId: string, names: readonly string[], field: string): Promise<void>;
  /** The condition "carries the tag with this name or slug" (model API). */
  artifactWhere(tag: string): Prisma.ArtifactWhereInput;
  /** The same condition in SQL, for the artifact whose id is `artifactId` (a column). */
  hasTagSql(artifactId: Sql, tag: string): Sql;
  /** The artifact's tags (these columns, or all) as a JSON array, by name (a scalar subquery). */
  tagsJsonSql(artifactId: Sql, columns: store.Columns): Sql;
  /** Tags from tagsJsonSql's JSON. */
  decodeTagsJson(json: unknown, columns: store.Columns): Tag[];
}

/** Paging as Pothos' resolveCursorConnection asks for it: cursors are artifact ids. */
export interface CursorPage {
  after?: string;
  before?: string;
  limit: number;
  inverted: boolean;
}

export type { Columns, Include as ArtifactInclude } from "./store.js";

/** What a read returns: these columns of the artifact (null: all), and which related rows with it. */
export interface ReadPlan {
  columns: store.Columns;
  include: store.Include;
}

const WHOLE: ReadPlan = { columns: null, include: {} };

/** The inputs of an artifact's trust score (the ratings module's): its origin and source owner. */
export interface ArtifactTrustRow {
  id: string;
  origin: ArtifactOrigin;
  sourceOwner: string | null;
}

const orderColumn = { NAME: "name", TYPE: "type", CREATED_AT: "createdAt", UPDATED_AT: "updatedAt", QUALITY_SCORE: "qualityScore" } as const;

/** Sorting plus the id as tie-breaker, so cursors are stable. */
export function artifactOrder(order: ArtifactOrder | null | undefined): Prisma.ArtifactOrderByWithRelationInput[] {
  const dir = order?.direction === "DESC" ? "desc" : "asc";
  return [{ [orderColumn[order?.field ?? "NAME"]]: dir }, { id: dir }];
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

/** Source fields when the source is an owner/repo spec; a URL or path is kept as given, unparsed. */
function sourceFieldsLenient(source: string) {
  const parsed = parseSourceSpec(source);
  if (!parsed.ok) return { source, sourceOwner: null, sourceRepo: null, sourcePath: null, sourceVersion: null };
  const { owner, repo, path, version } = parsed.spec;
  return { source, sourceOwner: owner, sourceRepo: repo, sourcePath: path, sourceVersion: version };
}

function metadataFields(m: ArtifactMetadataInput | null | undefined) {
  if (!m) return {};
  const out: Record<string, unknown> = {};
  for (const k of ["title", "description", "author", "license", "version"] as const) {
    if (m[k] !== undefined) out[k] = m[k];
  }
  if (m.tools !== undefined) out.tools = m.tools === null ? DbNull : m.tools;
  return out;
}


/**
 * What a committed change did to a collection: the revision its transaction committed (the
 * collection's change sequence, see CollectionService.bump) and the artifacts whose manifest
 * entries it changed ([]: none, only group or tag definitions; null: unknown, rewrite them all).
 */
export interface CollectionChange {
  revision: number;
  artifactIds: readonly string[] | null;
}

/**
 * Called after a commit that changed a collection's artifacts, tags, groups or membership (null:
 * any collection); without `change`, what changed is unknown.
 */
export type CollectionChangeListener = (collectionId: string | null, change?: CollectionChange) => void;

export class ArtifactService {
  private readonly changeListeners = new Set<CollectionChangeListener>();

  constructor(
    private readonly db: Database,
    private readonly events: EventPublisher,
    private readonly collections: CollectionService,
    private readonly tagging: () => ArtifactTagging,
  ) {}

  /** The Prisma `where` of a filter; shared by the root list and collection lists. */
  where(filter: ArtifactFilter | null | undefined): Prisma.ArtifactWhereInput {
    if (!filter) return {};
    const where: Prisma.ArtifactWhereInput = {};
    if (filter.type) where.type = filter.type;
    if (filter.origin) where.origin = filter.origin;
    const and: Prisma.ArtifactWhereInput[] = [];
    if (filter.collection) and.push(this.collections.artifactWhere(filter.collection));
    if (filter.tag) and.push(this.tagging().artifactWhere(filter.tag));
    if (filter.search) {
      // LIKE is case-insensitive on SQLite; PostgreSQL needs to be told.
      const q = (this.db.provider === "postgresql" ? { contains: filter.search, mode: "insensitive" } : { contains: filter.search }) as { contains: string };
      and.push({ OR: [{ name: q }, { title: q }, { description: q }] });
    }
    if (and.length) where.AND = and;
    return where;
  }

  /** The SQL conditions of a filter (store.ts's statements), on the artifact aliased "a". */
  private conditions(filter: ArtifactFilter | null | undefined): Sql[] {
    const p = this.db.provider;
    const out: Sql[] = [];
    if (filter?.type) out.push(store.enumEquals(p, "type", "ArtifactType", filter.type));
    if (filter?.origin) out.push(store.enumEquals(p, "origin", "ArtifactOrigin", filter.origin));
    if (filter?.collection) out.push(this.collections.isNamedSql(raw(`a."collectionId"`), filter.collection));
    if (filter?.tag) out.push(this.tagging().hasTagSql(raw(`a."id"`), filter.tag));
    if (filter?.search) out.push(store.searchCondition(p, filter.search));
    return out;
  }

  private related(): store.RelatedSql {
    const tagging = this.tagging();
    return {
      tagsJsonOf: (id, columns) => tagging.tagsJsonSql(id, columns),
      decodeTags: (json, columns) => tagging.decodeTagsJson(json, columns),
      collectionJsonOf: (id, columns) => this.collections.jsonSql(id, columns),
      decodeCollection: (json, columns) => this.collections.decodeJson(json, columns),
    };
  }

  /**
   * A page of artifacts in one statement, keyset-paged by (order column, id): the plan's columns,
   * with their tags and collection when it asks (remembered beside each artifact: relations.ts).
   */
  async page(_viewer: Principal, filter: ArtifactFilter | null | undefined, order: ArtifactOrder | null | undefined, paging: CursorPage, plan: ReadPlan = WHOLE): Promise<Artifact[]> {
    const rows = await store.page(
      this.db.sql,
      {
        columns: plan.columns,
        where: this.conditions(filter),
        order: { field: order?.field ?? "NAME", direction: order?.direction === "DESC" ? "DESC" : "ASC" },
        after: paging.after,
        before: paging.before,
        limit: paging.limit,
        inverted: paging.inverted,
        include: plan.include,
      },
      this.related(),
    );
    return rows.map(withRelations);
  }

  count(_viewer: Principal, filter: ArtifactFilter | null | undefined): Promise<number> {
    return store.count(this.db.sql, this.conditions(filter));
  }

  /** One artifact by id with `query`'s selection, or null. */
  get<Q extends Omit<Prisma.ArtifactFindUniqueArgs, "where">>(_viewer: Principal, id: string, query?: Q) {
    return this.db.prisma.artifact.findUnique({ ...query, where: { id } });
  }

  /**
   * The artifact of a parsed key in a collection (the default one when none is named), or null:
   * one statement, by its unique (collection, type, name) key, as the plan asks.
   */
  async findByKey(_viewer: Principal, key: { type: ArtifactType; name: string }, collection?: string | null, plan: ReadPlan = WHOLE): Promise<Artifact | null> {
    const inCollection = this.collections.isNamedSql(raw(`a."collectionId"`), collection ?? "default");
    const row = await store.byKey(this.db.sql, key, inCollection, plan.columns, plan.include, this.related());
    return row ? withRelations(row) : null;
  }

  async byId(id: string): Promise<Artifact> {
    const a = await this.db.prisma.artifact.findUnique({ where: { id } });
    if (!a) throw new NotFoundError("Artifact", id);
    return a;
  }

  /** Finds `type:name` in a collection (the default one when none is named). */
  async byKey(key: string, collection?: string | null): Promise<Artifact> {
    const parsed = parseArtifactKey(key);
    if (!parsed) throw new InvalidInputError("key", `"${key}" is not type:name (types: skill, command, agent, hook, mcp, workflow, composite)`);
    const a = await this.db.prisma.artifact.findFirst({ where: { type: parsed.type, name: parsed.name, ...this.collections.artifactWhere(collection ?? "default") } });
    if (!a) throw new NotFoundError("Artifact", key);
    return a;
  }

  /** Id and collection of each of `ids` that exists. */
  existing(ids: readonly string[]): Promise<{ id: string; collectionId: string }[]> {
    return this.db.prisma.artifact.findMany({ where: { id: { in: [...ids] } }, select: { id: true, collectionId: true } });
  }

  /** Artifacts by id, every column (for loaders); missing ids are left out. */
  byIds(ids: readonly string[]): Promise<Artifact[]> {
    return this.db.prisma.artifact.findMany({ where: { id: { in: [...ids] } } });
  }

  async add(input: AddArtifactInput): Promise<Artifact> {
    const problem = artifactNameProblem(input.name);
    if (problem) throw new InvalidInputError("input.name", problem);
    if (input.origin === "GITHUB" && !input.source) {
      throw new InvalidInputError("input.source", "is required when origin is GITHUB (owner/repo[/path][@version])");
    }
    const source = sourceFields(input.source, "input.source");
    const collection = await this.collections.resolve(input.collection);
    const key = artifactKey(input.type, input.name);
    let artifact: Artifact;
    let revision: number;
    try {
      [artifact, revision] = await this.db.transaction(async ({ prisma: tx }) => {
        const revision = await this.collections.bump(tx, collection.id);
        const existing = await tx.artifact.findUnique({
          where: { collectionId_type_name: { collectionId: collection.id, type: input.type, name: input.name } },
          select: { id: true },
        });
        if (existing) throw new AlreadyExistsError("Artifact", "key", key);
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
        if (input.tags?.length) await this.tagging().attachByNames(tx, created.id, input.tags, "input.tags");
        return [created, revision] as const;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("Artifact", "key", key);
      throw err;
    }
    this.changed("ADDED", artifact, revision);
    return artifact;
  }

  async update(id: string, patch: UpdateArtifactInput): Promise<Artifact> {
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
    let revision: number;
    try {
      [updated, revision] = await this.db.transaction(async ({ prisma: tx }) => {
        const revision = await this.collections.bump(tx, current.collectionId);
        return [await tx.artifact.update({ where: { id }, data }), revision] as const;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("Artifact", "key", artifactKey(current.type, patch.name ?? current.name));
      throw err;
    }
    this.changed("UPDATED", updated, revision);
    return updated;
  }

  async remove(id: string): Promise<Artifact> {
    const current = await this.byId(id);
    const revision = await this.db.transaction(async ({ prisma: tx }) => {
      const revision = await this.collections.bump(tx, current.collectionId);
      await tx.artifact.delete({ where: { id } });
      return revision;
    });
    this.changed("REMOVED", current, revision);
    return current;
  }

  /**
   * Marks an artifact of this collection changed (its tags changed) inside the caller's
   * transaction, first advancing the collection's revision; returns that revision.
   */
  async touch(tx: Prisma.TransactionClient, id: string, collectionId: string): Promise<number> {
    const revision = await this.collections.bump(tx, collectionId);
    await tx.artifact.update({ where: { id }, data: { updatedAt: new Date() }, select: { id: true } });
    return revision;
  }

  /**
   * Advances the revision of every collection holding an artifact that matches `where` (a tag's
   * rename or deletion), inside the caller's transaction, in id order; returns each one's revision.
   */
  async bumpCollectionsOf(tx: Prisma.TransactionClient, where: Prisma.ArtifactWhereInput): Promise<{ collectionId: string; revision: number }[]> {
    const rows = await tx.artifact.findMany({ where, select: { collectionId: true }, distinct: ["collectionId"] });
    const ids = [...new Set(rows.map((r) => r.collectionId))].sort();
    const out = [];
    for (const collectionId of ids) out.push({ collectionId, revision: await this.collections.bump(tx, collectionId) });
    return out;
  }

  // ---- for the content module: writes inside its import and recovery transactions

  /**
   * The artifact with this key in the collection, created when missing or else given these
   * fields, inside the caller's transaction (an import: nothing is kept if it fails later).
   */
  async upsertInTransaction(
    tx: Prisma.TransactionClient,
    input: { collectionId: string; type: ArtifactType; name: string; origin: ArtifactOrigin; source?: string | null; resolvedSha?: string | null; versionSpec?: string | null; resolvedVersion?: string | null; metadata?: ArtifactMetadataInput | null },
  ): Promise<{ artifact: Artifact; created: boolean; revision: number }> {
    const problem = artifactNameProblem(input.name);
    if (problem) throw new InvalidInputError("name", problem);
    const revision = await this.collections.bump(tx, input.collectionId);
    const fields = {
      origin: input.origin,
      ...(input.source ? sourceFieldsLenient(input.source) : { source: null }),
      ...(input.versionSpec !== undefined ? { versionSpec: input.versionSpec } : {}),
      ...(input.resolvedVersion !== undefined ? { resolvedVersion: input.resolvedVersion } : {}),
      ...(input.resolvedSha !== undefined ? { resolvedSha: input.resolvedSha } : {}),
      ...metadataFields(input.metadata),
    };
    const existing = await tx.artifact.findUnique({ where: { collectionId_type_name: { collectionId: input.collectionId, type: input.type, name: input.name } } });
    if (existing) return { artifact: await tx.artifact.update({ where: { id: existing.id }, data: fields }), created: false, revision };
    return { artifact: await tx.artifact.create({ data: { collectionId: input.collectionId, type: input.type, name: input.name, ...fields } }), created: true, revision };
  }

  /**
   * Creates new artifacts of one collection with their ids and current content given, inside the
   * caller's transaction, in few statements (recovery of a collection folder into a database that
   * lacks them). The caller advances the collection's revision and stores the versions.
   */
  async createManyInTransaction(
    tx: Prisma.TransactionClient,
    rows: readonly { id: string; collectionId: string; type: ArtifactType; name: string; origin: ArtifactOrigin; source?: string | null; versionSpec?: string | null; resolvedVersion?: string | null; resolvedSha?: string | null; metadata?: ArtifactMetadataInput | null; contentHash: string | null; currentVersionId: string | null }[],
  ): Promise<void> {
    const data = rows.map((r) => {
      const problem = artifactNameProblem(r.name);
      if (problem) throw new InvalidInputError("name", problem);
      return {
        id: r.id,
        collectionId: r.collectionId,
        type: r.type,
        name: r.name,
        origin: r.origin,
        ...(r.source ? sourceFieldsLenient(r.source) : { source: null }),
        versionSpec: r.versionSpec ?? null,
        resolvedVersion: r.resolvedVersion ?? null,
        resolvedSha: r.resolvedSha ?? null,
        ...metadataFields(r.metadata),
        contentHash: r.contentHash,
        currentVersionId: r.currentVersionId,
      } as Prisma.ArtifactCreateManyInput;
    });
    // Prisma's SQLite statements take at most 999 parameters: about 20 columns a row.
    for (const part of chunks(data, 40)) await tx.artifact.createMany({ data: part });
  }

  /**
   * Records the artifact's current content (its newest version), inside the caller's transaction
   * (advancing its collection's revision first, once per transaction); returns the row and that revision.
   */
  async setContent(tx: Prisma.TransactionClient, artifact: { id: string; collectionId: string }, content: { contentHash: string; currentVersionId: string }): Promise<{ artifact: Artifact; revision: number }> {
    const revision = await this.collections.bump(tx, artifact.collectionId);
    return { artifact: await tx.artifact.update({ where: { id: artifact.id }, data: content }), revision };
  }

  /**
   * Publishes artifact:changed for a write another module made through this one (after its
   * commit); `revision`: the collection revision its transaction committed, when it advanced one.
   */
  announce(kind: ArtifactChangeKind, a: Artifact, revision?: number | null): void {
    this.changed(kind, a, revision);
  }

  /** Every artifact of a collection, every column, by type and name (the collection folder). */
  inCollection(collectionId: string): Promise<Artifact[]> {
    return this.db.prisma.artifact.findMany({ where: { collectionId }, orderBy: [{ type: "asc" }, { name: "asc" }] });
  }

  // ---- for the ratings module: statements it runs inside its own transactions

  /** The trust inputs of artifacts (origin, source owner), on the caller's executor. */
  async trust(executor: SqlExecutor, ids: readonly string[]): Promise<ArtifactTrustRow[]> {
    const out: ArtifactTrustRow[] = [];
    for (const part of chunks(ids, 5000)) {
      out.push(...(await executor.query<ArtifactTrustRow>(sql`SELECT "id", "origin", "sourceOwner" FROM "Artifact" WHERE "id" IN (${join(part)})`)));
    }
    return out;
  }

  /** Every artifact's trust inputs (a full recompute). */
  allTrust(executor: SqlExecutor): Promise<ArtifactTrustRow[]> {
    return executor.query<ArtifactTrustRow>(sql`SELECT "id", "origin", "sourceOwner" FROM "Artifact"`);
  }

  /**
   * Sets the quality sort key of artifacts, on the caller's executor. Raw, so updatedAt does not
   * move: a rating is not an edit of the artifact.
   */
  async setQualityScores(executor: SqlExecutor, keys: readonly { id: string; quality: number }[]): Promise<void> {
    if (keys.length === 1) {
      const [k] = keys;
      if (k) await executor.execute(sql`UPDATE "Artifact" SET "qualityScore" = ${k.quality} WHERE "id" = ${k.id}`);
      return;
    }
    for (const part of chunks(keys)) {
      const cases = part.map((k) => sql`WHEN ${k.id} THEN ${k.quality}`);
      // CAST keeps PostgreSQL from reading the parameters as text.
      await executor.execute(sql`
        UPDATE "Artifact" SET "qualityScore" = CAST(CASE "id" ${join(cases, " ")} END AS DOUBLE PRECISION)
        WHERE "id" IN (${join(part.map((k) => k.id))})`);
    }
  }

  /**
   * Listens for committed changes to collections (the content module's folder write-through).
   * Other modules' services that change what a collection holds (tags, groups) report through
   * collectionChanged.
   */
  onCollectionChanged(listener: CollectionChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Reports a committed change to a collection (null: tags, which any collection may use). */
  collectionChanged(collectionId: string | null, change?: CollectionChange): void {
    for (const l of this.changeListeners) l(collectionId, change);
  }

  private changed(kind: ArtifactChangeKind, a: Artifact, revision?: number | null): void {
    this.collectionChanged(a.collectionId, revision == null ? undefined : { revision, artifactIds: [a.id] });
    this.events.publish("artifact:changed", {
      kind,
      artifactId: a.id,
      collectionId: a.collectionId,
      key: artifactKey(a.type, a.name),
      at: new Date().toISOString(),
    });
  }
}
