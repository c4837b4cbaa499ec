// Share links (the ShareLink table): a random token (node:crypto, 256 bits) for one bundle file,
// stored only as its SHA-256, with an expiry and an optional download limit. GET /share/<token>
// (share-route.ts) streams the file; each download is counted in the same statement that checks
// the link still serves, so concurrent downloads never exceed the limit.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Database } from "../../db/index.js";
import type { Prisma, ShareLink } from "../../generated/prisma/client.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { Principal } from "../../lib/principal.js";
import type { SharingConfig } from "./config.js";
import { ShareLinkRefusedError } from "./errors.js";

export const SHARE_PATH = "/share/";
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const MAX_EXPIRY_S = 365 * 24 * 3600;

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** A share URL with its token masked, for messages and logs (the token is a secret). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.search = "";
    u.hash = "";
    u.username = "";
    u.password = "";
    const i = u.pathname.indexOf(SHARE_PATH);
    if (i >= 0) u.pathname = `${u.pathname.slice(0, i + SHARE_PATH.length)}…`;
    return u.toString();
  } catch {
    return "(not a URL)";
  }
}

export interface CreateShareLinkInput {
  /** The bundle file's name in the bundles folder. */
  file: string;
  /** Seconds until the link expires (1 s to a year). */
  expiresIn: number;
  /** Downloads it serves at most; null: no limit. */
  maxDownloads?: number | null;
}

export interface CreatedShareLink {
  link: ShareLink;
  /** Shown once: only its hash is stored. */
  token: string;
  url: string;
}

export interface ShareDownload {
  link: ShareLink;
  size: number;
  stream: Readable;
}

type Page = Omit<Prisma.ShareLinkFindManyArgs, "where" | "orderBy">;

export class ShareLinks {
  constructor(
    private readonly db: Database,
    private readonly config: SharingConfig,
    /** The bundle file's bytes (checks the name: a file in the bundles folder, never a path). */
    private readonly readBundle: (file: string) => Promise<Buffer>,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The base URL links start with: one given explicitly (the CLI's --base-url), SKILLGRAPH_PUBLIC_URL, else the caller's (the request's origin). */
  baseUrl(requestOrigin: string | null, explicit: string | null = null): string {
    if (explicit !== null && !/^https?:\/\/[^/\s]+/i.test(explicit)) throw new InvalidInputError("baseUrl", "must be an absolute http(s) URL");
    const base = explicit ?? this.config.publicUrl ?? requestOrigin;
    if (!base) throw new InvalidInputError("publicUrl", "no public URL is known: set SKILLGRAPH_PUBLIC_URL (or give --base-url)");
    return base.replace(/\/+$/, "");
  }

  /** Makes a link to a bundle file; the token is returned once, in the URL. */
  async create(principal: Principal, input: CreateShareLinkInput, requestOrigin: string | null, explicitBase: string | null = null): Promise<CreatedShareLink> {
    if (!Number.isInteger(input.expiresIn) || input.expiresIn < 1 || input.expiresIn > MAX_EXPIRY_S) throw new InvalidInputError("expiresIn", `must be a whole number of seconds from 1 to ${MAX_EXPIRY_S} (a year)`);
    if (input.maxDownloads !== null && input.maxDownloads !== undefined && (!Number.isInteger(input.maxDownloads) || input.maxDownloads < 1 || input.maxDownloads > 1_000_000)) {
      throw new InvalidInputError("maxDownloads", "must be a whole number from 1 to 1000000, or null for no limit");
    }
    const base = this.baseUrl(requestOrigin, explicitBase);
    const bytes = await this.readBundle(input.file);
    const token = randomBytes(32).toString("base64url");
    const link = await this.db.prisma.shareLink.create({
      data: {
        tokenHash: hashToken(token),
        file: input.file,
        size: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        expiresAt: new Date(this.now().getTime() + input.expiresIn * 1000),
        maxDownloads: input.maxDownloads ?? null,
        createdBy: principal.name,
      },
    });
    this.logger.info("share link created", { id: link.id, file: link.file, expiresAt: link.expiresAt.toISOString(), maxDownloads: link.maxDownloads });
    return { link, token, url: `${base}${SHARE_PATH}${token}` };
  }

  /** Revokes a link (it serves nothing more); revoking twice keeps the first time. */
  async revoke(id: string): Promise<ShareLink> {
    const row = await this.db.prisma.shareLink.findUnique({ where: { id } });
    if (!row) throw new NotFoundError("ShareLink", id);
    if (row.revokedAt) return row;
    const saved = await this.db.prisma.shareLink.update({ where: { id }, data: { revokedAt: this.now() } });
    this.logger.info("share link revoked", { id });
    return saved;
  }

  /** A page of links, newest first; `query` is the GraphQL layer's selection and paging. */
  list<Q extends Page>(query: Q = {} as Q) {
    return this.db.prisma.shareLink.findMany({ ...query, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  }

  count(): Promise<number> {
    return this.db.prisma.shareLink.count();
  }

  /**
   * One download: checks the link (known, unrevoked, unexpired, downloads left, the file unchanged),
   * counts it, and opens the file. Refusals say which check failed.
   */
  async download(token: string): Promise<ShareDownload> {
    const found = TOKEN.test(token) ? await this.db.prisma.shareLink.findUnique({ where: { tokenHash: hashToken(token) } }) : null;
    if (!found) throw new ShareLinkRefusedError("NOT_FOUND", "no share link has this token");
    const now = this.now();
    const refusal = this.refusal(found, now);
    if (refusal) throw refusal;
    const path = join(this.config.bundlesDir, found.file);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || info.size !== found.size) throw new ShareLinkRefusedError("BUNDLE_CHANGED", "the bundle file was removed or replaced since the link was made");
    // The count and the checks in one statement: two downloads racing for the last one get one.
    const limit: Prisma.ShareLinkWhereInput = found.maxDownloads === null ? {} : { downloads: { lt: found.maxDownloads } };
    const counted = await this.db.prisma.shareLink.updateMany({
      where: { id: found.id, revokedAt: null, expiresAt: { gt: now }, ...limit },
      data: { downloads: { increment: 1 }, lastDownloadAt: now },
    });
    if (counted.count !== 1) {
      const again = await this.db.prisma.shareLink.findUnique({ where: { id: found.id } });
      throw (again && this.refusal(again, now)) ?? new ShareLinkRefusedError("EXHAUSTED", "the link has no downloads left");
    }
    return { link: { ...found, downloads: found.downloads + 1, lastDownloadAt: now }, size: info.size, stream: createReadStream(path) };
  }

  private refusal(link: ShareLink, now: Date): ShareLinkRefusedError | null {
    if (link.revokedAt) return new ShareLinkRefusedError("REVOKED", `the link was revoked at ${link.revokedAt.toISOString()}`);
    if (link.expiresAt.getTime() <= now.getTime()) return new ShareLinkRefusedError("EXPIRED", `the link expired at ${link.expiresAt.toISOString()}`);
    if (link.maxDownloads !== null && link.downloads >= link.maxDownloads) return new ShareLinkRefusedError("EXHAUSTED", `the link's ${link.maxDownloads} download(s) are used up`);
    return null;
  }
}
