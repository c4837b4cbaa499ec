// Whether an artifact's declared tools fit a deploy target: Claude Code's project settings
// (.claude/settings.json, .claude/settings.local.json) can deny tools in `permissions.deny`. Pure:
// the declared tools and the settings documents in, the denied declarations out.

/** The settings files whose `permissions.deny` a target's tools are checked against. */
export const PERMISSION_FILES = [".claude/settings.json", ".claude/settings.local.json"] as const;

/** The declared tools as a list of strings (the artifact's `tools` metadata); anything else is none. */
export function declaredTools(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === "string" && t.trim() !== "").map((t) => t.trim()) : [];
}

/** A permission rule's tool: "Bash(git diff:*)" → "Bash". */
const toolOf = (rule: string) => rule.replace(/\(.*$/s, "").trim();

function denyRules(settings: unknown): string[] {
  if (typeof settings !== "object" || settings === null) return [];
  const permissions = (settings as { permissions?: unknown }).permissions;
  if (typeof permissions !== "object" || permissions === null) return [];
  const deny = (permissions as { deny?: unknown }).deny;
  return Array.isArray(deny) ? deny.filter((r): r is string => typeof r === "string").map((r) => r.trim()) : [];
}

/**
 * The declared tools a target denies: a deny rule naming the whole tool ("Bash") denies every use
 * of it; a rule with a specifier ("Bash(rm:*)") denies only that exact declaration. Settings that
 * are not JSON objects deny nothing (the deploy itself does not read them).
 */
export function deniedTools(declared: readonly string[], settingsDocs: readonly unknown[]): string[] {
  const rules = new Set(settingsDocs.flatMap(denyRules));
  return declared.filter((d) => rules.has(d) || rules.has(toolOf(d)));
}

/** A settings file's text as JSON, or null when it is not JSON. */
export function parseLenient(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
