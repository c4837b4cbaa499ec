// The MCP servers a bundle's artifacts need, for the manifest's mcpServers: an artifact of type MCP
// is one, and a tool named mcp__<server>__<tool> in an artifact's tools (Claude Code's name for an
// MCP server's tool; <server> is the key under mcpServers, the MCP module's deployment entry name)
// needs <server>. Pure; the service adds what the MCP registry knows of each name.

const MCP_TOOL = /^mcp__([A-Za-z0-9_.-]+?)__[^\s]+$/;

export interface McpNeed {
  /** The server's entry name (the key under mcpServers in a client's settings). */
  name: string;
  /** Who needs it: "<type>:<name>" of each artifact, sorted. */
  neededBy: string[];
}

const bytesOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Every MCP server the artifacts need, by name (UTF-8 byte order). */
export function mcpNeeds(artifacts: readonly { type: string; name: string; tools: readonly string[] }[]): McpNeed[] {
  const by = new Map<string, Set<string>>();
  const need = (server: string, who: string) => {
    const set = by.get(server) ?? new Set<string>();
    set.add(who);
    by.set(server, set);
  };
  for (const a of artifacts) {
    const who = `${a.type.toLowerCase()}:${a.name}`;
    if (a.type === "MCP") need(a.name, who);
    for (const t of a.tools) {
      const m = MCP_TOOL.exec(t);
      if (m?.[1]) need(m[1], who);
    }
  }
  return [...by.keys()].sort(bytesOrder).map((name) => ({ name, neededBy: [...(by.get(name) ?? [])].sort(bytesOrder) }));
}
