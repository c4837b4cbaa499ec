// Where an operation's API token comes from, and what counts as a well-formed one. Over HTTP: the
// Authorization header. Over graphql-ws: the operation's `extensions.headers` (GraphiQL sends its
// Headers pane there), else the connection_init payload (`Authorization`, or `headers.Authorization`).
// A value that is present but not `Bearer <token>` is refused (401; graphql-ws closes with 4403),
// never treated as anonymous.
import { GraphQLError } from "graphql";

/** RFC 6750's b64token after "Bearer " and nothing else. */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401, headers: { "www-authenticate": 'Bearer realm="skillgraph"' } } } });
}

/** The token of an Authorization value; null when there is none (absent or blank); throws when malformed. */
export function bearerToken(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw unauthenticated("The Authorization value must be a string: Bearer <token>.");
  const trimmed = value.trim();
  if (trimmed === "") return null;
  const token = BEARER.exec(trimmed)?.[1];
  if (!token) throw unauthenticated("The Authorization header must be `Bearer <token>` (an API token); nothing else is accepted.");
  return token;
}

function headerIn(record: unknown): unknown {
  if (!record || typeof record !== "object") return undefined;
  for (const [k, v] of Object.entries(record)) if (k.toLowerCase() === "authorization") return v;
  return undefined;
}

/** The Authorization value of a graphql-ws connection_init payload. */
export function connectionAuthorization(params: Record<string, unknown> | undefined): unknown {
  if (!params) return undefined;
  return headerIn(params) ?? headerIn(params.headers);
}

interface InitialContext {
  request: Request;
  params?: { extensions?: Record<string, unknown> | null };
  connectionParams?: Record<string, unknown>;
}

/** The Authorization value of one operation (see the header comment for the order). */
export function authorizationOf(initial: InitialContext): unknown {
  const header = initial.request.headers.get("authorization");
  if (header !== null) return header;
  // Only graphql-ws operations carry connection params; over HTTP, extensions never authenticate.
  if (!initial.connectionParams) return undefined;
  return headerIn(initial.params?.extensions?.headers) ?? connectionAuthorization(initial.connectionParams);
}
