// Pure publishing rules: listing names, semantic versions, tags, URLs.

/** 3–64 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit. */
export const LISTING_NAME = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,63}$/;
export const LISTING_NAME_RULE = "must be 3–64 lower-case letters, digits or single hyphens, starting and ending with a letter or digit";

// Semantic Versioning 2.0.0, the regular expression from semver.org (numbered groups).
export const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
export const SEMVER_RULE = "must be a semantic version MAJOR.MINOR.PATCH[-prerelease][+build], e.g. 1.2.0";

export const TAG = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const TAG_RULE = "each tag must be 1–32 lower-case letters, digits or hyphens, starting with a letter or digit";

/** Tags as stored: trimmed, lower-case, without duplicates or empties, sorted. */
export function normaliseTags(tags: readonly string[] | null | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim().toLowerCase()).filter(Boolean))].sort();
}

/** An absolute http(s) URL of at most 2000 characters. */
export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === "https:" || u.protocol === "http:") && v.length <= 2000;
  } catch {
    return false;
  }
}

export function isSemver(v: string): boolean {
  return v.length <= 128 && SEMVER.test(v);
}

/** Compares two valid semvers by precedence (build metadata ignored): <0, 0, >0. */
export function compareSemver(a: string, b: string): number {
  const pa = SEMVER.exec(a);
  const pb = SEMVER.exec(b);
  if (!pa || !pb) throw new Error("compareSemver: not a semantic version");
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  const ra = pa[4];
  const rb = pb[4];
  if (ra === undefined || rb === undefined) return ra === rb ? 0 : ra === undefined ? 1 : -1;
  const xa = ra.split(".");
  const xb = rb.split(".");
  for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
    const x = xa[i];
    const y = xb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Math.sign(Number(x) - Number(y));
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
