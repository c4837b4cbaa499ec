// Ed25519 keys (node:crypto): this instance's signing keys, generated on first use, the private
// key sealed at rest with the MCP secret box (AES-256-GCM, the row id as additional data) and never
// returned or logged; and the public keys this instance trusts.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import type { Config } from "../../config.js";
import type { Database } from "../../db/index.js";
import type { SigningKey, TrustedKey } from "../../generated/prisma/client.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { Principal } from "../../lib/principal.js";
import { requireSecretBox, type SecretBox } from "../mcp/index.js";

export type SigningKeyView = Omit<SigningKey, "sealedPrivateKey">;

export interface SignerStanding {
  status: "OWN" | "TRUSTED" | "REVOKED" | "UNKNOWN";
  publicKey: string | null;
  name: string | null;
}

/** A signer's standing by fingerprint. */
export type Standing = (fingerprint: string) => Promise<SignerStanding>;

/** SHA-256 of the raw 32-byte public key, hex. */
export function fingerprintOf(rawPublicKey: Buffer): string {
  return createHash("sha256").update(rawPublicKey).digest("hex");
}

/** A raw Ed25519 public key (base64) as a KeyObject; null when it is not one. */
export function publicKeyFrom(base64: string): KeyObject | null {
  const raw = Buffer.from(base64, "base64");
  if (raw.length !== 32 || raw.toString("base64") !== base64.trim()) return null;
  try {
    return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") }, format: "jwk" });
  } catch {
    return null;
  }
}

export function verifySignature(publicKeyBase64: string, data: Buffer, signatureBase64: string): boolean {
  const key = publicKeyFrom(publicKeyBase64);
  if (!key) return false;
  const sig = Buffer.from(signatureBase64, "base64");
  if (sig.length !== 64) return false;
  return verify(null, data, key, sig);
}

const view = ({ sealedPrivateKey: _sealed, ...rest }: SigningKey): SigningKeyView => rest;
const aadOf = (id: string) => `signing-key\u0000${id}`;

export class SharingKeys {
  private creating: Promise<SigningKey> | null = null;

  constructor(
    private readonly db: Database,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    this.secretBox = requireSecretBox(config, logger);
  }

  private readonly secretBox: () => SecretBox;


  /** Every signing key, newest first (public parts only). */
  async list(): Promise<SigningKeyView[]> {
    const rows = await this.db.prisma.signingKey.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    return rows.map(view);
  }

  /** The key that signs now: the newest unretired one, generated on first use. */
  private async active(): Promise<SigningKey> {
    const row = await this.db.prisma.signingKey.findFirst({ where: { retiredAt: null }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    if (row) return row;
    this.creating ??= this.create().finally(() => (this.creating = null));
    return this.creating;
  }

  private async create(retireOthers = false): Promise<SigningKey> {
    const box = this.secretBox();
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const raw = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
    const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    return this.db.transaction(async ({ prisma: tx }) => {
      if (retireOthers) await tx.signingKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: new Date() } });
      const row = await tx.signingKey.create({ data: { publicKey: raw.toString("base64"), fingerprint: fingerprintOf(raw), sealedPrivateKey: "pending" } });
      return tx.signingKey.update({ where: { id: row.id }, data: { sealedPrivateKey: box.seal(pkcs8, aadOf(row.id)) } });
    });
  }

  /** The active key's public parts (generating it on first use). */
  async current(): Promise<SigningKeyView> {
    return view(await this.active());
  }

  /** Admin: a new signing key; the old ones are retired (they sign nothing more, their public keys stay listed). */
  async rotate(): Promise<SigningKeyView> {
    const row = await this.create(true);
    this.logger.info("rotated the bundle signing key", { fingerprint: row.fingerprint });
    return view(row);
  }

  /** Signs data with the active key. */
  async sign(data: Buffer): Promise<{ fingerprint: string; publicKey: string; signature: string }> {
    const key = await this.active();
    const pkcs8 = this.secretBox().open(key.sealedPrivateKey, aadOf(key.id));
    const priv = createPrivateKey({ key: Buffer.from(pkcs8, "base64"), format: "der", type: "pkcs8" });
    return { fingerprint: key.fingerprint, publicKey: key.publicKey, signature: sign(null, data, priv).toString("base64") };
  }

  async trusted(): Promise<TrustedKey[]> {
    return this.db.prisma.trustedKey.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  }

  /** Admin: trusts a public key (raw Ed25519, base64); trusting a revoked key again restores it. */
  async trust(publicKey: string, name: string, by: Principal): Promise<TrustedKey> {
    const trimmedName = name.trim();
    if (trimmedName === "" || trimmedName.length > 200) throw new InvalidInputError("name", "must be 1 to 200 characters");
    const key = publicKey.trim();
    if (!publicKeyFrom(key)) throw new InvalidInputError("publicKey", "must be a raw 32-byte Ed25519 public key in base64 (as signingKeys shows it)");
    const fingerprint = fingerprintOf(Buffer.from(key, "base64"));
    return this.db.prisma.trustedKey.upsert({
      where: { fingerprint },
      create: { name: trimmedName, publicKey: key, fingerprint, createdBy: by.name },
      update: { name: trimmedName, revokedAt: null },
    });
  }

  /** Admin: revokes a trusted key: bundles it signed are refused from now on. */
  async revoke(id: string): Promise<TrustedKey> {
    const row = await this.db.prisma.trustedKey.findUnique({ where: { id } });
    if (!row) throw new NotFoundError("TrustedKey", id);
    if (row.revokedAt) return row;
    return this.db.prisma.trustedKey.update({ where: { id }, data: { revokedAt: new Date() } });
  }

  /** Every key's standing, read with two statements: for checking many bundles at once (a vault's listing). */
  async ring(): Promise<Standing> {
    const [own, trusted] = await Promise.all([this.db.prisma.signingKey.findMany({ select: { fingerprint: true, publicKey: true } }), this.db.prisma.trustedKey.findMany()]);
    const byFingerprint = new Map<string, SignerStanding>(trusted.map((t) => [t.fingerprint, { status: t.revokedAt ? "REVOKED" : "TRUSTED", publicKey: t.publicKey, name: t.name }]));
    for (const k of own) byFingerprint.set(k.fingerprint, { status: "OWN", publicKey: k.publicKey, name: "this instance" });
    return async (fingerprint) => byFingerprint.get(fingerprint) ?? { status: "UNKNOWN", publicKey: null, name: null };
  }

  /** How a signer stands: this instance's own key, trusted, revoked, or unknown. */
  async standing(fingerprint: string): Promise<SignerStanding> {
    const own = await this.db.prisma.signingKey.findUnique({ where: { fingerprint } });
    if (own) return { status: "OWN", publicKey: own.publicKey, name: "this instance" };
    const trusted = await this.db.prisma.trustedKey.findUnique({ where: { fingerprint } });
    if (!trusted) return { status: "UNKNOWN", publicKey: null, name: null };
    return { status: trusted.revokedAt ? "REVOKED" : "TRUSTED", publicKey: trusted.publicKey, name: trusted.name };
  }
}
