// Related rows read together with artifacts (store.ts folds tags and the collection into the
// artifact's statement): remembered beside the artifact object, so the GraphQL fields that show
// them need no statement of their own.
import type { Collection, Tag } from "../../generated/prisma/client.js";
import type { ArtifactRow } from "./store.js";

interface Related {
  tags?: Tag[];
  collection?: Collection | null;
}

const related = new WeakMap<object, Related>();

/** The artifact of a row, with its related rows remembered. */
export function withRelations(row: ArtifactRow): ArtifactRow["artifact"] {
  if (row.tags !== undefined || row.collection !== undefined) related.set(row.artifact, { tags: row.tags, collection: row.collection });
  return row.artifact;
}

/** The tags read with this artifact, if they were. */
export function preloadedTags(artifact: object): Tag[] | undefined {
  return related.get(artifact)?.tags;
}

/** The collection read with this artifact, if it was. */
export function preloadedCollection(artifact: object): Collection | null | undefined {
  return related.get(artifact)?.collection;
}
