// Collections: named sets of artifacts (the Collection table). The "default" collection is made
// on first use, so a fresh install can add artifacts without creating one.
import type { Database, Sql } from "../../db/index.js";
import { isUniqueViolation, type Prisma } from "../../db/index.js";
import * as store from "./store.js";
import type { Collection } from "../../generated/prisma/client.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";

export const DEFAULT_COLLECTION = "default";
export const COLLECTION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const COLLECTION_NAME_RULE = "must be 1–64 letters, digits or . _ -, starting with a letter or digit";

export interface CreateCollectionInput {
  name: string;
  version?: string | null;
  description?: string | null;
}

type Page = Omit<Prisma.CollectionFindManyArgs, "where" | "orderBy">;

export class CollectionService {
  /** Per transaction (the client object Prisma hands its callback): the revision each collection was bumped to. */
  private readonly bumped = new WeakMap<object, Map<string, number>>();

  constructor(private readonly db: Database) {}

  /**
   * Advances a collection's revision (its change sequence, which collection.toml records) inside
   * the caller's transaction, once per transaction however often it is called; returns the
   * revision the transaction commits. Call it before writing the collection's other rows: the
   * collection row is then the first lock every writer takes, so writers of one collection queue
   * on it instead of deadlocking, and revisions follow commit order.
   */
  async bump(tx: Prisma.TransactionClient, collectionId: string): Promise<number> {
    let mine = this.bumped.get(tx);
    if (!mine) {
      mine = new Map();
      this.bumped.set(tx, mine);
    }
    const known = mine.get(collectionId);
    if (known !== undefined) return known;
    const { revision } = await tx.collection.update({ where: { id: collectionId }, data: { revision: { increment: 1 } }, select: { revision: true } });
    mine.set(collectionId, revision);
    return revision;
  }

  /** Sets a collection's revision past `atLeast` (recovery: the database is then newer than the folder it was rebuilt from). */
  async advancePast(tx: Prisma.TransactionClient, collectionId: string, atLeast: number): Promise<number> {
    const current = await this.bump(tx, collectionId);
    if (current > atLeast) return current;
    const { revision } = await tx.collection.update({ where: { id: collectionId }, data: { revision: atLeast + 1 }, select: { revision: true } });
    this.bumped.get(tx)?.set(collectionId, revision);
    return revision;
  }

  async create(input: CreateCollectionInput): Promise<Collection> {
    if (!COLLECTION_NAME.test(input.name)) throw new InvalidInputError("input.name", COLLECTION_NAME_RULE);
    try {
      return await this.db.prisma.collection.create({
        data: { name: input.name, version: input.version ?? "1.0.0", description: input.description ?? null },
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("Collection", "name", input.name);
      throw err;
    }
  }

  /** A page of collections by name; `query` is the GraphQL layer's selection and paging. */
  list<Q extends Page>(query: Q) {
    return this.db.prisma.collection.findMany({ ...query, orderBy: [{ name: "asc" }, { id: "asc" }] });
  }

  count(): Promise<number> {
    return this.db.prisma.collection.count();
  }

  /** One collection by name with `query`'s selection, or null. */
  findByName<Q extends Omit<Prisma.CollectionFindUniqueArgs, "where">>(name: string, query?: Q) {
    return this.db.prisma.collection.findUnique({ ...query, where: { name } });
  }

  async byName(name: string): Promise<Collection> {
    const c = await this.db.prisma.collection.findUnique({ where: { name } });
    if (!c) throw new NotFoundError("Collection", name);
    return c;
  }

  /** Just the id of a named collection, or null. */
  async idOf(name: string): Promise<string | null> {
    return (await this.db.prisma.collection.findUnique({ where: { name }, select: { id: true } }))?.id ?? null;
  }

  /**
   * The named collection, or the default one (made when missing) when none is named. The default
   * is created outside any transaction, and a lost race is success: two first writes at once must
   * not fail (PostgreSQL would abort the transaction).
   */
  async resolve(name: string | null | undefined): Promise<Collection> {
    const wanted = name ?? DEFAULT_COLLECTION;
    const found = await this.db.prisma.collection.findUnique({ where: { name: wanted } });
    if (found) return found;
    if (wanted !== DEFAULT_COLLECTION) throw new NotFoundError("Collection", wanted);
    try {
      return await this.db.prisma.collection.create({ data: { name: DEFAULT_COLLECTION } });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return this.byName(DEFAULT_COLLECTION);
    }
  }

  /** The `where` fragment for "artifacts in the named collection" (the artifacts module's filter). */
  artifactWhere(name: string): Prisma.ArtifactWhereInput {
    return { collection: { name } };
  }

  // ---- SQL for the artifacts module's statements (it reads collections through these)

  /** `collectionId` (a column) names the collection called `name`. */
  isNamedSql(collectionId: Sql, name: string): Sql {
    return store.isNamed(collectionId, name);
  }

  /** The collection of `collectionId` (a column; these columns or all) as JSON (a scalar subquery). */
  jsonSql(collectionId: Sql, columns: readonly string[] | null): Sql {
    return store.collectionJsonOf(this.db.provider, collectionId, store.collectionColumns(columns));
  }

  /** A collection from jsonSql's JSON (null when the subquery found none). */
  decodeJson(json: unknown, columns: readonly string[] | null): Collection | null {
    const value = typeof json === "string" ? (JSON.parse(json) as unknown) : json;
    return value && typeof value === "object" ? store.collectionDecoder(store.collectionColumns(columns))(value as Record<string, unknown>) : null;
  }

  /** Collections by id, in the order asked (null for a missing one): one statement. */
  async byIds(ids: readonly string[]): Promise<(Collection | null)[]> {
    const rows = await store.byIds(this.db.sql, [...new Set(ids)]);
    const byId = new Map(rows.map((c) => [c.id, c]));
    return ids.map((id) => byId.get(id) ?? null);
  }
}
