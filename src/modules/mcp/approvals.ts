// Launch approvals: nothing is spawned or reached for a server until an admin has approved its
// launch specification as it stands (launch-hash.ts). The hash of the current specification is
// kept on the server (launchHash) whenever something it depends on changes (its server.json, its
// env values), so lists can show NOT_APPROVED without opening secrets; a check compares the hash
// of what it is about to run with the approved one before it runs anything.
import type { Database } from "../../db/index.js";
import type { McpServer } from "../../generated/prisma/client.js";
import { InvalidInputError } from "../../lib/errors.js";
import { principalRef, type Principal } from "../../lib/principal.js";
import type { McpEnvValues } from "./env-values.js";
import { SecretKeyError } from "./errors.js";
import { declaredInputs, launchSpec, launchTarget, type LaunchSpec } from "./launch.js";
import { launchHash, launchView, type LaunchView } from "./launch-hash.js";
import { documentOf, type McpRegistry } from "./registry.js";

export interface CurrentLaunch {
  spec: LaunchSpec;
  hash: string;
  secrets: string[];
  declared: string[];
}

/** True when the server's current launch specification is the one an admin approved. */
export function isApproved(server: Pick<McpServer, "launchHash" | "approvedLaunchHash">): boolean {
  return server.approvedLaunchHash !== null && server.approvedLaunchHash === server.launchHash;
}

export function declaredNames(server: Pick<McpServer, "document">): string[] {
  return declaredInputs(launchTarget(documentOf(server))).map((v) => v.name);
}

/** The hash of a spec about to run for this server (declared names included, as approved). */
export function hashFor(server: Pick<McpServer, "document">, spec: LaunchSpec): string {
  return launchHash(spec, declaredNames(server));
}

export class McpLaunchApprovals {
  constructor(
    private readonly db: Database,
    private readonly registry: McpRegistry,
    private readonly env: McpEnvValues,
  ) {}

  /** The launch specification as it stands, with its hash; null when there is nothing to run or reach. */
  async current(server: McpServer): Promise<CurrentLaunch | null> {
    const opened = await this.env.open(server.id);
    let spec: LaunchSpec;
    try {
      spec = launchSpec(documentOf(server), opened.values);
    } catch (err) {
      if (err instanceof InvalidInputError) return null;
      throw err;
    }
    const declared = declaredNames(server);
    return { spec, hash: launchHash(spec, declared), secrets: opened.secrets, declared };
  }

  /** Stores the current hash (after a change it depends on); returns the server as stored. */
  async refresh(id: string): Promise<McpServer> {
    const server = await this.registry.find(id);
    let hash: string | null = null;
    try {
      hash = (await this.current(server))?.hash ?? null;
    } catch (err) {
      // Secrets that cannot be opened: nothing can run until they can, so nothing is approved.
      if (!(err instanceof SecretKeyError)) throw err;
    }
    if (hash === server.launchHash) return server;
    return this.db.prisma.mcpServer.update({ where: { id }, data: { launchHash: hash } });
  }

  /** What an admin reviews: the specification with secret values masked, and its hash; null when there is none. */
  async view(server: McpServer): Promise<LaunchView | null> {
    const current = await this.current(server);
    return current ? launchView(current.spec, current.declared, current.secrets) : null;
  }

  /**
   * Approves the specification whose hash the admin reviewed. If it changed since (an edit, an env
   * name), nothing is approved: the admin reviews it again.
   */
  async approve(id: string, reviewedHash: string, admin: Principal): Promise<McpServer> {
    const server = await this.registry.find(id);
    const current = await this.current(server);
    if (!current) throw new InvalidInputError("input.id", "the server has no package or remote that can be run or reached");
    if (current.hash !== reviewedHash) throw new InvalidInputError("input.launchHash", "the launch specification changed since it was reviewed; review McpServer.launch again");
    return this.db.prisma.mcpServer.update({
      where: { id },
      data: { launchHash: current.hash, approvedLaunchHash: current.hash, approvedBy: principalRef(admin), approvedAt: new Date() },
    });
  }

  /** Withdraws an approval: nothing runs until an admin approves again. */
  async revoke(id: string): Promise<McpServer> {
    await this.registry.find(id);
    return this.db.prisma.mcpServer.update({ where: { id }, data: { approvedLaunchHash: null, approvedBy: null, approvedAt: null } });
  }
}
