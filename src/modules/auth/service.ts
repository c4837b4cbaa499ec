// API tokens: created with a random secret shown once; only sha256(secret) is stored.
// Every request with a token authenticates it, so valid tokens are kept in memory (by hash) while
// the database says nothing could have changed them: revoke() in this process drops them at once,
// and a commit by any other connection (another instance, the CLI) is seen by the next request
// through a change counter (SQLite's PRAGMA data_version, which costs no table read). Without such
// a counter (PostgreSQL) every request reads its token.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../../db/client.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { effectiveScopes, parseScopes, type Scope, type Viewer } from "./viewer.js";

const PREFIX = "sgt_";
const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.@-]{0,63}$/;

export function hashToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export interface TokenInfo {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/**
 * A number that changes whenever another connection may have changed the database (never for
 * this process's own writes); null when there is no such signal, and then nothing is cached.
 */
export type ChangeCounter = () => number | null;

interface CachedToken {
  viewer: Viewer;
  id: string;
  /** When lastUsedAt was last written (ms), to write it at most once a minute. */
  lastUsedAt: number;
}

const LAST_USED_EVERY_MS = 60_000;

export class TokenService {
  private readonly valid = new Map<string, CachedToken>();
  /** The change counter when the cache was last known to be current. */
  private seen: number | undefined;
  /** Bumped by every revoke in this process, so a lookup that raced it is not cached. */
  private generation = 0;

  constructor(
    private readonly db: Db,
    private readonly changes: ChangeCounter = () => null,
  ) {}

  /** Creates a token; the returned secret is never stored and cannot be shown again. */
  async create(name: string, scopes: Scope[] | string): Promise<{ token: TokenInfo; secret: string }> {
    if (!NAME.test(name)) {
      throw new InvalidInputError("name", "must be 1–64 characters: letters, digits, space, _ . @ -, starting with a letter or digit");
    }
    let list: Scope[];
    try {
      list = typeof scopes === "string" ? parseScopes(scopes) : parseScopes(scopes.join(","));
    } catch (err) {
      throw new InvalidInputError("scopes", (err as Error).message.replace(/^scopes: /, ""));
    }
    const secret = PREFIX + randomBytes(32).toString("base64url");
    const existing = await this.db.apiToken.findUnique({ where: { name } });
    if (existing) throw new AlreadyExistsError("Token", "name", name);
    const row = await this.db.apiToken.create({ data: { name, tokenHash: hashToken(secret), scopes: list.join(",") } });
    return { token: toInfo(row), secret };
  }

  async list(): Promise<TokenInfo[]> {
    return (await this.db.apiToken.findMany({ orderBy: { createdAt: "asc" } })).map(toInfo);
  }

  /** Revokes by name or id. Revoking twice is harmless. */
  async revoke(nameOrId: string): Promise<TokenInfo> {
    const row = await this.db.apiToken.findFirst({ where: { OR: [{ name: nameOrId }, { id: nameOrId }] } });
    if (!row) throw new NotFoundError("Token", nameOrId);
    if (row.revokedAt) return toInfo(row);
    try {
      return toInfo(await this.db.apiToken.update({ where: { id: row.id }, data: { revokedAt: new Date() } }));
    } finally {
      this.forget();
    }
  }

  /** Drops every remembered token, so the next request of each reads its row again. */
  private forget(): void {
    this.valid.clear();
    this.generation++;
  }

  /** The viewer for a bearer secret, or null when it is unknown or revoked. */
  async authenticate(secret: string): Promise<Viewer | null> {
    const hash = hashToken(secret);
    const counter = this.changes();
    if (counter !== null) {
      if (counter !== this.seen) {
        this.forget();
        this.seen = counter;
      }
      const hit = this.valid.get(hash);
      if (hit) {
        this.touch(hit);
        return hit.viewer;
      }
    }
    const generation = this.generation;
    const seen = this.seen;
    const row = await this.db.apiToken.findUnique({ where: { tokenHash: hash } });
    if (!row || row.revokedAt) return null;
    const viewer: Viewer = Object.freeze({ anonymous: false, tokenId: row.id, name: row.name, scopes: effectiveScopes(parseScopes(row.scopes)) });
    const entry: CachedToken = { viewer, id: row.id, lastUsedAt: row.lastUsedAt?.getTime() ?? 0 };
    // Remembered only when nothing was revoked here and no other commit was seen while it was read.
    if (counter !== null && generation === this.generation && seen === this.seen) this.valid.set(hash, entry);
    this.touch(entry);
    return viewer;
  }

  /** lastUsedAt is advisory: recorded at most once a minute per token, off the request path. */
  private touch(entry: CachedToken): void {
    const now = Date.now();
    if (now - entry.lastUsedAt <= LAST_USED_EVERY_MS) return;
    entry.lastUsedAt = now;
    void this.db.apiToken.update({ where: { id: entry.id }, data: { lastUsedAt: new Date(now) } }).catch(() => {});
  }
}

function toInfo(row: { id: string; name: string; scopes: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): TokenInfo {
  return { id: row.id, name: row.name, scopes: parseScopes(row.scopes), createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}
