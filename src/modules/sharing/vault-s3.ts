// An S3 vault: bundles are objects <prefix><name>/<version>.skillmeat-pack in a bucket of any
// S3-compatible service (AWS, MinIO, …) through the AWS SDK v3 client. The access key pair is only
// held in memory for the client; errors are reported with both redacted.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { redact } from "../mcp/index.js";
import { parseVaultKey, vaultKey, VaultError, type VaultEntry, type VaultStore } from "./vault-store.js";

export interface S3VaultConfig {
  endpoint: string | null;
  region: string;
  bucket: string;
  /** "" or ending in "/". */
  prefix: string;
  forcePathStyle: boolean;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export class S3VaultStore implements VaultStore {
  private readonly client: S3Client;

  constructor(
    private readonly vault: string,
    private readonly config: S3VaultConfig,
    private readonly credentials: S3Credentials | null,
    private readonly maxBytes: number,
  ) {
    this.client = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      forcePathStyle: config.forcePathStyle,
      ...(credentials ? { credentials } : {}),
      // Checksums only where the API requires them: S3-compatible servers differ in what they accept.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 2,
    });
  }

  /** A VaultError for a failed call, without the credentials in any form. */
  private failed(action: string, err: unknown): VaultError {
    const text = err instanceof S3ServiceException ? `${err.name}${err.message && err.message !== err.name ? `: ${err.message}` : ""}` : err instanceof Error ? err.message : String(err);
    const secrets = this.credentials ? [this.credentials.accessKeyId, this.credentials.secretAccessKey] : [];
    return new VaultError(this.vault, `${action} failed: ${redact(text, secrets)}`);
  }

  private key(name: string, version: string): string {
    return `${this.config.prefix}${vaultKey(name, version)}`;
  }

  async put(name: string, version: string, bytes: Buffer): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.config.bucket, Key: this.key(name, version), Body: bytes, ContentType: "application/x-tar", ContentLength: bytes.length }));
    } catch (err) {
      throw this.failed(`writing ${vaultKey(name, version)}`, err);
    }
  }

  private async read(key: string, label: string): Promise<Buffer | null> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      if ((res.ContentLength ?? 0) > this.maxBytes) {
        res.Body?.transformToWebStream().cancel().catch(() => {});
        throw new VaultError(this.vault, `${label} is ${res.ContentLength} bytes, over SKILLGRAPH_BUNDLE_MAX_BYTES`);
      }
      const body = res.Body ? Buffer.from(await res.Body.transformToByteArray()) : Buffer.alloc(0);
      if (body.length > this.maxBytes) throw new VaultError(this.vault, `${label} is over SKILLGRAPH_BUNDLE_MAX_BYTES`);
      return body;
    } catch (err) {
      if (err instanceof VaultError) throw err;
      if (err instanceof S3ServiceException && (err.name === "NoSuchKey" || err.$metadata.httpStatusCode === 404)) return null;
      throw this.failed(`reading ${label}`, err);
    }
  }

  get(name: string, version: string): Promise<Buffer | null> {
    return this.read(this.key(name, version), vaultKey(name, version));
  }

  async list(): Promise<VaultEntry[]> {
    const found: { key: string; name: string; version: string; size: number; pushedAt: Date | null }[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: this.config.prefix || undefined, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          const parsed = o.Key ? parseVaultKey(o.Key.slice(this.config.prefix.length)) : null;
          if (parsed && o.Key) found.push({ key: o.Key, ...parsed, size: o.Size ?? 0, pushedAt: o.LastModified ?? null });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.failed("listing the bucket", err);
    }
    const out: VaultEntry[] = [];
    for (const f of found) {
      const data = f.size <= this.maxBytes ? await this.read(f.key, vaultKey(f.name, f.version)) : null;
      out.push({ name: f.name, version: f.version, size: f.size, pushedAt: f.pushedAt, data });
    }
    return out;
  }
}
