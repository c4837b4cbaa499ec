// One real health check: the MCP handshake (initialize, then tools/list) with the official SDK
// client, over stdio (a spawned process) or streamable HTTP / SSE, within a timeout. The child
// process (and its process group) is killed however the check ends.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_DETAIL_CHARS, type HealthReason } from "./health-reasons.js";
import type { LaunchSpec } from "./launch.js";
import { ProcessTransport } from "./process-transport.js";

export type CheckStatus = "HEALTHY" | "DEGRADED" | "UNHEALTHY";

export interface CheckResult {
  status: CheckStatus;
  latencyMs: number;
  toolCount: number | null;
  serverInfo: { name: string; version: string } | null;
  protocolVersion: string | null;
  /** Why it is not healthy, classified; null when healthy. */
  reason: HealthReason | null;
  /** The detail (may quote the server's stderr, so callers redact secrets from it and show it to admins only). */
  error: string | null;
}

export interface CheckOptions {
  timeoutMs: number;
  /** Slower than this (handshake + tools/list) is DEGRADED. */
  slowMs: number;
  signal?: AbortSignal;
  /** Nice value for a spawned server (0 = the same priority as this process, the default). */
  niceness?: number;
  /** Bytes a spawned server may write before it is killed (0 = no cap). */
  outputLimitBytes?: number;
  /** PATH for a spawned server (its only environment besides its declared one, HOME and TMPDIR). */
  path?: string;
}

/** What a spawned check runs in: a private temporary folder as working folder and TMPDIR. */
interface Sandbox {
  cwd: string;
  basics: Record<string, string>;
}

/** One JSON Schema validator for every check: each Client would otherwise build its own Ajv. */
const validator = new AjvJsonSchemaValidator();

/** Forwards to a transport and notes the protocol version the client negotiated. */
class Observed implements Transport {
  protocolVersion: string | null = null;
  constructor(readonly inner: Transport) {}
  set onclose(f: (() => void) | undefined) {
    this.inner.onclose = f;
  }
  set onerror(f: ((e: Error) => void) | undefined) {
    this.inner.onerror = f;
  }
  set onmessage(f: ((m: JSONRPCMessage) => void) | undefined) {
    this.inner.onmessage = f;
  }
  start() {
    return this.inner.start();
  }
  send(m: JSONRPCMessage) {
    return this.inner.send(m);
  }
  close() {
    return this.inner.close();
  }
  setProtocolVersion(v: string) {
    this.protocolVersion = v;
    this.inner.setProtocolVersion?.(v);
  }
}

function transportFor(spec: LaunchSpec, options: CheckOptions, sandbox: Sandbox | null, kind: LaunchSpec["kind"] = spec.kind): Transport {
  if (spec.kind === "stdio") {
    return new ProcessTransport({
      command: spec.command,
      args: spec.args,
      env: spec.env,
      basics: sandbox?.basics,
      cwd: sandbox?.cwd,
      niceness: options.niceness ?? 0,
      outputLimitBytes: options.outputLimitBytes,
    });
  }
  const requestInit = { headers: spec.headers };
  const url = new URL(spec.url);
  return kind === "sse" ? new SSEClientTransport(url, { requestInit }) : new StreamableHTTPClientTransport(url, { requestInit });
}

/**
 * A remote declared streamable-http that answers the first POST with 400, 404 or 405 may be an
 * older server speaking HTTP+SSE at that URL: the spec's backwards-compatibility rule is to try
 * SSE then.
 */
export function shouldTrySse(spec: LaunchSpec, err: unknown): boolean {
  return spec.kind === "streamable-http" && err instanceof StreamableHTTPError && (err.code === 400 || err.code === 404 || err.code === 405);
}

function describe(err: unknown, inner: Transport, timedOut: boolean, timeoutMs: number): { reason: HealthReason; error: string } {
  if (timedOut) return { reason: "TIMEOUT", error: `no answer within ${timeoutMs} ms (timed out; the process was killed)` };
  let msg = err instanceof Error ? err.message : String(err);
  let reason: HealthReason = "CONNECTION_FAILED";
  if (inner instanceof ProcessTransport) {
    reason = inner.outputExceeded ? "OUTPUT_LIMIT" : inner.spawnFailed ? "SPAWN_FAILED" : inner.exitInfo ? "EXITED" : "HANDSHAKE_FAILED";
    const exit = inner.exitInfo;
    if (exit) msg = `the process exited (${exit.code !== null ? `code ${exit.code}` : `signal ${exit.signal ?? "?"}`}) before the handshake finished: ${msg}`;
    const stderr = inner.stderr.trim();
    if (stderr) msg += ` — stderr: ${stderr.slice(-300)}`;
  }
  return { reason, error: msg.slice(0, MAX_DETAIL_CHARS) };
}

