// Outbound HTTP for URLs that come from users or from remote data (an importBundle source URL, a
// marketplace listing's bundle URL, a broker's feed pages): a fetch that refuses to connect to the
// server's own network unless the operator allowed it (SKILLGRAPH_OUTBOUND_ALLOW). Without it,
// anyone who may start an import could make the server read its loopback services, the cloud's
// metadata endpoint (169.254.169.254) or the internal network, and hand back what it found.
//
// The check runs where the connection is made (undici's connect `lookup`), on every address a name
// resolves to, so a name that resolves differently a moment later (DNS rebinding) is checked on the
// address actually dialled; addresses written in the URL are checked before the request; redirects
// are followed here, one hop at a time, each hop checked the same way.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from "node:dns";
import { BlockList, isIP } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";

/** Addresses that are not the public internet: loopback, private, link-local, CGNAT, multicast, reserved. */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  INTERNAL.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  INTERNAL.addSubnet(net, prefix, "ipv6");
}

const MAX_REDIRECTS = 5;

/** A request the outbound policy refused; its message names the address and the setting. */
export class OutboundRefusedError extends Error {
  override readonly name = "OutboundRefusedError";
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `${host}${address !== host ? ` (${address})` : ""} is an address of the server's own network (loopback, private or link-local); ` +
        "list it in SKILLGRAPH_OUTBOUND_ALLOW to let the server fetch from it",
    );
  }
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:10.0.0.1), else the address. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m?.[1] ?? address;
}

export interface OutboundPolicy {
  /** Whether the server may connect to `address` (resolved from `host`). */
  allows(host: string, address: string): boolean;
  /** Throws OutboundRefusedError when a URL's host is an address literal the policy refuses. */
  checkLiteral(url: URL): void;
}

/**
 * The policy for SKILLGRAPH_OUTBOUND_ALLOW's entries: host names (`vault.internal`, or
 * `*.corp.example` for any name under it), addresses (`10.1.2.3`, `::1`) and networks in CIDR form
 * (`10.0.0.0/8`). Public addresses are always allowed; internal ones only when listed.
 */
export function outboundPolicy(allow: readonly string[]): OutboundPolicy {
  const allowed = new BlockList();
  const names = new Set<string>();
  const suffixes: string[] = [];
  for (const raw of allow) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const [net, bits] = entry.split("/");
    const family = isIP(net ?? "");
    if (family && bits !== undefined) allowed.addSubnet(net ?? "", Number(bits), family === 6 ? "ipv6" : "ipv4");
    else if (family) allowed.addAddress(entry, family === 6 ? "ipv6" : "ipv4");
    else if (entry.startsWith("*.")) suffixes.push(entry.slice(1));
    else names.add(entry);
  }
  const internal = (address: string) => {
    const a = unmapped(address);
    const family = isIP(a);
    return family === 0 ? true : INTERNAL.check(a, family === 6 ? "ipv6" : "ipv4");
  };
  const listed = (host: string, address: string) => {
    const h = host.toLowerCase().replace(/^\[|\]$/g, "");
    if (names.has(h) || suffixes.some((s) => h.endsWith(s))) return true;
    const a = unmapped(address);
    const family = isIP(a);
    return family !== 0 && allowed.check(a, family === 6 ? "ipv6" : "ipv4");
  };
  const policy: OutboundPolicy = {
    allows: (host, address) => !internal(address) || listed(host, address),
    checkLiteral(url) {
      const host = url.hostname.replace(/^\[|\]$/g, "");
      if (isIP(host) && !policy.allows(host, host)) throw new OutboundRefusedError(host, host);
    },
  };
  return policy;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup for undici's connections: every address a name resolves to must be allowed. */
function guardedLookup(policy: OutboundPolicy) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const refused = addresses.find((a) => !policy.allows(hostname, a.address));
      if (refused) return callback(Object.assign(new OutboundRefusedError(hostname, refused.address), { code: "EOUTBOUNDREFUSED" }), []);
      if ((options as LookupAllOptions).all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** fetch's failure for a refused request: the refusal in the message and as the cause. */
function refusedFetch(refusal: OutboundRefusedError): TypeError {
  return new TypeError(`fetch failed: ${refusal.message}`, { cause: refusal });
}

const made = new Map<string, { fetch: typeof fetch; policy: OutboundPolicy }>();

/**
 * A fetch (the WHATWG signature) under the policy of these SKILLGRAPH_OUTBOUND_ALLOW entries, one
 * per distinct list. Redirects are followed here (at most 5), each hop checked; a refusal rejects
 * with an error whose `cause` is an OutboundRefusedError (as fetch reports network failures).
 */
export function outboundFetch(allow: readonly string[]): typeof fetch {
  return outbound(allow).fetch;
}

/** The policy of these entries and the fetch under it, built once per distinct list. */
export function outbound(allow: readonly string[]): { fetch: typeof fetch; policy: OutboundPolicy } {
  const key = JSON.stringify(allow);
  const known = made.get(key);
  if (known) return known;
  const policy = outboundPolicy(allow);
  const dispatcher = new Agent({ connect: { lookup: guardedLookup(policy) } });
  const guarded = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let method = (init.method ?? "GET").toUpperCase();
    let body = init.body;
    const headers = new Headers(init.headers);
    for (let hop = 0; ; hop++) {
      try {
        policy.checkLiteral(url);
      } catch (err) {
        throw refusedFetch(err as OutboundRefusedError);
      }
      let response: Response;
      try {
        response = (await undiciFetch(url, {
          ...(init as Parameters<typeof undiciFetch>[1]),
          method,
          headers: headers as never,
          body: body as never,
          redirect: "manual",
          dispatcher,
        })) as unknown as Response;
      } catch (err) {
        // A refusal in the connect lookup arrives as fetch's "fetch failed": say why in the message,
        // for callers that report only that.
        const cause = err instanceof Error ? err.cause : undefined;
        if (cause instanceof OutboundRefusedError) throw refusedFetch(cause);
        throw err;
      }
      const location = response.headers.get("location");
      if (![301, 302, 303, 307, 308].includes(response.status) || !location || init.redirect === "manual") return response;
      await response.body?.cancel().catch(() => {});
      if (init.redirect === "error") throw new TypeError("fetch failed", { cause: new Error(`redirected to ${location}`) });
      if (hop >= MAX_REDIRECTS) throw new TypeError("fetch failed", { cause: new Error(`more than ${MAX_REDIRECTS} redirects`) });
      const next = new URL(location, url);
      if (next.protocol !== "http:" && next.protocol !== "https:") throw new TypeError("fetch failed", { cause: new Error(`redirected to a ${next.protocol} URL`) });
      // As fetch does: 303, and 301/302 after a POST, continue as GET without a body.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
      }
      // As fetch does: credentials do not follow a redirect to another origin.
      if (next.origin !== url.origin) for (const h of ["authorization", "cookie", "proxy-authorization"]) headers.delete(h);
      url = next;
    }
  };
  const built = { fetch: guarded as typeof fetch, policy };
  made.set(key, built);
  return built;
}
