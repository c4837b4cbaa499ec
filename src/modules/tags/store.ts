// The tags module's SQL: an artifact's tags as one JSON value (composed into the artifacts
// module's statements, so a page of artifacts and their tags is one statement), the "has this tag"
// condition, and the tags of many artifacts at once (for artifacts loaded without them).
import type { Provider, Sql, SqlExecutor } from "../../db/index.js";
import { join, jsonArray, jsonObject, modelColumns, raw, rowDecoder, sql } from "../../db/index.js";
import type { Tag } from "../../generated/prisma/client.js";

const SPEC = modelColumns("Tag");
const TAG_COLUMNS = Object.keys(SPEC);
const SELECT_TAG = raw(TAG_COLUMNS.map((c) => `t."${c}"`).join(", "));
export const decodeTag = rowDecoder<Tag>(SPEC);

/** The columns read: the ones asked for (known ones, always with id), or all. */
export function tagColumns(columns: readonly string[] | null): readonly string[] {
  return columns === null ? TAG_COLUMNS : [...new Set(["id", ...columns])].filter((c) => c in SPEC);
}

const decoders = new Map<string, (row: Record<string, unknown>) => Tag>();
/** A decoder of these columns (a partial row is still typed Tag: the fields that read the rest were not asked for). */
export function tagDecoder(columns: readonly string[]): (row: Record<string, unknown>) => Tag {
  const key = columns.join(",");
  let d = decoders.get(key);
  if (!d) {
    d = rowDecoder<Tag>(Object.fromEntries(columns.map((c) => [c, SPEC[c] ?? "String"])));
    decoders.set(key, d);
  }
  return d;
}

/** The JSON array of the tags (these columns) of the artifact whose id is `artifactId` (a column), by name. */
export function tagsJsonOf(provider: Provider, artifactId: Sql, columns: readonly string[]): Sql {
  return sql`(SELECT ${jsonArray(provider, jsonObject(provider, columns, "t"), sql`t."name", t."id"`)}
    FROM "ArtifactTag" l JOIN "Tag" t ON t."id" = l."tagId" WHERE l."artifactId" = ${artifactId})`;
}

/** The artifact whose id is `artifactId` (a column) carries the tag with this name or slug. */
export function hasTag(artifactId: Sql, tag: string): Sql {
  return sql`EXISTS (SELECT 1 FROM "ArtifactTag" l JOIN "Tag" t ON t."id" = l."tagId" WHERE l."artifactId" = ${artifactId} AND (t."name" = ${tag} OR t."slug" = ${tag}))`;
}

/** The tags of each artifact, by name: one statement for all of them. */
export async function tagsOfArtifacts(db: SqlExecutor, artifactIds: readonly string[]): Promise<Tag[][]> {
  if (artifactIds.length === 0) return [];
  const rows = await db.query(sql`SELECT l."artifactId" AS "artifactId", ${SELECT_TAG}
    FROM "ArtifactTag" l JOIN "Tag" t ON t."id" = l."tagId" WHERE l."artifactId" IN (${join(artifactIds)}) ORDER BY t."name", t."id"`);
  const byArtifact = new Map<string, Tag[]>(artifactIds.map((id) => [id, []]));
  for (const r of rows) byArtifact.get(String(r.artifactId))?.push(decodeTag(r));
  return artifactIds.map((id) => byArtifact.get(id) ?? []);
}
