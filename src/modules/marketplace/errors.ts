// Expected failures of the marketplace, returned to clients as typed union members (types.ts).
import { DomainError } from "../../lib/errors.js";

/** Publishing before accepting the current publisher agreement. */
export class ConsentRequiredError extends DomainError {
  override name = "ConsentRequiredError";
  constructor(readonly requiredVersion: string) {
    super(`Publishing requires accepting publisher agreement version ${requiredVersion} (acceptPublisherAgreement).`);
  }
}

/** A review decision that the submission's status does not allow. */
export class SubmissionStateError extends DomainError {
  override name = "SubmissionStateError";
  constructor(
    readonly submissionId: string,
    readonly status: string,
    detail: string,
  ) {
    super(`Submission ${submissionId} is ${status}: ${detail}`);
  }
}

/** How far an install can be trusted: VERIFIED (signed by this instance's or a trusted key), UNVERIFIED, UNSIGNED. */
export type InstallTrust = "VERIFIED" | "UNVERIFIED" | "UNSIGNED";

/** An install that is not VERIFIED, refused because the caller did not accept it (acceptUnverified). */
export class UnverifiedListingError extends DomainError {
  override name = "UnverifiedListingError";
  constructor(
    readonly listingId: string,
    readonly trust: Exclude<InstallTrust, "VERIFIED">,
    readonly reason: string,
  ) {
    super(`The listing's content is ${trust}: ${reason}. Install it only if you trust its source, with acceptUnverified: true${trust === "UNSIGNED" ? " (an unsigned bundle also needs the admin scope)" : ""}.`);
  }
}
