// Secret environment values at rest: AES-256-GCM (node:crypto) with a random 96-bit IV per value
// and the row's identity (server id + variable name) as additional data, so a ciphertext cannot
// be moved to another row. The key comes from SKILLGRAPH_SECRET_KEY; on SQLite with no key one
// is generated once into a 0600 file beside the database.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Config } from "../../config.js";
import { sqlitePath } from "../../db/sqlite-path.js";
import type { Logger } from "../../lib/logger.js";
import { parseSecretKey } from "./config.js";
import { SecretKeyError } from "./errors.js";

const VERSION = "v1";
const b64 = (b: Buffer) => b.toString("base64url");

export class SecretBox {
  /** First 8 hex digits of SHA-256(key): says which key sealed a value, never the key. */
  readonly keyId: string;
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new SecretKeyError("the secret key must be 32 bytes");
    this.keyId = createHash("sha256").update(key).digest("hex").slice(0, 8);
  }

  seal(plain: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return [VERSION, this.keyId, b64(iv), b64(cipher.getAuthTag()), b64(data)].join(".");
  }

  open(sealed: string, aad: string): string {
    const [version, keyId, iv, tag, data] = sealed.split(".");
    if (version !== VERSION || iv === undefined || tag === undefined || data === undefined) {
      throw new SecretKeyError("a stored secret has an unknown format");
    }
    if (keyId !== this.keyId) {
      throw new SecretKeyError(`a stored secret was sealed with another key (key id ${keyId ?? "?"}, configured ${this.keyId}); restore that SKILLGRAPH_SECRET_KEY or set the value again`);
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(aad, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretKeyError("a stored secret failed authentication (tampered, or moved between rows)");
    }
  }
}

/** Where the generated key lives in embedded mode: beside the SQLite database. */
export function keyFilePath(databaseUrl: string): string {
  return join(dirname(sqlitePath(databaseUrl)), "skillgraph-secret.key");
}

/**
 * The configured key; else, on SQLite, the key file beside the database (created 0600 on first
 * use); else null (PostgreSQL with no key: secrets cannot be stored, and say so).
 */
export function loadSecretBox(config: Config, logger: Logger): SecretBox | null {
  if (config.mcp.secretKey) return new SecretBox(config.mcp.secretKey);
  if (config.provider !== "sqlite") return null;
  const path = keyFilePath(config.databaseUrl);
  mkdirSync(dirname(path), { recursive: true });
  try {
    // wx: create only if absent, so two processes never write different keys.
    const fd = openSync(path, "wx", 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString("base64")}\n`);
    } finally {
      closeSync(fd);
    }
    logger.warn("generated a secret key for MCP environment values; back it up or set SKILLGRAPH_SECRET_KEY", { keyFile: path });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const key = parseSecretKey(readFileSync(path, "utf8"));
  if (!key) throw new SecretKeyError(`the key file ${path} does not hold a 32-byte key`);
  return new SecretBox(key);
}

/** A secret and the forms a program may print it in: base64 (padded or not), base64url, hex, URL-encoded. */
/**
 * The secret box, loaded on first use (the key file is read once); throws SecretKeyError when no
 * key is configured (PostgreSQL without SKILLGRAPH_SECRET_KEY).
 */
export function requireSecretBox(config: Config, logger: Logger): () => SecretBox {
  let box: SecretBox | null | undefined;
  return () => {
    box ??= loadSecretBox(config, logger);
    if (!box) throw new SecretKeyError("SKILLGRAPH_SECRET_KEY is not configured (it is required with PostgreSQL)");
    return box;
  };
}

export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const b64 = bytes.toString("base64");
  const forms = [secret, b64, b64.replace(/=+$/, ""), bytes.toString("base64url"), bytes.toString("hex"), bytes.toString("hex").toUpperCase(), encodeURIComponent(secret)];
  return [...new Set(forms.filter((f) => f.length > 0))];
}

/**
 * Replaces every occurrence of each secret, in any of its printed forms, with ****. Short secrets
 * too: a 3-character secret is masked wherever those characters appear (it garbles the text, which
 * only admins see, rather than show the secret).
 */
export function redact(text: string, secrets: Iterable<string>): string {
  const forms = [...new Set([...secrets].flatMap(secretForms))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const f of forms) out = out.split(f).join("****");
  return out;
}