/** A private 0700 temporary folder for a spawned check, and the few variables every program needs. */
async function sandboxFor(spec: LaunchSpec, options: CheckOptions): Promise<Sandbox | null> {
  if (spec.kind !== "stdio") return null;
  const cwd = await mkdtemp(join(tmpdir(), "skillgraph-mcp-check-"));
  const basics: Record<string, string> = { TMPDIR: cwd, TMP: cwd, TEMP: cwd };
  const path = options.path ?? process.env.PATH;
  if (path) basics.PATH = path;
  const home = process.env.HOME ?? process.env.USERPROFILE;
  if (home) basics.HOME = home;
  return { cwd, basics };
}

interface Answer {
  serverInfo: { name: string; version: string } | null;
  protocolVersion: string | null;
  toolCount: number | null;
  toolError: string | null;
}

/** initialize, then tools/list, over one transport; the transport is closed however it ends. */
async function handshake(inner: Transport, signal: AbortSignal, timeoutMs: number): Promise<Answer> {
  const transport = new Observed(inner);
  const client = new Client({ name: "skillgraph-health", version: "1.0.0" }, { capabilities: {}, jsonSchemaValidator: validator });
  // Abort ends the handshake at once: closing the transport rejects the pending requests.
  const onAbort = () => void client.close().catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await client.connect(transport, { signal, timeout: timeoutMs });
    const info = client.getServerVersion();
    let toolCount: number | null = null;
    let toolError: string | null = null;
    try {
      const tools = await client.listTools(undefined, { signal, timeout: timeoutMs });
      toolCount = tools.tools.length;
    } catch (err) {
      if (signal.aborted) throw err;
      // It answered the handshake, so it is up, but tools/list failed: degraded.
      toolError = `tools/list failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    return { serverInfo: info ? { name: info.name, version: info.version } : null, protocolVersion: transport.protocolVersion, toolCount, toolError };
  } finally {
    signal.removeEventListener("abort", onAbort);
    await client.close().catch(() => {});
    await inner.close().catch(() => {});
  }
}

export async function checkServer(spec: LaunchSpec, options: CheckOptions): Promise<CheckResult> {
  const started = performance.now();
  const timeout = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    timeout.abort(new Error("timed out"));
  }, options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout.signal, options.signal]) : timeout.signal;
  const elapsed = () => Math.round(performance.now() - started);
  let sandbox: Sandbox | null = null;
  let inner: Transport | null = null;
  try {
    sandbox = await sandboxFor(spec, options);
    inner = transportFor(spec, options, sandbox);
    if (signal.aborted) throw new Error(options.signal?.aborted ? "cancelled" : "timed out");
    let answer: Answer;
    try {
      answer = await handshake(inner, signal, options.timeoutMs);
    } catch (err) {
      if (signal.aborted || !shouldTrySse(spec, err)) throw err;
      inner = transportFor(spec, options, sandbox, "sse");
      answer = await handshake(inner, signal, options.timeoutMs);
    }
    const latencyMs = elapsed();
    const slow = latencyMs > options.slowMs;
    return {
      status: answer.toolError || slow ? "DEGRADED" : "HEALTHY",
      latencyMs,
      toolCount: answer.toolCount,
      serverInfo: answer.serverInfo,
      protocolVersion: answer.protocolVersion,
      reason: answer.toolError ? "TOOLS_LIST_FAILED" : slow ? "SLOW" : null,
      error: answer.toolError?.slice(0, MAX_DETAIL_CHARS) ?? (slow ? `answered in ${latencyMs} ms, slower than ${options.slowMs} ms` : null),
    };
  } catch (err) {
    const cancelled = options.signal?.aborted === true;
    const failure = cancelled ? { reason: "CANCELLED" as const, error: "cancelled" } : inner ? describe(err, inner, timedOut, options.timeoutMs) : { reason: "SPAWN_FAILED" as const, error: String(err).slice(0, MAX_DETAIL_CHARS) };
    return { status: "UNHEALTHY", latencyMs: elapsed(), toolCount: null, serverInfo: null, protocolVersion: null, ...failure };
  } finally {
    clearTimeout(timer);
    await inner?.close().catch(() => {});
    if (sandbox) await rm(sandbox.cwd, { recursive: true, force: true }).catch(() => {});
  }
}
