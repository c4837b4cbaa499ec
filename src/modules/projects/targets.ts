// Where Claude Code reads each artifact type: the deploy targets, relative to the project folder.
// Pure: names and paths in, paths out.
import { safeRelative } from "../content/index.js";
import { ProjectPathError } from "./errors.js";

export type DeployableType = "SKILL" | "COMMAND" | "AGENT" | "HOOK";

/** The one settings file hooks are merged into. */
export const SETTINGS_FILE = ".claude/settings.json";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isDeployable(type: string): type is DeployableType {
  return type === "SKILL" || type === "COMMAND" || type === "AGENT" || type === "HOOK";
}

/**
 * The project-relative path of each of an artifact's files: skills to .claude/skills/<name>/…,
 * commands to .claude/commands/<name>.md, agents to .claude/agents/<name>.md (their one markdown file).
 */
export function targetOf(type: Exclude<DeployableType, "HOOK">, name: string, files: readonly string[]): Map<string, string> {
  if (!NAME.test(name) || name.includes("..")) throw new ProjectPathError(name, "deploy.name", "an artifact's name must be letters, digits, ., _ and - to be deployed");
  const out = new Map<string, string>();
  if (type === "SKILL") {
    for (const f of files) {
      if (!safeRelative(f)) throw new ProjectPathError(f, "path.inside-root", "escapes its root");
      out.set(f, `.claude/skills/${name}/${f}`);
    }
    return out;
  }
  const md = files.filter((f) => /\.md$/i.test(f));
  if (md.length !== 1 || !md[0]) throw new ProjectPathError(name, "deploy.markdown", `a ${type.toLowerCase()} deploys one markdown file; it has ${md.length}`);
  out.set(md[0], `.claude/${type === "COMMAND" ? "commands" : "agents"}/${name}.md`);
  return out;
}
