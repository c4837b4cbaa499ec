// Artifacts to rate, made through the artifacts service (the API path is covered by its own tests).
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { TestApp } from "../helpers/app.js";

export interface Made {
  id: string;
  gid: string;
  key: string;
}

export async function makeArtifact(
  t: TestApp,
  name: string,
  origin: "LOCAL" | "GITHUB" | "MARKETPLACE" = "LOCAL",
  source?: string,
): Promise<Made> {
  const a = await t.app.services.artifacts.add({ type: "SKILL", name, origin, source: source ?? null });
  return { id: a.id, gid: encodeGlobalID("Artifact", a.id), key: `skill:${name}` };
}

/** A second token with the write scope, for "someone else's rating". */
export async function otherWriter(t: TestApp, name = "other-writer"): Promise<string> {
  return (await t.app.services.tokens.create(name, ["write"])).secret;
}
