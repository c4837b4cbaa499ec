// Three-way merge of one file (base: the deployed version; theirs: the collection's newer version;
// ours: the project's copy) with node-diff3. Pure. Binary files merge only when one side kept base.
import { diff3Merge } from "node-diff3";
import { sha256, textOf } from "../content/index.js";

export interface MergeHunk {
  ours: string;
  base: string;
  theirs: string;
}

export type FileMerge =
  | { kind: "clean"; data: Uint8Array | null }
  | { kind: "conflict"; hunks: MergeHunk[] | null; binary: boolean };

const same = (a: Uint8Array | null, b: Uint8Array | null) => (a === null || b === null ? a === b : sha256(a) === sha256(b));

/** Merges one file; null means absent (deleted on that side, or new). A clean null result deletes it. */
export function mergeFile(base: Uint8Array | null, theirs: Uint8Array | null, ours: Uint8Array | null): FileMerge {
  if (same(ours, base) || same(ours, theirs)) return { kind: "clean", data: theirs };
  if (same(theirs, base)) return { kind: "clean", data: ours };
  const [o, b, t] = [ours, base, theirs].map((d) => (d === null ? "" : textOf(d)));
  if (o === null || b === null || t === null || ours === null || theirs === null) return { kind: "conflict", hunks: null, binary: o === null || b === null || t === null };
  const split = (s: string) => s.split(/(?<=\n)/);
  const regions = diff3Merge(split(o), split(b), split(t), { excludeFalseConflicts: true });
  const hunks: MergeHunk[] = [];
  let merged = "";
  for (const r of regions) {
    if (r.ok) merged += r.ok.join("");
    else if (r.conflict) hunks.push({ ours: r.conflict.a.join(""), base: r.conflict.o.join(""), theirs: r.conflict.b.join("") });
  }
  if (hunks.length) return { kind: "conflict", hunks, binary: false };
  return { kind: "clean", data: new TextEncoder().encode(merged) };
}
