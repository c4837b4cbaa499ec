// Hooks merged into .claude/settings.json's `hooks` section and taken out again. Pure: JSON in,
// JSON out. Claude Code's shape: { hooks: { <Event>: [ { matcher?, hooks: [ { type, command } ] } ] } }.
// A hook artifact holds one JSON file with that `hooks` object (hooks.json, or the only .json file).
import { isDeepStrictEqual } from "node:util";
import { ProjectPathError } from "./errors.js";

export type HookEntries = Record<string, unknown[]>;
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The hooks a hook artifact declares, checked for shape. */
export function hooksOf(file: string, text: string): HookEntries {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ProjectPathError(file, "hooks.json", "is not valid JSON");
  }
  const hooks = isObject(doc) && isObject(doc.hooks) ? doc.hooks : doc;
  if (!isObject(hooks)) throw new ProjectPathError(file, "hooks.shape", "must be an object of event name → matcher groups");
  const out: HookEntries = {};
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups) || !groups.every((g) => isObject(g) && Array.isArray(g.hooks))) {
      throw new ProjectPathError(file, "hooks.shape", `hooks.${event} must be an array of { matcher?, hooks: [...] }`);
    }
    out[event] = groups;
  }
  return out;
}

/** The settings document with `entries` added (a group already present is not added twice). */
export function mergeHooks(settings: Json, entries: HookEntries): Json {
  const hooks: Record<string, unknown> = isObject(settings.hooks) ? { ...settings.hooks } : {};
  for (const [event, groups] of Object.entries(entries)) {
    const have = Array.isArray(hooks[event]) ? [...(hooks[event] as unknown[])] : [];
    for (const g of groups) if (!have.some((h) => isDeepStrictEqual(h, g))) have.push(g);
    hooks[event] = have;
  }
  return { ...settings, hooks };
}

/** The settings document without `entries`; events and the section left empty by it are removed. */
export function removeHooks(settings: Json, entries: HookEntries, keepEmptySection: boolean): Json {
  if (!isObject(settings.hooks)) return settings;
  const hooks: Record<string, unknown> = { ...settings.hooks };
  for (const [event, groups] of Object.entries(entries)) {
    if (!Array.isArray(hooks[event])) continue;
    const left = (hooks[event] as unknown[]).filter((h) => !groups.some((g) => isDeepStrictEqual(h, g)));
    if (left.length) hooks[event] = left;
    else delete hooks[event];
  }
  const out = { ...settings, hooks };
  if (Object.keys(hooks).length === 0 && !keepEmptySection) delete (out as Json).hooks;
  return out;
}

/** How many of `entries`' groups the settings still hold, of how many. */
export function hooksPresent(settings: Json, entries: HookEntries): { present: number; total: number; exact: boolean } {
  const hooks = isObject(settings.hooks) ? settings.hooks : {};
  let present = 0;
  let total = 0;
  for (const [event, groups] of Object.entries(entries)) {
    const have = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    for (const g of groups) {
      total++;
      if (have.some((h) => isDeepStrictEqual(h, g))) present++;
    }
  }
  return { present, total, exact: present === total };
}

export function parseSettings(path: string, text: string | null): Json {
  if (text === null || text.trim() === "") return {};
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ProjectPathError(path, "settings.json", "is not valid JSON; it was left unchanged");
  }
  if (!isObject(doc)) throw new ProjectPathError(path, "settings.json", "must hold a JSON object; it was left unchanged");
  return doc;
}
