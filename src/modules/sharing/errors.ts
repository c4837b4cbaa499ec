// Expected failures of the sharing module (GraphQL types in ./schema.ts).
import { DomainError } from "../../lib/errors.js";

/** Why a bundle failed verification. */
export type BundleProblem =
  | "MALFORMED"
  | "MANIFEST_CHANGED"
  | "FILE_CHANGED"
  | "FILE_MISSING"
  | "FILE_EXTRA"
  | "UNKNOWN_KEY"
  | "REVOKED_KEY"
  | "UNSIGNED";

/** A bundle is refused: which check failed and, for a file, which file. */
export class BundleVerificationError extends DomainError {
  override name = "BundleVerificationError";
  constructor(
    readonly problem: BundleProblem,
    readonly path: string | null,
    detail: string,
  ) {
    super(`The bundle is refused (${problem}${path ? `: ${path}` : ""}): ${detail}.`);
  }
}
