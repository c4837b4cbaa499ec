// manifestRevision (the start-up check's read of a collection folder's revision) agrees with the
// full parse for manifests skillgraph writes, hand-edited layouts, and manifests without one.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { manifestRevision, parseManifest, renderManifest } from "../../src/modules/content/manifest.js";

describe("manifestRevision", () => {
  it("reads the revision skillgraph writes, whatever follows", () => {
    fc.assert(
      fc.property(fc.option(fc.nat(), { nil: undefined }), fc.array(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), { maxLength: 30 }), (revision, names) => {
        const text = renderManifest({ collection: { name: "c", version: "1.0.0", ...(revision === undefined ? {} : { revision }) }, artifacts: names.map((name) => ({ type: "skill", name, origin: "LOCAL", tags: [], groups: [] })), tags: [], groups: [] });
        expect(manifestRevision(text)).toBe(parseManifest(text).collection.revision ?? null);
      }),
    );
  });

  it("falls back to the whole document when [collection] does not come first, and ignores a bad revision", () => {
    const later = `[[artifacts]]\ntype = "skill"\nname = "a"\n\n[collection]\nname = "c"\nrevision = 7\n`;
    expect(manifestRevision(later)).toBe(7);
    expect(manifestRevision(`[collection]\nname = "c"\nrevision = -1\n\n[[artifacts]]\ntype = "skill"\nname = "a"\n`)).toBeNull();
    expect(manifestRevision(`[collection] # the collection\nname = "c"\nrevision = 3\n[[artifacts]]\ntype = "skill"\nname = "a"\n`)).toBe(3);
    expect(() => manifestRevision("not toml [")).toThrow();
  });
});
