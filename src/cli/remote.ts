// Remote mode: with --url (or SKILLGRAPH_URL) a command talks to a running server over GraphQL
// (HTTP POST, the token as a bearer) instead of opening the database, so an operator can use the
// CLI against a shared deployment with the scopes of their token.
import type { Command } from "commander";
import { ConfigError, DomainError } from "../lib/errors.js";

/** A failure reported by the server (a GraphQL error, a typed error result, an HTTP error). */
export class RemoteError extends DomainError {
  override name = "RemoteError";
}

export interface RemoteTarget {
  /** The GraphQL endpoint, e.g. https://skillgraph.example/graphql. */
  endpoint: string;
  token: string | null;
}

/** The target from --url/--token, else SKILLGRAPH_URL/SKILLGRAPH_TOKEN; null = work on the local database. */
export function remoteTarget(options: { url?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): RemoteTarget | null {
  const url = options.url ?? (env.SKILLGRAPH_URL || undefined);
  const token = options.token ?? (env.SKILLGRAPH_TOKEN || undefined) ?? null;
  if (url === undefined) {
    if (options.token !== undefined) throw new ConfigError("--token: only used with --url (or SKILLGRAPH_URL), the server to talk to");
    return null;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`--url: "${url}" is not a URL (e.g. http://127.0.0.1:4000)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new ConfigError("--url: must be an http:// or https:// URL");
  // The server's base URL or its /graphql endpoint both work.
  if (parsed.pathname === "/" || parsed.pathname === "") parsed.pathname = "/graphql";
  return { endpoint: parsed.toString(), token };
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export class GraphQLClient {
  constructor(readonly target: RemoteTarget) {}

  /** Runs one operation; a GraphQL or HTTP error becomes a RemoteError carrying the server's message. */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/graphql-response+json, application/json" };
    if (this.target.token) headers.authorization = `Bearer ${this.target.token}`;
    let res: Response;
    try {
      res = await fetch(this.target.endpoint, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      throw new RemoteError(`cannot reach ${this.target.endpoint}: ${cause}`);
    }
    let body: GraphQLResponse<T>;
    try {
      body = (await res.json()) as GraphQLResponse<T>;
    } catch {
      throw new RemoteError(`${this.target.endpoint} answered HTTP ${res.status} without a GraphQL response`);
    }
    if (body.errors?.length) throw new RemoteError(body.errors.map((e) => e.message).join("; "));
    if (body.data === undefined || body.data === null) throw new RemoteError(`${this.target.endpoint} answered HTTP ${res.status} without data`);
    return body.data;
  }
}

/** A mutation's union result: the payload, or a RemoteError with the typed error's message (… on Error { message }). */
export function unwrap<T extends { __typename: string }>(result: T | { __typename: string; message?: string }): T {
  if (result.__typename.endsWith("Error")) throw new RemoteError("message" in result && result.message ? result.message : result.__typename);
  return result as T;
}

/** The client for this command's --url/--token (or the environment), or null for local mode. */
export function remoteOf(command: Command): GraphQLClient | null {
  const opts = command.optsWithGlobals<{ url?: string; token?: string }>();
  const target = remoteTarget(opts);
  return target ? new GraphQLClient(target) : null;
}

/** For commands that only work on this machine (serve, worker, db, schema): refuse remote mode plainly. */
export function localOnly(command: Command): void {
  const opts = command.optsWithGlobals<{ url?: string; token?: string }>();
  if (opts.url !== undefined || opts.token !== undefined) {
    throw new ConfigError(`${command.parent?.name() === "skillgraph" ? "" : `${command.parent?.name() ?? ""} `}${command.name()}: works on this machine only; it takes no --url or --token`);
  }
}

const POLL_MS = 250;

/** Follows a job on the server until it ends, reporting its progress; its result, or a RemoteError with its error. */
export async function followJob(remote: GraphQLClient, id: string, report: (percent: number, message: string | null) => void, what = "the"): Promise<unknown> {
  for (;;) {
    const data = await remote.request<{ node: { status: string; progress: number; message: string | null; result: unknown; error: string | null } | null }>(
      `query Follow($id: ID!) { node(id: $id) { ... on Job { status progress message result error } } }`,
      { id },
    );
    const job = data.node;
    if (!job) throw new RemoteError(`the ${what} job disappeared`);
    report(job.progress, job.message);
    if (job.status === "SUCCEEDED") return job.result;
    if (job.status === "FAILED" || job.status === "CANCELLED") throw new RemoteError(`the ${what} job ${job.status.toLowerCase()}${job.error ? `: ${job.error}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
