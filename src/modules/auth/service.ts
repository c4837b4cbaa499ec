// API tokens: created with a random secret shown once; only sha256(secret) is stored.
// Every request with a token authenticates it. Where the database's change signal is exact
// (SQLite: data_version, read with each request, moves as soon as another process commits), valid
// tokens are kept in memory by hash and dropped when the signal moves, so a revoke by anyone (this
// process, another instance, the CLI) takes effect on the very next request without reading the
// token. Where it is not exact (PostgreSQL's notifications arrive just after the commit), every
// request reads its token: one indexed statement, and a revoke is never served late.
// Plain SQL (store.ts), not the model API: the CLI's token commands open the database without
// Prisma's query engine to start fast.
import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../../db/index.js";
import { isUniqueViolation } from "../../db/index.js";
import type { Prisma } from "../../generated/prisma/client.js";
import * as store from "./store.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { EventPublisher } from "../../lib/events.js";
import { parseScopes, tokenPrincipal, type Principal, type Scope } from "../../lib/principal.js";
import "./events.js";

const PREFIX = "sgt_";
const NAME = /^[A-Za-z0-9][A-Za-z0-9 _.@-]{0,63}$/;
/** The change-signal topic of the token table. */
const TOPIC = "tokens";

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

interface CachedToken {
  principal: Principal;
  id: string;
  /** When lastUsedAt was last written (ms), to write it at most once a minute. */
  lastUsedAt: number;
}

const LAST_USED_EVERY_MS = 60_000;

export class TokenService {
  private readonly valid = new Map<string, CachedToken>();
  /** The change signal when the cache was last known to be current. */
  private seen: number | null | undefined;
  /** Bumped by every revoke in this process, so a lookup that raced it is not cached. */
  private generation = 0;
  private readonly revokedListeners = new Set<(tokenId: string) => void>();

  /** `events`: where a revoke is announced, so every instance ends the token's open subscriptions. */
  constructor(
    private readonly db: Database,
    private readonly events?: EventPublisher,
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
    try {
      const row = await store.insert(this.db.sql, { name, tokenHash: hashToken(secret), scopes: list.join(",") });
      return { token: toInfo(row), secret };
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("Token", "name", name);
      throw err;
    }
  }

  /** Every token, oldest first (never the hashes). */
  async list(): Promise<TokenInfo[]> {
    return (await store.all(this.db.sql)).map(toInfo);
  }

  /** A page of tokens for the admin API; `query` is the GraphQL layer's selection (never the hash). */
  page<Q extends Omit<Prisma.ApiTokenFindManyArgs, "where" | "orderBy">>(query: Q) {
    return this.db.prisma.apiToken.findMany({ ...query, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  }

  /** How many tokens exist (revoked ones included, as `page` lists them). */
  count(): Promise<number> {
    return this.db.prisma.apiToken.count();
  }

  /** A token's row without its hash (what the API shows). */
  async get(id: string): Promise<store.PublicToken> {
    const row = await store.byNameOrId(this.db.sql, id);
    if (!row || row.id !== id) throw new NotFoundError("Token", id);
    return row;
  }

  /** Revokes by name or id. Revoking twice is harmless. */
  async revoke(nameOrId: string): Promise<TokenInfo> {
    const row = await store.byNameOrId(this.db.sql, nameOrId);
    if (!row) throw new NotFoundError("Token", nameOrId);
    if (row.revokedAt) return toInfo(row);
    try {
      const revokedAt = new Date();
      await this.db.transaction(async (tx) => {
        await store.revoke(tx.sql, row.id, revokedAt);
        await this.db.changes.announce(tx.sql, TOPIC);
      });
      for (const l of this.revokedListeners) l(row.id);
      this.events?.publish("auth:token-revoked", { tokenId: row.id, at: revokedAt.toISOString() });
      return toInfo({ ...row, revokedAt });
    } finally {
      this.forget();
    }
  }

  /** Called after a revoke in this process (open subscriptions of the token end). */
  onRevoked(listener: (tokenId: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** Which of these token ids are revoked (or gone): one statement, for watchers of open subscriptions. */
  async revokedAmong(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const live = new Set(await store.liveAmong(this.db.sql, ids));
    return ids.filter((id) => !live.has(id));
  }

  /** Drops every remembered token, so the next request of each reads its row again. */
  private forget(): void {
    this.valid.clear();
    this.generation++;
  }

  /** The principal of a bearer secret, or null when it is unknown or revoked. */
  async authenticate(secret: string): Promise<Principal | null> {
    const hash = hashToken(secret);
    const version = this.db.changes.exact ? await this.db.changes.version(TOPIC) : null;
    if (version !== null) {
      if (version !== this.seen) {
        this.forget();
        this.seen = version;
      }
      const hit = this.valid.get(hash);
      if (hit) {
        this.touch(hit);
        return hit.principal;
      }
    }
    const generation = this.generation;
    const seen = this.seen;
    const row = await store.byHash(this.db.sql, hash);
    if (!row || row.revokedAt) return null;
    const principal = tokenPrincipal({ id: row.id, name: row.name, scopes: parseScopes(row.scopes) });
    const entry: CachedToken = { principal, id: row.id, lastUsedAt: row.lastUsedAt?.getTime() ?? 0 };
    // Remembered only when nothing was revoked here and no other change was seen while it was read.
    if (version !== null && generation === this.generation && seen === this.seen) this.valid.set(hash, entry);
    this.touch(entry);
    return principal;
  }

  /** lastUsedAt is advisory: recorded at most once a minute per token, off the request path. */
  private touch(entry: CachedToken): void {
    const now = Date.now();
    if (now - entry.lastUsedAt <= LAST_USED_EVERY_MS) return;
    entry.lastUsedAt = now;
    void store.touch(this.db.sql, entry.id, new Date(now)).catch(() => {});
  }
}

function toInfo(row: store.PublicToken): TokenInfo {
  return { id: row.id, name: row.name, scopes: parseScopes(row.scopes), createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, revokedAt: row.revokedAt };
}
