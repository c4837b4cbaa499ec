// Who acts: one type from the transport (a token, or anonymous), the CLI (the OS user) or the
// platform itself (schedulers, job kinds), into services, the audit log and job records.

export const SCOPES = ["read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

export type PrincipalKind = "token" | "cli" | "system" | "anonymous";

export interface Principal {
  kind: PrincipalKind;
  /** Stable within its kind: the token's id, the OS user name, "system", "anonymous". */
  id: string;
  /** For people: the token's name, `cli:<user>`, "system", "anonymous". Recorded as who did it. */
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

/** Parses "read,write"; throws naming the unknown scopes. */
export function parseScopes(text: string): Scope[] {
  const parts = text.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = parts.filter((p) => !(SCOPES as readonly string[]).includes(p));
  if (bad.length > 0) throw new Error(`scopes: unknown scope(s) ${bad.join(", ")}; use ${SCOPES.join(", ")}`);
  if (parts.length === 0) throw new Error(`scopes: at least one of ${SCOPES.join(", ")} is required`);
  return [...new Set(parts as Scope[])];
}

export function tokenPrincipal(token: { id: string; name: string; scopes: Iterable<Scope> }): Principal {
  return Object.freeze({ kind: "token", id: token.id, name: token.name, scopes: effectiveScopes(token.scopes) });
}

/** A request without a token: `read` when public read is on, nothing otherwise. */
export function anonymousPrincipal(publicRead: boolean): Principal {
  return Object.freeze({ kind: "anonymous", id: "anonymous", name: "anonymous", scopes: new Set<Scope>(publicRead ? ["read"] : []) });
}

/** The person at a terminal: every scope (they hold the database), named after the OS user. */
export function cliPrincipal(user: string): Principal {
  return Object.freeze({ kind: "cli", id: user, name: `cli:${user}`, scopes: effectiveScopes(["admin"]) });
}

/** The platform itself: schedulers and the jobs they start. */
export const SYSTEM: Principal = Object.freeze({ kind: "system", id: "system", name: "system", scopes: effectiveScopes(["admin"]) });

/** "token:<id>", "cli:<user>", "system": one key per actor (a rater, a job's owner). */
export function principalRef(p: Principal): string {
  return p.kind === "system" ? "system" : `${p.kind}:${p.id}`;
}

export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes.has(scope);
}
