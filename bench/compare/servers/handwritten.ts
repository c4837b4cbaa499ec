// The "limit": node:http plus one SQL statement per request, answering exactly the two benchmark
// operations (recognised by operationName) with the JSON skillgraph gives. The database builds
// the whole response body, so Node only parses the request and writes a string.
// Env: DATABASE_URL (file: for SQLite, postgresql: otherwise), PORT, HOST.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Sqlite from "better-sqlite3";
import pg from "pg";

const TYPES = new Set(["SKILL", "COMMAND", "AGENT", "HOOK", "MCP", "WORKFLOW", "COMPOSITE"]);
const url = process.env.DATABASE_URL ?? "";
const port = Number(process.env.PORT ?? 5679);
const host = process.env.HOST ?? "127.0.0.1";

/** Returns the response body of W1, or of W2 for a type and name in the collection "default". */
interface Backend {
  w1(): Promise<string>;
  w2(type: string, name: string): Promise<string>;
}

// SQLite's JSON functions print compact JSON, like JSON.stringify. json() keeps a subquery's
// result JSON (a subtype does not survive a subquery) instead of quoting it as a string.
const SQLITE_TAGS = `json((SELECT json_group_array(json_object('name', t."name") ORDER BY t."name")
  FROM "ArtifactTag" at JOIN "Tag" t ON t."id" = at."tagId" WHERE at."artifactId" = a."id"))`;
const SQLITE_W1 = `SELECT json_object('data', json_object('artifacts', json_object('edges', json((
  SELECT json_group_array(json_object('node', json_object('key', lower(a."type") || ':' || a."name", 'name', a."name", 'type', a."type",
    'tags', ${SQLITE_TAGS}, 'collection', json_object('name', c."name"))) ORDER BY a."name", a."id")
  FROM (SELECT * FROM "Artifact" ORDER BY "name", "id" LIMIT 100) a JOIN "Collection" c ON c."id" = a."collectionId"))))) AS body`;
const SQLITE_W2 = `SELECT json_object('data', json_object('artifact', json((
  SELECT json_object('key', lower(a."type") || ':' || a."name", 'name', a."name", 'type', a."type", 'tags', ${SQLITE_TAGS})
  FROM "Artifact" a JOIN "Collection" c ON c."id" = a."collectionId" WHERE c."name" = 'default' AND a."type" = ? AND a."name" = ?)))) AS body`;

// PostgreSQL prints json with spaces (`"a" : 1`); the body is concatenated by hand instead, with
// to_json() quoting each string, so it is byte for byte what JSON.stringify would give.
const PG_TAGS = `coalesce((SELECT '[' || string_agg('{"name":' || to_json(t."name") || '}', ',' ORDER BY t."name") || ']'
  FROM "ArtifactTag" at JOIN "Tag" t ON t."id" = at."tagId" WHERE at."artifactId" = a."id"), '[]')`;
const pgNode = (tags: string) => `'{"key":' || to_json(lower(a."type"::text) || ':' || a."name") || ',"name":' || to_json(a."name")
  || ',"type":"' || a."type" || '","tags":' || ${tags}`;
// The page's tags in one grouped join: 2-3 times faster than a subquery per artifact here.
const PG_W1 = `WITH page AS (SELECT "id", "collectionId", "type", "name" FROM "Artifact" ORDER BY "name", "id" LIMIT 100),
  tags AS (SELECT at."artifactId", '[' || string_agg('{"name":' || to_json(t."name") || '}', ',' ORDER BY t."name") || ']' AS tags
    FROM page p JOIN "ArtifactTag" at ON at."artifactId" = p."id" JOIN "Tag" t ON t."id" = at."tagId" GROUP BY at."artifactId")
  SELECT '{"data":{"artifacts":{"edges":[' || coalesce(string_agg('{"node":' || ${pgNode(`coalesce(g.tags, '[]')`)}
    || ',"collection":{"name":' || to_json(c."name") || '}}}', ',' ORDER BY a."name", a."id"), '') || ']}}}' AS body
  FROM page a JOIN "Collection" c ON c."id" = a."collectionId" LEFT JOIN tags g ON g."artifactId" = a."id"`;
const PG_W2 = `SELECT '{"data":{"artifact":' || coalesce((
  SELECT ${pgNode(PG_TAGS)} || '}' FROM "Artifact" a JOIN "Collection" c ON c."id" = a."collectionId"
  WHERE c."name" = 'default' AND a."type" = $1::"ArtifactType" AND a."name" = $2), 'null') || '}}' AS body`;

function backend(): Backend {
  if (url.startsWith("file:")) {
    const db = new Sqlite(url.slice("file:".length));
    const w1 = db.prepare<[], { body: string }>(SQLITE_W1);
    const w2 = db.prepare<[string, string], { body: string }>(SQLITE_W2);
    return {
      w1: async () => w1.get()?.body ?? "",
      w2: async (type, name) => w2.get(type, name)?.body ?? "",
    };
  }
  // Ten connections, like pg's default pool that skillgraph (Prisma's adapter) and PostGraphile use.
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Named statements are parsed once per connection.
  const one = async (name: string, text: string, values: string[]) => (await pool.query<{ body: string }>({ name, text, values })).rows[0]?.body ?? "";
  return { w1: () => one("w1", PG_W1, []), w2: (type, name) => one("w2", PG_W2, [type, name]) };
}

const db = backend();

async function answer(req: IncomingMessage): Promise<{ status: number; body: string }> {
  if (req.method === "GET" && req.url === "/readyz") return { status: 200, body: "{}" };
  if (req.method !== "POST" || req.url !== "/graphql") return { status: 404, body: '{"errors":[{"message":"not found"}]}' };
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const { operationName, variables } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { operationName?: string; variables?: { key?: string } };
  if (operationName === "W1") return { status: 200, body: await db.w1() };
  if (operationName === "W2") {
    const key = variables?.key ?? "";
    const colon = key.indexOf(":");
    const type = key.slice(0, colon).toUpperCase();
    // An unknown type cannot match (and would not cast to the enum): no artifact.
    if (colon < 0 || !TYPES.has(type)) return { status: 200, body: '{"data":{"artifact":null}}' };
    return { status: 200, body: await db.w2(type, key.slice(colon + 1)) };
  }
  return { status: 400, body: '{"errors":[{"message":"only the operations W1 and W2 are served"}]}' };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  answer(req).then(
    (r) => send(res, r.status, r.body),
    (err: Error) => send(res, 500, JSON.stringify({ errors: [{ message: err.message }] })),
  );
});
server.listen(port, host);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => server.close(() => process.exit(0)));
