// Artifact source specs as the upstream artifact manager writes them:
//   owner/repo[/path/to/dir][@version]     e.g. anthropics/skills/python@latest

export interface SourceSpec {
  owner: string;
  repo: string;
  path: string | null;
  version: string | null;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
const SEGMENT = /^[A-Za-z0-9._+-]{1,255}$/;
const VERSION = /^[A-Za-z0-9._+\-/]{1,128}$/;

export type ParseResult = { ok: true; spec: SourceSpec } | { ok: false; reason: string };

/** Parses a source spec; on failure says which part is wrong and why. */
export function parseSourceSpec(input: string): ParseResult {
  const text = input.trim();
  if (text === "") return { ok: false, reason: "must not be empty; expected owner/repo[/path][@version]" };
  const at = text.lastIndexOf("@");
  const base = at >= 0 ? text.slice(0, at) : text;
  const version = at >= 0 ? text.slice(at + 1) : null;
  if (version !== null && !VERSION.test(version)) {
    return { ok: false, reason: `version "${version}" after "@" must be 1–128 letters, digits or . _ + - /` };
  }
  const parts = base.split("/");
  if (parts.length < 2) return { ok: false, reason: `"${text}" is not owner/repo[/path][@version]` };
  const [owner = "", repo = "", ...rest] = parts;
  if (!OWNER.test(owner)) return { ok: false, reason: `owner "${owner}" must be 1–39 letters, digits or -, not starting with -` };
  if (!REPO.test(repo) || repo === "." || repo === "..") {
    return { ok: false, reason: `repo "${repo}" must be 1–100 letters, digits or . _ - (not . or ..)` };
  }
  for (const segment of rest) {
    if (segment === "" ) return { ok: false, reason: "path must not contain empty segments (//) or end with /" };
    if (segment === "." || segment === "..") return { ok: false, reason: `path must not contain "${segment}"` };
    if (!SEGMENT.test(segment)) return { ok: false, reason: `path segment "${segment}" has characters other than letters, digits or . _ + -` };
  }
  return { ok: true, spec: { owner, repo, path: rest.length > 0 ? rest.join("/") : null, version } };
}

export function formatSourceSpec(spec: SourceSpec): string {
  return `${spec.owner}/${spec.repo}${spec.path ? `/${spec.path}` : ""}${spec.version ? `@${spec.version}` : ""}`;
}
