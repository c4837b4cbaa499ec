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

/** Why a share link does not serve its bundle (GET /share/<token> answers with the HTTP status). */
export type ShareLinkRefusal = "NOT_FOUND" | "EXPIRED" | "REVOKED" | "EXHAUSTED" | "BUNDLE_CHANGED";

const REFUSAL_STATUS: Record<ShareLinkRefusal, number> = { NOT_FOUND: 404, EXPIRED: 410, REVOKED: 410, EXHAUSTED: 410, BUNDLE_CHANGED: 410 };

/** A share link that serves nothing: unknown token, expired, revoked, out of downloads, or its bundle file changed or went away. */
export class ShareLinkRefusedError extends DomainError {
  override name = "ShareLinkRefusedError";
  readonly status: number;
  constructor(
    readonly reason: ShareLinkRefusal,
    detail: string,
  ) {
    super(`The share link is refused (${reason}): ${detail}.`);
    this.status = REFUSAL_STATUS[reason];
  }
}

/** Downloading a bundle from a URL failed: the HTTP status, a size limit, the timeout, or the connection. */
export class BundleDownloadError extends DomainError {
  override name = "BundleDownloadError";
  constructor(
    readonly url: string,
    readonly reason: "HTTP_STATUS" | "TOO_LARGE" | "TIMEOUT" | "NETWORK",
    detail: string,
  ) {
    super(`Downloading the bundle from ${url} failed (${reason}): ${detail}.`);
  }
}
