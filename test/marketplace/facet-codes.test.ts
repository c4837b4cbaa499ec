import { describe, expect, it } from "vitest";
import { countFacetCodes, topCandidates } from "../../src/modules/marketplace/facet-codes.js";

describe("facet codes", () => {
  it("counts each code of a space-separated list, whatever the spacing", () => {
    const counts = countFacetCodes("l3 p41 t7 t12  l3 p41 t7 l5 t120 ");
    expect(counts.sort((a, b) => a.id - b.id)).toEqual([
      { kind: "l", id: 3, count: 2 },
      { kind: "l", id: 5, count: 1 },
      { kind: "t", id: 7, count: 2 },
      { kind: "t", id: 12, count: 1 },
      { kind: "p", id: 41, count: 2 },
      { kind: "t", id: 120, count: 1 },
    ]);
    expect(countFacetCodes("")).toEqual([]);
  });

  it("keeps, per kind, every code that can be in the top n once ties are broken by name", () => {
    const counts = countFacetCodes("t1 t1 t1 t2 t2 t3 t3 t4 l9 l9 l8 b6");
    expect(topCandidates(counts, ["t"], 2).map((c) => c.id).sort()).toEqual([1, 2, 3]);
    expect(topCandidates(counts, ["t"], 1).map((c) => c.id)).toEqual([1]);
    expect(topCandidates(counts, ["t", "l"], 10).map((c) => c.id).sort()).toEqual([1, 2, 3, 4, 8, 9]);
    expect(topCandidates(counts, ["l"], 0)).toEqual([]);
  });
});
