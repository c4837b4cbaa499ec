export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is asking: a token (by name) or an anonymous client. */
export interface Viewer {
  anonymous: boolean;
  tokenId: string | null;
  name: string;
  /** Effective scopes: `admin` includes `write`, and `write` includes `read`. */
  scopes: ReadonlySet<Scope>;
}

/** Expands granted scopes to the effective set (admin ⊃ write ⊃ read). */
export function effectiveScopes(granted: Iterable<Scope>): Set<Scope> {
  const set = new Set(granted);
  if (set.has("admin")) set.add("write");
  if (set.has("write")) set.add("read");
  return set;
}

export function anonymousViewer(publicRead: boolean): Viewer {
  return { anonymous: true, tokenId: null, name: "anonymous", scopes: new Set(publicRead ? ["read"] : []) };
}

export function parseScopes(text: string): Scope[] {
  const parts = text.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = parts.filter((p) => !(SCOPES as readonly string[]).includes(p));
  if (bad.length > 0) throw new Error(`scopes: unknown scope(s) ${bad.join(", ")}; use ${SCOPES.join(", ")}`);
  if (parts.length === 0) throw new Error(`scopes: at least one of ${SCOPES.join(", ")} is required`);
  return [...new Set(parts as Scope[])];
}
