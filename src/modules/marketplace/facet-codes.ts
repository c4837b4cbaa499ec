// Facet ids as the SQLite search stores them per listing: space-separated codes, each a kind letter
// (t tag, l licence, p publisher, b broker) and a MarketplaceFacetValue id, e.g. "l3 p41 b1 t7".

export interface CodeCount {
  kind: string;
  id: number;
  count: number;
}

/**
 * Counts each code in a space-separated list of codes. Scans characters rather than splitting:
 * a broad search hands over ~100,000 codes, and splitting them into strings costs several times more.
 */
export function countFacetCodes(codes: string): CodeCount[] {
  const counts: number[] = [];
  const kinds: number[] = [];
  let id = 0;
  let kind = 0;
  for (let i = 0; i <= codes.length; i++) {
    const ch = i < codes.length ? codes.charCodeAt(i) : 32;
    if (ch === 32) {
      if (kind) {
        counts[id] = (counts[id] ?? 0) + 1;
        kinds[id] = kind;
      }
      id = 0;
      kind = 0;
    } else if (ch >= 48 && ch <= 57) {
      id = id * 10 + (ch - 48);
    } else {
      kind = ch;
    }
  }
  const out: CodeCount[] = [];
  counts.forEach((count, i) => out.push({ kind: String.fromCharCode(kinds[i] ?? 0), id: i, count }));
  return out;
}

/**
 * Of each kind in `kinds`, the codes that can be among its `limit` largest counts: all whose count
 * reaches the limit-th largest (ties are broken by the value's name, which the caller looks up).
 */
export function topCandidates(counts: CodeCount[], kinds: readonly string[], limit: number): CodeCount[] {
  if (limit <= 0) return [];
  const out: CodeCount[] = [];
  for (const kind of kinds) {
    const of = counts.filter((c) => c.kind === kind).sort((a, b) => b.count - a.count);
    const floor = of[Math.min(limit, of.length) - 1]?.count ?? 0;
    out.push(...of.filter((c) => c.count >= floor));
  }
  return out;
}
