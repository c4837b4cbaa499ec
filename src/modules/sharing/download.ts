// Downloading a bundle for importBundle(source: {url}): http(s) only, one timeout for the whole
// transfer, and a size limit checked on Content-Length and again while reading (a server may lie
// or send no length), so at most the limit is ever held. Nothing is written here.
import { InvalidInputError } from "../../lib/errors.js";
import { BundleDownloadError } from "./errors.js";
import { redactUrl } from "./links.js";

/** The URL, checked: absolute http or https, no credentials in it. */
export function checkBundleUrl(url: string, field = "source.url"): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidInputError(field, "must be an absolute URL");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new InvalidInputError(field, "must be an http or https URL");
  if (u.username || u.password) throw new InvalidInputError(field, "must not carry a user name or password");
  return u;
}

export async function downloadBundle(url: string, limits: { maxBytes: number; timeoutMs: number; fetch?: typeof fetch }, signal?: AbortSignal): Promise<Buffer> {
  const u = checkBundleUrl(url);
  const shown = redactUrl(url);
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const all = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const failed = (err: unknown): never => {
    if (err instanceof BundleDownloadError) throw err;
    if (timeout.aborted) throw new BundleDownloadError(shown, "TIMEOUT", `no complete answer within ${limits.timeoutMs} ms`);
    if (signal?.aborted) throw err;
    throw new BundleDownloadError(shown, "NETWORK", err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err));
  };
  let res: Response;
  try {
    res = await (limits.fetch ?? fetch)(u, { signal: all, redirect: "follow", headers: { accept: "application/octet-stream" } });
  } catch (err) {
    return failed(err);
  }
  if (!res.ok) {
    const body = await res.text().catch(() => "");
    let detail = `HTTP ${res.status}`;
    try {
      const j = JSON.parse(body) as { message?: unknown };
      if (typeof j.message === "string") detail += `: ${j.message.slice(0, 300)}`;
    } catch {
      // not JSON: the status says enough
    }
    throw new BundleDownloadError(shown, "HTTP_STATUS", detail);
  }
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new BundleDownloadError(shown, "TOO_LARGE", `${declared} bytes, over the ${limits.maxBytes}-byte limit (SKILLGRAPH_BUNDLE_MAX_BYTES)`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    if (!res.body) return Buffer.alloc(0);
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBytes) {
        await reader.cancel().catch(() => {});
        throw new BundleDownloadError(shown, "TOO_LARGE", `more than ${limits.maxBytes} bytes (SKILLGRAPH_BUNDLE_MAX_BYTES)`);
      }
      chunks.push(Buffer.from(value));
    }
  } catch (err) {
    return failed(err);
  }
  return Buffer.concat(chunks);
}
