// Metadata from the files themselves: the YAML front matter of SKILL.md, command and agent
// markdown, checked against the type's rules. YAML is parsed by `yaml` (no custom tags, nothing
// executed); only the `---` fences are found here.
import { parseDocument } from "yaml";
import { ContentRuleError } from "./errors.js";

export interface FrontMatter {
  name: string;
  description: string | null;
  license: string | null;
  tools: string[] | null;
  /** Every key as written (for the manifest and clients that want more). */
  raw: Record<string, unknown>;
}

const FENCE = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
/** The Agent Skills rule for names: lower-case letters, digits and single hyphens, at most 64. */
const NAME = /^[a-z0-9](?:[a-z0-9]|-(?!-)){0,63}$/;
const NAME_RULE = "must be 1–64 lower-case letters, digits and single hyphens, not starting or ending with a hyphen";

/** The front matter's YAML as an object, or null when the text has none. */
export function splitFrontMatter(file: string, text: string): Record<string, unknown> | null {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (!body.startsWith("---")) return null;
  const m = FENCE.exec(body);
  if (!m) throw new ContentRuleError(file, "front-matter.fenced", "front matter starts with --- but has no closing --- line");
  const doc = parseDocument(m[1] ?? "", { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) throw new ContentRuleError(file, "front-matter.yaml", `front matter is not valid YAML: ${doc.errors[0]?.message.split("\n")[0] ?? "parse error"}`);
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ContentRuleError(file, "front-matter.mapping", "front matter must be a YAML mapping (key: value lines)");
  return value as Record<string, unknown>;
}

function optionalString(file: string, fm: Record<string, unknown>, key: string, max: number): string | null {
  const v = fm[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw new ContentRuleError(file, `front-matter.${key}`, `${key} must be a string`);
  if (v.length > max) throw new ContentRuleError(file, `front-matter.${key}`, `${key} must be at most ${max} characters`);
  return v.trim() || null;
}

function tools(file: string, fm: Record<string, unknown>): string[] | null {
  const v = fm["allowed-tools"] ?? fm.tools;
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v.split(/[,\s]+/).filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
  throw new ContentRuleError(file, "front-matter.allowed-tools", "allowed-tools must be a string or a list of strings");
}

function requiredName(file: string, fm: Record<string, unknown>): string {
  const v = fm.name;
  if (v === undefined || v === null || v === "") throw new ContentRuleError(file, "front-matter.name", "name is required");
  if (typeof v !== "string" || !NAME.test(v)) throw new ContentRuleError(file, "front-matter.name", `name ${NAME_RULE}`);
  return v;
}

function requiredDescription(file: string, fm: Record<string, unknown>): string {
  const d = optionalString(file, fm, "description", 1024);
  if (!d) throw new ContentRuleError(file, "front-matter.description", "description is required");
  return d;
}

/** SKILL.md: front matter with name and description required; licence and allowed-tools optional. */
export function skillFrontMatter(file: string, text: string): FrontMatter {
  const fm = splitFrontMatter(file, text);
  if (!fm) throw new ContentRuleError(file, "front-matter.present", "YAML front matter (between --- lines) is required");
  return { name: requiredName(file, fm), description: requiredDescription(file, fm), license: optionalString(file, fm, "license", 200), tools: tools(file, fm), raw: fm };
}

/** An agent's markdown: front matter with name and description required. */
export function agentFrontMatter(file: string, text: string): FrontMatter {
  const fm = splitFrontMatter(file, text);
  if (!fm) throw new ContentRuleError(file, "front-matter.present", "YAML front matter (between --- lines) is required for an agent");
  return { name: requiredName(file, fm), description: requiredDescription(file, fm), license: optionalString(file, fm, "license", 200), tools: tools(file, fm), raw: fm };
}

/** A command's markdown: front matter optional; the name is the file's name without .md. */
export function commandFrontMatter(file: string, text: string, fileName: string): FrontMatter {
  const fm = splitFrontMatter(file, text) ?? {};
  const name = typeof fm.name === "string" && fm.name ? fm.name : fileName.replace(/\.md$/i, "");
  if (!NAME.test(name)) throw new ContentRuleError(file, "front-matter.name", `the command's name "${name}" ${NAME_RULE}`);
  return { name, description: optionalString(file, fm, "description", 1024), license: optionalString(file, fm, "license", 200), tools: tools(file, fm), raw: fm };
}
