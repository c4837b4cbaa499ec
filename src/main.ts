// The skillgraph CLI. Each top-level command's file is loaded only when that command runs (all of
// them for --help), so the commands agents' session hooks call (medallion, token) start without
// loading the server, the schema or the other modules.
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { ConfigError, DomainError } from "./lib/errors.js";

type Register = (program: Command) => void;

const platform = () => import("./cli/platform.js").then((m) => m.registerPlatformCommands);
const jobs = () => import("./modules/jobs/cli.js").then((m) => m.registerJobCommands);
const content = () => import("./modules/content/cli.js").then((m) => m.registerContentCommands);
const projects = () => import("./modules/projects/cli.js").then((m) => m.registerProjectCommands);
const upstream = () => import("./modules/upstream/cli.js").then((m) => m.registerUpstreamCommands);
const ratings = () => import("./modules/ratings/cli.js").then((m) => m.registerRatingCommands);
const sharing = () => import("./modules/sharing/cli.js").then((m) => m.registerSharingCommands);

const marketplace = () => import("./modules/marketplace/cli.js").then((m) => m.registerMarketplaceCommands);

/** Top-level command → the loader of the function that registers it (and its siblings). */
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: platform,
  db: platform,
  schema: platform,
  token: () => import("./modules/auth/cli.js").then((m) => m.registerTokenCommands),
  worker: jobs,
  jobs,
  rate: ratings,
  show: ratings,
  medallion: () => import("./modules/medallions/cli.js").then((m) => m.registerMedallionCommands),
  mcp: () => import("./modules/mcp/cli.js").then((m) => m.registerMcpCommands),
  add: content,
  collection: content,
  project: projects,
  deploy: projects,
  undeploy: projects,
  status: projects,
  sync: projects,
  update: upstream,
  marketplace,
  install: marketplace,
  publish: marketplace,
  submissions: marketplace,
  submission: marketplace,
  optimize: () => import("./modules/optimizer/cli.js").then((m) => m.registerOptimizerCommands),
  bundle: sharing,
  vault: sharing,
  share: () => import("./modules/sharing/share-cli.js").then((m) => m.registerShareCommands),
};

/** The package's version, from package.json beside src/ and dist/. */
function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

const program = new Command()
  .name("skillgraph")
  .description("skillgraph: one GraphQL graph over a team's agent-skill platform")
  .version(version(), "-V, --version", "print the version")
  // Remote mode: every command but serve, worker, db and schema then talks to that server over GraphQL.
  .option("--url <url>", "work against a running server (its base URL or /graphql endpoint) instead of the local database; default SKILLGRAPH_URL")
  .option("--token <token>", "the API token to send with --url; default SKILLGRAPH_TOKEN")
  .showHelpAfterError();

// The first argument that is not a global option (and its value) names the command.
const requested = process.argv.slice(2).find((arg, i, all) => !arg.startsWith("-") && !["--url", "--token"].includes(all[i - 1] ?? ""));
const loaders = requested !== undefined && Object.hasOwn(COMMANDS, requested) ? [COMMANDS[requested]] : [...new Set(Object.values(COMMANDS))];
for (const register of await Promise.all(loaders.flatMap((load) => (load ? [load()] : [])))) register(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError || err instanceof DomainError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
