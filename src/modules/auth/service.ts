// API tokens: created with a random secret shown once; only sha256(secret) is stored.
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

export class TokenService {
  constructor(private readonly db: Db) {}

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
    return toInfo(await this.db.apiToken.update({ where: { id: row.id }, data: { revokedAt: new Date() } }));
  }

  /** The viewer for a bearer secret, or null when it is unknown or revoked. */
  async authenticate(secret: string): Promise<Viewer | null> {
    const row = await this.db.apiToken.findUnique({ where: { tokenHash: hashToken(secret) } });
    if (!row || row.revokedAt) return null;
    // lastUsedAt is advisory: record it at most once a minute per token, off the request path.
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
      void this.db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => {});
    }
    return { anonymous: false, tokenId: row.id, name: row.name, scopes: effectiveScopes(parseScopes(row.scopes)) };
  }
}

function toInfo(row: { id: string; name: string; scopes: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): TokenInfo {
  return { id: row.id, name: row.name, scopes: parseScopes(row.scopes), createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}
