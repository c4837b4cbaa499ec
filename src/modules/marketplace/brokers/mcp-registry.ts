// An MCP registry (the official API: GET /v0/servers?cursor=…&limit=…), the pure part: a page is
// {servers: [{server: <server.json>, _meta: {"io.modelcontextprotocol.registry/official": {status,
// isLatest, …}}}], metadata: {nextCursor, count}}; each latest, active server becomes a listing
// that installs into the MCP server registry.
import { createHash } from "node:crypto";
import { z } from "zod";
import { serverJsonSchema, shortName, withoutNulls, type ServerJson } from "../../mcp/index.js";
import { canonicalJson } from "../canonical-json.js";
import type { ListingData } from "../listings.js";

export const OFFICIAL_META = "io.modelcontextprotocol.registry/official";

export const registryPageSchema = z.object({
  servers: z.array(z.unknown()),
  metadata: z.looseObject({ nextCursor: z.string().nullish(), count: z.number().optional() }).nullish(),
});

const entrySchema = z.looseObject({
  server: z.unknown(),
  _meta: z.record(z.string(), z.unknown()).nullish(),
});

const officialSchema = z.looseObject({ status: z.string().nullish(), isLatest: z.boolean().nullish() });

/** The servers endpoint for a broker URL: the URL itself when it ends in /v0/servers, else <url>/v0/servers. */
export function serversEndpoint(url: string): string {
  const u = new URL(url);
  if (!/\/v0\/servers\/?$/.test(u.pathname)) u.pathname = `${u.pathname.replace(/\/+$/, "")}/v0/servers`;
  return u.toString();
}

/** The next page's URL: the endpoint with cursor (and a page size) in the query. */
export function pageUrl(endpoint: string, cursor: string | null): string {
  const u = new URL(endpoint);
  u.searchParams.set("limit", "100");
  if (cursor) u.searchParams.set("cursor", cursor);
  else u.searchParams.delete("cursor");
  return u.toString();
}

export interface McpServerInstall {
  kind: "MCP_SERVER";
  server: ServerJson;
}

/** SHA-256 of a server.json's canonical JSON: what a listing records and an install checks. */
export const serverHash = (doc: unknown) => createHash("sha256").update(canonicalJson(doc)).digest("hex");

export type RegistryEntry =
  | { kind: "listing"; id: string; listing: ListingData }
  /** An older version, or one the registry marked deleted: the name stays seen, nothing is stored. */
  | { kind: "ignored"; id: string }
  | { kind: "bad"; id: string | null; reason: string };

/** One entry of a registry page. */
export function registryEntry(raw: unknown, sourceUrl: string): RegistryEntry {
  const e = entrySchema.safeParse(raw);
  const rawName = (v: unknown) => (typeof v === "object" && v !== null && "name" in v && typeof v.name === "string" ? v.name : null);
  if (!e.success) return { kind: "bad", id: null, reason: "an entry must be {server, _meta}" };
  const id = rawName(e.data.server);
  const official = officialSchema.safeParse(e.data._meta?.[OFFICIAL_META] ?? {});
  if (id && official.success && (official.data.isLatest === false || (official.data.status && official.data.status !== "active"))) return { kind: "ignored", id };
  const doc = serverJsonSchema.safeParse(withoutNulls(e.data.server));
  if (!doc.success) {
    const first = doc.error.issues[0];
    return { kind: "bad", id, reason: `server.${first?.path.join(".") ?? ""}: ${first?.message ?? "invalid"}` };
  }
  const server = doc.data;
  const install: McpServerInstall = { kind: "MCP_SERVER", server };
  const text = canonicalJson(server);
  return {
    kind: "listing",
    id: server.name,
    listing: {
      listingId: server.name,
      name: server.title ?? shortName(server.name),
      publisher: server.name.slice(0, server.name.indexOf("/")),
      description: server.description,
      version: server.version,
      license: "NOASSERTION",
      tags: ["mcp"],
      artifacts: [{ type: "MCP", name: shortName(server.name) }],
      sourceUrl,
      homepage: server.websiteUrl ?? null,
      repository: server.repository?.url ?? null,
      bundleSha256: serverHash(server),
      bundleSize: Buffer.byteLength(text),
      install: JSON.parse(JSON.stringify(install)),
    },
  };
}
