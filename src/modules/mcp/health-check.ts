// One real health check: the MCP handshake (initialize, then tools/list) with the official SDK
// client, over stdio (a spawned process) or streamable HTTP / SSE, within a timeout. The child
// process (and its process group) is killed however the check ends.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { LaunchSpec } from "./launch.js";
import { ProcessTransport } from "./process-transport.js";

export type CheckStatus = "HEALTHY" | "DEGRADED" | "UNHEALTHY";

export interface CheckResult {
  status: CheckStatus;
  latencyMs: number;
  toolCount: number | null;
  serverInfo: { name: string; version: string } | null;
  protocolVersion: string | null;
  /** Why it is not healthy; may quote the server's stderr, so callers redact secrets from it. */
  error: string | null;
}

export interface CheckOptions {
  timeoutMs: number;
  /** Slower than this (handshake + tools/list) is DEGRADED. */
  slowMs: number;
  signal?: AbortSignal;
}

/** One JSON Schema validator for every check: each Client would otherwise build its own Ajv. */
const validator = new AjvJsonSchemaValidator();

/** Checked servers run at a lower CPU priority than the API (see ProcessTransport). */
const CHILD_NICENESS = 10;

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

function transportFor(spec: LaunchSpec): Transport {
  if (spec.kind === "stdio") return new ProcessTransport({ command: spec.command, args: spec.args, env: spec.env, niceness: CHILD_NICENESS });
  const requestInit = { headers: spec.headers };
  const url = new URL(spec.url);
  return spec.kind === "sse" ? new SSEClientTransport(url, { requestInit }) : new StreamableHTTPClientTransport(url, { requestInit });
}

function describe(err: unknown, inner: Transport, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no answer within ${timeoutMs} ms (timed out; the process was killed)`;
  let msg = err instanceof Error ? err.message : String(err);
  if (inner instanceof ProcessTransport) {
    const exit = inner.exitInfo;
    if (exit) msg = `the process exited (${exit.code !== null ? `code ${exit.code}` : `signal ${exit.signal ?? "?"}`}) before the handshake finished: ${msg}`;
    const stderr = inner.stderr.trim();
    if (stderr) msg += ` — stderr: ${stderr.slice(-500)}`;
  }
  return msg.slice(0, 2000);
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
  const inner = transportFor(spec);
  const transport = new Observed(inner);
  const client = new Client({ name: "skillgraph-health", version: "1.0.0" }, { capabilities: {}, jsonSchemaValidator: validator });
  // Abort ends the handshake at once: closing the transport rejects the pending requests.
  const onAbort = () => void client.close().catch(() => {});
  signal.addEventListener("abort", onAbort, { once: true });
  const elapsed = () => Math.round(performance.now() - started);
  try {
    if (signal.aborted) throw new Error(options.signal?.aborted ? "cancelled (shutting down)" : "timed out");
    await client.connect(transport, { signal, timeout: options.timeoutMs });
    const serverInfo = client.getServerVersion() ?? null;
    let toolCount: number | null = null;
    let toolError: string | null = null;
    try {
      const tools = await client.listTools(undefined, { signal, timeout: options.timeoutMs });
      toolCount = tools.tools.length;
    } catch (err) {
      if (signal.aborted) throw err;
      // It answered the handshake, so it is up, but tools/list failed: degraded.
      toolError = `tools/list failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    const latencyMs = elapsed();
    const slow = latencyMs > options.slowMs;
    return {
      status: toolError || slow ? "DEGRADED" : "HEALTHY",
      latencyMs,
      toolCount,
      serverInfo: serverInfo ? { name: serverInfo.name, version: serverInfo.version } : null,
      protocolVersion: transport.protocolVersion,
      error: toolError ?? (slow ? `answered in ${latencyMs} ms, slower than ${options.slowMs} ms` : null),
    };
  } catch (err) {
    const cancelled = options.signal?.aborted === true;
    return {
      status: "UNHEALTHY",
      latencyMs: elapsed(),
      toolCount: null,
      serverInfo: null,
      protocolVersion: null,
      error: cancelled ? "cancelled (shutting down)" : describe(err, inner, timedOut, options.timeoutMs),
    };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    await client.close().catch(() => {});
    await inner.close().catch(() => {});
  }
}
