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
