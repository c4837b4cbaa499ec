// The content module's expected failures. No GraphQL here: the CLI and job handlers use them too.
import { DomainError } from "../../lib/errors.js";

/**
 * A file of an import (or a collection folder) breaks a rule: front matter missing or invalid, a
 * symlink, a path escaping its root, a file over the limits. `file` is the path relative to the
 * imported root ("." for the root itself); `rule` names the rule (e.g. "front-matter.name").
 */
export class ContentRuleError extends DomainError {
  override name = "ContentRuleError";
  constructor(
    readonly file: string,
    readonly rule: string,
    detail: string,
  ) {
    super(`${file}: ${detail} (rule: ${rule})`);
  }
}
