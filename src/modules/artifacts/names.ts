// Artifact names and keys (type:name).
import { ArtifactType } from "../../generated/prisma/enums.js";

export const ARTIFACT_TYPES = Object.values(ArtifactType);
export type ArtifactTypeName = (typeof ARTIFACT_TYPES)[number];

/** Why an artifact name is unusable, or null when it is fine. Names become folder names upstream. */
export function artifactNameProblem(name: string): string | null {
  if (name.length === 0) return "must not be empty";
  if (name.length > 128) return "must be at most 128 characters";
  if (name.trim() !== name) return "must not start or end with whitespace";
  if (name.includes("/") || name.includes("\\")) return "must not contain / or \\";
  if (name.includes("..")) return 'must not contain ".."';
  if (name.startsWith(".")) return 'must not start with "."';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return "must not contain control characters";
  return null;
}

/** `skill:pdf-processor` for (SKILL, "pdf-processor"). */
export function artifactKey(type: string, name: string): string {
  return `${type.toLowerCase()}:${name}`;
}

/** Splits a key into type and name; null when the type part is not an artifact type. */
export function parseArtifactKey(key: string): { type: ArtifactTypeName; name: string } | null {
  const i = key.indexOf(":");
  if (i <= 0 || i === key.length - 1) return null;
  const type = key.slice(0, i).toUpperCase();
  if (!(ARTIFACT_TYPES as string[]).includes(type)) return null;
  return { type: type as ArtifactTypeName, name: key.slice(i + 1) };
}
