// The MCP server registry: server.json documents (the McpServer table), by name.
import type { Database } from "../../db/index.js";
import { isUniqueViolation, type Prisma } from "../../db/index.js";
import type { McpServer } from "../../generated/prisma/client.js";
import type { McpHealthStatus } from "../../generated/prisma/enums.js";
import { AlreadyExistsError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { Principal } from "../../lib/principal.js";
import { serverJsonSchema, type ServerJson } from "./server-json.js";

/** The stored document, parsed again (it was validated on the way in). */
export function documentOf(server: Pick<McpServer, "document">): ServerJson {
  const parsed = serverJsonSchema.safeParse(server.document);
  if (!parsed.success) throw new Error("a stored server.json no longer validates");
  return parsed.data;
}

/** A status as shown: a recorded one, or NOT_APPROVED (computed, never recorded). */
export type McpShownStatus = McpHealthStatus | "NOT_APPROVED";

/**
 * The status a server shows: NOT_APPROVED while its launch specification is not the approved one
 * (nothing runs), else its last check, else UNKNOWN when deployed, NOT_DEPLOYED when not.
 */
export function effectiveStatus(last: McpHealthStatus | null | undefined, deployed: boolean, approved = true): McpShownStatus {
  if (!approved) return "NOT_APPROVED";
  return last ?? (deployed ? "UNKNOWN" : "NOT_DEPLOYED");
}

type Page = Omit<Prisma.McpServerFindManyArgs, "where" | "orderBy">;

export class McpRegistry {
  constructor(private readonly db: Database) {}

  private columns(doc: ServerJson) {
    return { name: doc.name, title: doc.title ?? null, description: doc.description, version: doc.version, document: doc as Prisma.InputJsonValue };
  }

  async find(id: string): Promise<McpServer> {
    const server = await this.db.prisma.mcpServer.findUnique({ where: { id } });
    if (!server) throw new NotFoundError("McpServer", id);
    return server;
  }

  findByName(name: string): Promise<McpServer | null> {
    return this.db.prisma.mcpServer.findUnique({ where: { name } });
  }

  /** Servers whose name is one of `entryNames` or ends in "/<entry name>" (their deployment entry name): one statement. */
  byEntryNames(entryNames: readonly string[]): Promise<McpServer[]> {
    if (entryNames.length === 0) return Promise.resolve([]);
    return this.db.prisma.mcpServer.findMany({ where: { OR: [{ name: { in: [...entryNames] } }, ...entryNames.map((n) => ({ name: { endsWith: `/${n}` } }))] }, orderBy: { name: "asc" } });
  }

  /** Case-insensitive text in the name or title (LIKE is case-insensitive on SQLite; PostgreSQL needs to be told). */
  private where(search: string | null | undefined): Prisma.McpServerWhereInput {
    if (!search) return {};
    const contains = (this.db.provider === "postgresql" ? { contains: search, mode: "insensitive" } : { contains: search }) as { contains: string };
    return { OR: [{ name: contains }, { title: contains }] };
  }

  /** A page of servers by name; `query` is the GraphQL layer's selection and paging. */
  list<Q extends Page>(_viewer: Principal, search: string | null | undefined, query: Q) {
    return this.db.prisma.mcpServer.findMany({ ...query, where: this.where(search), orderBy: [{ name: "asc" }, { id: "asc" }] });
  }

  count(_viewer: Principal, search: string | null | undefined): Promise<number> {
    return this.db.prisma.mcpServer.count({ where: this.where(search) });
  }

  /** One server by name or id with `query`'s selection, or null. */
  get<Q extends Omit<Prisma.McpServerFindUniqueArgs, "where">>(_viewer: Principal, by: { name: string } | { id: string }, query?: Q) {
    return this.db.prisma.mcpServer.findUnique({ ...query, where: by });
  }

  async register(doc: ServerJson): Promise<McpServer> {
    try {
      return await this.db.prisma.mcpServer.create({ data: this.columns(doc) });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("McpServer", "name", doc.name);
      throw err;
    }
  }

  /** Replaces the definition (a new server.json); env values and deployments are kept. */
  async update(id: string, doc: ServerJson): Promise<McpServer> {
    await this.find(id);
    try {
      return await this.db.prisma.mcpServer.update({ where: { id }, data: this.columns(doc) });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError("McpServer", "name", doc.name);
      throw err;
    }
  }

  /** Marks a server changed (its env values changed). */
  touch(id: string): Promise<McpServer> {
    return this.db.prisma.mcpServer.update({ where: { id }, data: { updatedAt: new Date() } });
  }

  /** Every server with its shown status, by name (CLI and dashboards). */
  async overview(): Promise<{ id: string; name: string; version: string; status: McpShownStatus; checkedAt: Date | null }[]> {
    const rows = await this.db.prisma.mcpServer.findMany({
      select: { id: true, name: true, version: true, launchHash: true, approvedLaunchHash: true, health: { select: { status: true, checkedAt: true } }, _count: { select: { deployments: true } } },
      orderBy: { name: "asc" },
    });
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      version: r.version,
      status: effectiveStatus(r.health?.status, r._count.deployments > 0, r.approvedLaunchHash !== null && r.approvedLaunchHash === r.launchHash),
      checkedAt: r.health?.checkedAt ?? null,
    }));
  }

  /** Removes a server that is deployed nowhere (undeploy first, so no settings entry is orphaned). */
  async remove(id: string): Promise<McpServer> {
    const server = await this.find(id);
    const deployments = await this.db.prisma.mcpDeployment.findMany({ where: { serverId: id }, select: { settingsPath: true } });
    if (deployments.length > 0) {
      throw new InvalidInputError("id", `the server is deployed to ${deployments.map((d) => d.settingsPath).join(", ")}; undeploy it first`);
    }
    await this.db.prisma.mcpServer.delete({ where: { id } });
    return server;
  }
}
