// `skillgraph share create|revoke|list`: share links on the configured database, as cli:<OS user>,
// through the same service the API runs. The URL (with its token) is printed once, by create.
import { decodeGlobalID } from "@pothos/plugin-relay";
import type { Command } from "commander";
import { withServices } from "../../cli/context.js";
import { InvalidInputError } from "../../lib/errors.js";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "3600", "90s", "15m", "12h", "7d" → seconds. */
export function parseDuration(value: string, field = "--expires-in"): number {
  const m = /^(\d{1,9})([smhd]?)$/.exec(value.trim());
  if (!m) throw new InvalidInputError(field, "must be a whole number of seconds, or a number with s, m, h or d (e.g. 7d)");
  return Number(m[1]) * (UNITS[m[2] || "s"] ?? 1);
}

/** A link's id as list prints it, or its global ID (ShareLink:…) as the API shows it. */
function linkId(value: string): string {
  try {
    const g = decodeGlobalID(value);
    if (g.typename === "ShareLink") return g.id;
  } catch {
    // not a global ID
  }
  return value;
}

export function registerShareCommands(program: Command): void {
  const share = program.command("share").description("Share links: a URL serving a bundle file at GET /share/<token>");
  share
    .command("create")
    .description("Make a link to a bundle in SKILLGRAPH_BUNDLES_DIR; prints its URL (the token is shown only now)")
    .argument("<bundle>", "the bundle file's name, e.g. team-1.0.0.skillmeat-pack")
    .option("--expires-in <duration>", "how long it serves: seconds, or 15m, 12h, 7d", "7d")
    .option("--max-downloads <n>", "downloads it serves at most (default: no limit)")
    .option("--base-url <url>", "the server's public URL (default: SKILLGRAPH_PUBLIC_URL, else http://<HOST>:<PORT>)")
    .option("--json", "print JSON")
    .action(async (bundle: string, opts: { expiresIn: string; maxDownloads?: string; baseUrl?: string; json?: boolean }) => {
      const expiresIn = parseDuration(opts.expiresIn);
      const maxDownloads = opts.maxDownloads === undefined ? null : Number(opts.maxDownloads);
      if (maxDownloads !== null && !Number.isInteger(maxDownloads)) throw new InvalidInputError("--max-downloads", "must be a whole number");
      await withServices(async ({ services, principal, config }) => {
        const listener = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`;
        const made = await services.sharing.links.create(principal, { file: bundle, expiresIn, maxDownloads }, listener, opts.baseUrl ?? null);
        if (opts.json) console.log(JSON.stringify({ id: made.link.id, url: made.url, file: made.link.file, expiresAt: made.link.expiresAt, maxDownloads: made.link.maxDownloads }, null, 2));
        else console.log(`${made.url}\n  id ${made.link.id}, expires ${made.link.expiresAt.toISOString()}${made.link.maxDownloads === null ? "" : `, at most ${made.link.maxDownloads} download(s)`}`);
      });
    });
  share
    .command("revoke")
    .description("Revoke a link: it answers 410 from now on")
    .argument("<id>", "the link's id (share list) or global ID")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }) => {
      await withServices(async ({ services }) => {
        const link = await services.sharing.links.revoke(linkId(id));
        if (opts.json) console.log(JSON.stringify(link, null, 2));
        else console.log(`revoked ${link.id} (${link.file}) at ${link.revokedAt?.toISOString() ?? "?"}`);
      });
    });
  share
    .command("list")
    .description("List share links, newest first (never their tokens)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withServices(async ({ services }) => {
        const links = await services.sharing.links.list();
        if (opts.json) console.log(JSON.stringify(links, null, 2));
        else
          for (const l of links) {
            const state = l.revokedAt ? "revoked" : l.expiresAt.getTime() <= Date.now() ? "expired" : l.maxDownloads !== null && l.downloads >= l.maxDownloads ? "used up" : "active";
            console.log(`${l.id}  ${state.padEnd(8)} ${String(l.downloads).padStart(4)}/${l.maxDownloads ?? "∞"}  ${l.expiresAt.toISOString()}  ${l.file}`);
          }
      });
    });
}
