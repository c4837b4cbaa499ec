import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/modules/marketplace/canonical-json.js";
import { checkListingLicense, compatibilityWarnings } from "../../src/modules/marketplace/licenses.js";
import { compareSemver, isSemver, LISTING_NAME } from "../../src/modules/marketplace/rules.js";
import { publishRuleErrors } from "../../src/modules/marketplace/publishing.js";
import { RateWindow, retryAfterMs } from "../../src/modules/marketplace/feed.js";
import { queryTokens } from "../../src/modules/marketplace/search.js";

describe("publishing rules", () => {
  it("accepts semantic versions and rejects near misses", () => {
    for (const v of ["0.0.1", "1.2.3", "10.20.30", "1.0.0-alpha.1", "1.0.0+build.5", "2.0.0-rc.1+sha.abc"]) expect(isSemver(v), v).toBe(true);
    for (const v of ["1", "1.2", "v1.2.3", "01.2.3", "1.2.3-", "1.2.3-01", "1.2.3.4", " 1.2.3"]) expect(isSemver(v), v).toBe(false);
  });

  it("orders versions by semver precedence", () => {
    const sorted = ["1.0.0", "1.0.0-alpha", "1.0.0-alpha.beta", "1.0.0-beta.11", "1.0.0-beta.2", "1.0.0-rc.1", "1.0.0-alpha.1", "0.9.9"].sort(compareSemver);
    expect(sorted).toEqual(["0.9.9", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]);
  });

  it("names: lower-case, digits and single inner hyphens, 3–64 characters", () => {
    for (const n of ["pdf-tools", "abc", "a1-b2-c3"]) expect(LISTING_NAME.test(n), n).toBe(true);
    for (const n of ["ab", "-pdf", "pdf-", "pdf--tools", "PDF", "pdf_tools", "a".repeat(65)]) expect(LISTING_NAME.test(n), n).toBe(false);
  });

  it("reports every broken rule with its field", () => {
    const errors = publishRuleErrors({ name: "X", description: "short", version: "1.0", license: "NOT-A-LICENCE", tags: ["Bad Tag"], artifactIds: [] });
    expect(errors.map((e) => e.field)).toEqual(["input.name", "input.description", "input.version", "input.license", "input.tags", "input.artifactIds"]);
  });
});

describe("licences", () => {
  it("rejects invalid SPDX expressions and reports OSI approval", () => {
    expect(checkListingLicense("MIT")).toMatchObject({ valid: true, osiApproved: true, warnings: [] });
    expect(checkListingLicense("MIT OR Apache-2.0").osiApproved).toBe(true);
    expect(checkListingLicense("Apache-2.0 AND CC-BY-4.0").osiApproved).toBe(false);
    const bad = checkListingLicense("MIT ANDD GPL");
    expect(bad.valid).toBe(false);
    expect(bad.errors[0]?.field).toBe("input.license");
    const proprietary = checkListingLicense("LicenseRef-Proprietary");
    expect(proprietary.valid).toBe(true);
    expect(proprietary.warnings[0]?.message).toMatch(/not known to be OSI approved/);
    expect(checkListingLicense("GPL-2.0").warnings.some((w) => /deprecated/.test(w.message))).toBe(true);
  });

  it("warns about a copyleft artifact inside a permissive listing, not the reverse", () => {
    const gplInMit = compatibilityWarnings("MIT", [{ key: "skill:gpl-thing", license: "GPL-3.0-only" }]);
    expect(gplInMit).toHaveLength(1);
    expect(gplInMit[0]?.message).toMatch(/skill:gpl-thing is licensed GPL-3.0-only/);
    expect(compatibilityWarnings("GPL-3.0-only", [{ key: "skill:mit", license: "MIT" }])).toEqual([]);
    expect(compatibilityWarnings("GPL-3.0-only", [{ key: "skill:later", license: "GPL-3.0-or-later" }])).toEqual([]);
    expect(compatibilityWarnings("MIT", [{ key: "skill:none", license: null }])[0]?.message).toMatch(/declares no licence/);
  });
});

describe("helpers", () => {
  it("canonical JSON sorts keys at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: "x" } })).toBe('{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}');
  });

  it("rate window allows `limit` starts per window", () => {
    let now = 0;
    const w = new RateWindow(2, 1000, () => now);
    expect(w.delay()).toBe(0);
    w.record();
    w.record();
    expect(w.delay()).toBe(1000);
    now = 400;
    expect(w.delay()).toBe(600);
    now = 1000;
    expect(w.delay()).toBe(0);
  });

  it("reads Retry-After as seconds or a date", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs("soon")).toBeNull();
  });

  it("query tokens keep letters and digits only", () => {
    expect(queryTokens(` PDF "proc*" OR née-2 `)).toEqual(["pdf", "proc", "or", "née", "2"]);
  });
});
