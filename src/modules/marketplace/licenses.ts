// Licence checks for publishing: SPDX validity (spdx-expression-parse, which checks ids against
// spdx-license-ids), deprecated ids, OSI approval, and compatibility of the artifacts' licences
// with the listing's.
import { createRequire } from "node:module";
import parseSpdx from "spdx-expression-parse";
import satisfies from "spdx-satisfies";

const require = createRequire(import.meta.url);
const deprecatedIds = new Set(require("spdx-license-ids/deprecated.json") as string[]);

/**
 * OSI-approved licences. No installed package carries the OSI flag (spdx-license-ids lists ids
 * only; spdx-license-list, which has it, is not a dependency), so this is a small hand-kept list:
 * the SPDX License List's "OSI Approved" column (https://spdx.org/licenses/, version 3.22),
 * limited to the licences artifacts commonly use. An id not listed here is reported as
 * "not known to be OSI approved", which is a warning, never an error.
 */
export const OSI_APPROVED = new Set([
  "0BSD", "AFL-3.0", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0", "APSL-2.0", "Artistic-2.0",
  "BSD-1-Clause", "BSD-2-Clause", "BSD-2-Clause-Patent", "BSD-3-Clause", "BSL-1.0", "CDDL-1.0", "CECILL-2.1",
  "ECL-2.0", "EFL-2.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1", "EUPL-1.2", "GPL-2.0-only", "GPL-2.0-or-later",
  "GPL-3.0-only", "GPL-3.0-or-later", "ISC", "LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1-only",
  "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later", "LPL-1.02", "MirOS", "MIT", "MIT-0", "MPL-1.1",
  "MPL-2.0", "MPL-2.0-no-copyleft-exception", "MS-PL", "MS-RL", "MulanPSL-2.0", "NCSA", "OFL-1.1", "OSL-3.0",
  "PostgreSQL", "Python-2.0", "UPL-1.0", "Unicode-3.0", "Unlicense", "W3C", "Zlib", "ZPL-2.1",
]);

/** Licences whose terms follow the code into a larger work (copyleft), by id prefix. */
const COPYLEFT_PREFIXES = ["GPL-", "AGPL-", "LGPL-", "MPL-", "EPL-", "EUPL-", "CDDL-", "OSL-", "MS-RL", "CECILL-"];

type Info = parseSpdx.Info;

function isConjunction(i: Info): i is parseSpdx.ConjunctionInfo {
  return "conjunction" in i;
}

/** The parsed expression, or the parser's complaint. */
export function parseLicense(expression: string): { ok: true; info: Info } | { ok: false; reason: string } {
  if (expression.trim() === "") return { ok: false, reason: "it is empty" };
  try {
    return { ok: true, info: parseSpdx(expression) };
  } catch (err) {
    // The parser's own complaints are plain Errors ("Unexpected `x` at offset 3"); anything else
    // (a TypeError from inside it) is internal text, never shown.
    return { ok: false, reason: err instanceof Error && err.constructor === Error ? err.message : "it cannot be parsed" };
  }
}

export function licenseIds(info: Info): string[] {
  return isConjunction(info) ? [...licenseIds(info.left), ...licenseIds(info.right)] : [info.license];
}

/** OR: one branch approved is enough; AND: every part must be. */
export function osiApproved(info: Info): boolean {
  if (isConjunction(info)) {
    return info.conjunction === "or" ? osiApproved(info.left) || osiApproved(info.right) : osiApproved(info.left) && osiApproved(info.right);
  }
  return OSI_APPROVED.has(info.license) || (info.plus === true && OSI_APPROVED.has(`${info.license}-or-later`));
}

export function isCopyleft(id: string): boolean {
  return COPYLEFT_PREFIXES.some((p) => id.startsWith(p));
}

export interface LicenseIssue {
  field: string;
  message: string;
}

export interface LicenseReport {
  valid: boolean;
  osiApproved: boolean;
  errors: LicenseIssue[];
  warnings: LicenseIssue[];
}

/** Checks a listing's licence on its own: valid SPDX, deprecated ids, OSI approval. */
export function checkListingLicense(expression: string, field = "input.license"): LicenseReport {
  const parsed = parseLicense(expression);
  if (!parsed.ok) {
    return { valid: false, osiApproved: false, errors: [{ field, message: `must be a valid SPDX licence expression (${parsed.reason})` }], warnings: [] };
  }
  const warnings: LicenseIssue[] = [];
  for (const id of licenseIds(parsed.info)) {
    if (deprecatedIds.has(id)) warnings.push({ field, message: `"${id}" is a deprecated SPDX identifier; use its -only or -or-later form` });
  }
  const osi = osiApproved(parsed.info);
  if (!osi) warnings.push({ field, message: `"${expression}" is not known to be OSI approved` });
  return { valid: true, osiApproved: osi, errors: [], warnings };
}

/**
 * Warnings for artifacts whose licence does not fit inside the listing's: a copyleft artifact
 * (GPL, AGPL, LGPL, MPL, …) in a listing whose licence does not satisfy it, e.g. a GPL artifact
 * inside an MIT listing; and artifacts with no or an invalid licence.
 */
export function compatibilityWarnings(listingLicense: string, artifacts: { key: string; license: string | null }[], field = "input.artifactIds"): LicenseIssue[] {
  const listing = parseLicense(listingLicense);
  if (!listing.ok) return [];
  const listingIds = licenseIds(listing.info);
  const warnings: LicenseIssue[] = [];
  for (const a of artifacts) {
    if (!a.license) {
      warnings.push({ field, message: `artifact ${a.key} declares no licence` });
      continue;
    }
    const parsed = parseLicense(a.license);
    if (!parsed.ok) {
      warnings.push({ field, message: `artifact ${a.key} has licence "${a.license}", which is not a valid SPDX expression` });
      continue;
    }
    const copyleft = licenseIds(parsed.info).filter(isCopyleft);
    if (copyleft.length === 0) continue;
    // The listing's licence must be one the artifact's licence allows (e.g. GPL-3.0-or-later allows GPL-3.0-only).
    let fits = false;
    try {
      fits = satisfies(a.license, listingIds);
    } catch {
      fits = false;
    }
    if (!fits) {
      warnings.push({
        field,
        message: `artifact ${a.key} is licensed ${a.license} (copyleft), which may not be distributed under the listing's licence ${listingLicense}`,
      });
    }
  }
  return warnings;
}
