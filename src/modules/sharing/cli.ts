// `skillgraph bundle export|import|verify|inspect` and `skillgraph vault add|push|pull|list`: on the
// local database as cli:<OS user> (the same service code the sharing jobs run), or with --url as
// the server's mutations and jobs, followed to the end. Progress goes to standard error.
import type { Command } from "commander";
import { withServices } from "../../cli/context.js";
import { printJson, printTable, progressReporter } from "../../cli/output.js";
import { followJob, remoteOf, unwrap } from "../../cli/remote.js";
import { InvalidInputError } from "../../lib/errors.js";
import type { VerifyResult } from "./service.js";

const STRATEGIES = ["merge", "fork", "skip"] as const;

/** What `bundle verify` prints: the verification without its manifest, each artifact summarised. */
type Verification = Omit<VerifyResult, "manifest" | "trust"> & {
  trust: string;
  artifacts: { type: string; name: string; version: string | null; contentHash: string; files: number }[];
};

const VERIFY = `mutation Verify($file: String!) { verifyBundle(file: $file) { __typename
  ... on BundleVerification { file sha256 name version createdBy signer trust artifacts { type name version contentHash files } }
  ... on Error { message } } }`;

async function verification(command: Command, file: string): Promise<Verification> {
  const remote = remoteOf(command);
  if (remote) return unwrap((await remote.request<{ verifyBundle: Verification & { __typename: string } }>(VERIFY, { file })).verifyBundle);
  return withServices(async ({ services }) => {
    const v = await services.sharing.verifyBundle(file);
    return { ...v, artifacts: v.manifest.artifacts.map((a) => ({ type: a.type, name: a.name, version: a.version, contentHash: a.contentHash, files: a.files.length })) };
  });
}

/** Runs a job kind's work: remotely as the mutation's job (followed), locally in this process. */
async function runJob<T>(command: Command, json: boolean | undefined, remoteStart: (remote: NonNullable<ReturnType<typeof remoteOf>>) => Promise<string>, local: (progress: (p: number, m: string) => Promise<void>) => Promise<T>, what: string): Promise<unknown> {
  const progress = progressReporter({ quiet: json });
  const remote = remoteOf(command);
  try {
    if (remote) return await followJob(remote, await remoteStart(remote), (p, m) => progress.update(p, m), what);
    return await local(async (p, m) => progress.update(p, m));
  } finally {
    progress.done();
  }
}

export function registerSharingCommands(program: Command): void {
  const bundle = program.command("bundle").description("Signed bundles (.skillmeat-pack): export, import, verify, inspect");
  bundle
    .command("export")
    .description("Export a collection (or artifacts) as a signed, deterministic bundle in SKILLGRAPH_BUNDLES_DIR")
    .option("-c, --collection <name>", "the collection to bundle")
    .option("--artifact <id...>", "artifact ids to bundle (instead of a collection)")
    .requiredOption("--name <name>", "the bundle's name")
    // Not --version: that prints the CLI's own version.
    .requiredOption("--bundle-version <version>", "the bundle's version (e.g. 1.0.0)")
    .option("--json", "print JSON")
    .action(async (opts: { collection?: string; artifact?: string[]; name: string; bundleVersion: string; json?: boolean }, command: Command) => {
      const input = { collection: opts.collection ?? null, artifacts: opts.artifact ?? null, name: opts.name, version: opts.bundleVersion };
      const result = (await runJob(
        command,
        opts.json,
        async (remote) => {
          const data = await remote.request<{ exportBundle: { __typename: string; job: { id: string } } }>(
            `mutation Export($input: ExportBundleInput!) { exportBundle(input: $input) { __typename ... on ExportBundlePayload { job { id } } ... on Error { message } } }`,
            { input },
          );
          return unwrap(data.exportBundle).job.id;
        },
        (progress) => withServices(({ services, principal }) => services.sharing.exportBundle(principal, input, progress)),
        "export",
      )) as { file: string; sha256: string; artifacts: number; signer: string };
      if (opts.json) return printJson(result);
      console.log(`Exported ${result.file}: ${result.artifacts} artifact(s), sha256 ${result.sha256}, signed by ${result.signer.slice(0, 16)}…`);
    });
  bundle
    .command("import")
    .description("Verify a bundle of SKILLGRAPH_BUNDLES_DIR and import it into a collection")
    .argument("<file>", "the bundle file's name in the bundles folder")
    .option("-c, --collection <name>", 'the target collection (default "default")')
    .option("--strategy <strategy>", `what to do with a conflict: ${STRATEGIES.join(", ")}`, "skip")
    .option("--json", "print JSON")
    .action(async (file: string, opts: { collection?: string; strategy: string; json?: boolean }, command: Command) => {
      if (!(STRATEGIES as readonly string[]).includes(opts.strategy)) throw new InvalidInputError("--strategy", `must be one of ${STRATEGIES.join(", ")}`);
      const strategy = opts.strategy.toUpperCase() as "MERGE" | "FORK" | "SKIP";
      const result = (await runJob(
        command,
        opts.json,
        async (remote) => {
          const data = await remote.request<{ importBundle: { __typename: string; job: { id: string } } }>(
            `mutation Import($file: String!, $collection: String, $strategy: BundleImportStrategy!) { importBundle(file: $file, collection: $collection, strategy: $strategy) { __typename ... on ImportBundlePayload { job { id } } ... on Error { message } } }`,
            { file, collection: opts.collection ?? null, strategy },
          );
          return unwrap(data.importBundle).job.id;
        },
        (progress) => withServices(({ services, principal }) => services.sharing.importBundle(principal, { file, collection: opts.collection ?? null, strategy }, progress)),
        "import",
      )) as { bundle: string; version: string; collection: string; items: { type: string; name: string; action: string }[] };
      if (opts.json) return printJson(result);
      console.log(`Imported ${result.bundle} ${result.version} into ${result.collection}:`);
      printTable(result.items, [{ header: "ACTION", value: (i) => i.action }, { header: "TYPE", value: (i) => i.type }, { header: "NAME", value: (i) => i.name }], "(nothing)");
    });
  bundle
    .command("verify")
    .description("Verify a bundle of SKILLGRAPH_BUNDLES_DIR: archive safety, signer, signature and every file; exits 2 with the problem when refused")
    .argument("<file>", "the bundle file's name in the bundles folder")
    .option("--json", "print JSON")
    .action(async (file: string, opts: { json?: boolean }, command: Command) => {
      const v = await verification(command, file);
      if (opts.json) return printJson({ file: v.file, sha256: v.sha256, name: v.name, version: v.version, signer: v.signer, trust: v.trust });
      console.log(`${v.file}: verified (${v.trust}${v.signer ? `, signer ${v.signer}` : ""})`);
    });
  bundle
    .command("inspect")
    .description("Verify a bundle and show what it holds")
    .argument("<file>", "the bundle file's name in the bundles folder")
    .option("--json", "print JSON")
    .action(async (file: string, opts: { json?: boolean }, command: Command) => {
      const v = await verification(command, file);
      if (opts.json) return printJson(v);
      console.log(`${v.name} ${v.version} (${v.file}), created by ${v.createdBy ?? "-"}, ${v.trust}${v.signer ? ` signer ${v.signer}` : ""}, sha256 ${v.sha256}`);
      printTable(v.artifacts, [{ header: "TYPE", value: (a) => a.type }, { header: "NAME", value: (a) => a.name }, { header: "VERSION", value: (a) => a.version }, { header: "FILES", value: (a) => a.files, align: "right" }, { header: "CONTENT HASH", value: (a) => a.contentHash.slice(0, 16) }], "(no artifacts)");
    });

  const vault = program.command("vault").description("Vaults: folders, git repositories and S3 buckets bundles are pushed to and pulled from");
  vault
    .command("add")
    .description("Add a vault (admin). S3 credentials are read from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, never from arguments")
    .argument("<name>", "the vault's name")
    .option("--folder <path>", "a folder inside SKILLGRAPH_VAULT_ROOTS")
    .option("--git <url>", "a git repository URL")
    .option("--branch <branch>", 'the git branch (default "main")')
    .option("--s3-bucket <bucket>", "an S3 bucket")
    .option("--s3-endpoint <url>", "an S3-compatible endpoint (MinIO …)")
    .option("--s3-region <region>", 'the S3 region (default "us-east-1")')
    .option("--s3-prefix <prefix>", "a key prefix in the bucket")
    .option("--s3-path-style", "address the bucket in the path (MinIO and most S3-compatible services)")
    .option("--json", "print JSON")
    .action(async (name: string, opts: { folder?: string; git?: string; branch?: string; s3Bucket?: string; s3Endpoint?: string; s3Region?: string; s3Prefix?: string; s3PathStyle?: boolean; json?: boolean }, command: Command) => {
      const s3 = opts.s3Bucket
        ? { bucket: opts.s3Bucket, endpoint: opts.s3Endpoint ?? null, region: opts.s3Region ?? null, prefix: opts.s3Prefix ?? null, forcePathStyle: opts.s3PathStyle === true, accessKeyId: process.env.AWS_ACCESS_KEY_ID || null, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || null }
        : null;
      const input = { name, folder: opts.folder ? { path: opts.folder } : null, git: opts.git ? { url: opts.git, branch: opts.branch ?? null } : null, s3 };
      const remote = remoteOf(command);
      const made = remote
        ? unwrap(
            (
              await remote.request<{ createVault: { __typename: string; name: string; kind: string; config: unknown; hasCredentials: boolean } }>(
                `mutation Add($input: CreateVaultInput!) { createVault(input: $input) { __typename ... on Vault { name kind config hasCredentials } ... on Error { message } } }`,
                { input },
              )
            ).createVault,
          )
        : await withServices(async ({ services, principal }) => {
            const v = await services.sharing.vaults.create(principal, input);
            return { name: v.name, kind: v.kind, config: v.config, hasCredentials: v.sealedCredentials !== null };
          });
      const out = { name: made.name, kind: made.kind, config: made.config, hasCredentials: made.hasCredentials };
      if (opts.json) return printJson(out);
      console.log(`Added the ${out.kind} vault ${out.name}${out.hasCredentials ? " (credentials sealed)" : ""}.`);
    });
  vault
    .command("push")
    .description("Verify a bundle of SKILLGRAPH_BUNDLES_DIR and write it into a vault as <name>/<version>.skillmeat-pack")
    .argument("<vault>", "the vault's name")
    .argument("<file>", "the bundle file's name in the bundles folder")
    .option("--json", "print JSON")
    .action(async (vaultName: string, file: string, opts: { json?: boolean }, command: Command) => {
      const result = (await runJob(
        command,
        opts.json,
        async (remote) => {
          const data = await remote.request<{ pushBundle: { __typename: string; job: { id: string } } }>(
            `mutation Push($vault: String!, $bundle: String!) { pushBundle(vault: $vault, bundle: $bundle) { __typename ... on PushBundlePayload { job { id } } ... on Error { message } } }`,
            { vault: vaultName, bundle: file },
          );
          return unwrap(data.pushBundle).job.id;
        },
        (progress) => withServices(({ services }) => services.sharing.vaults.push({ vault: vaultName, bundle: file }, progress)),
        "push",
      )) as { vault: string; key: string; sha256: string };
      if (opts.json) return printJson(result);
      console.log(`Pushed ${result.key} to ${result.vault} (sha256 ${result.sha256}).`);
    });
  vault
    .command("pull")
    .description("Read a bundle from a vault by name and version, verify it as import does, and store it in SKILLGRAPH_BUNDLES_DIR")
    .argument("<vault>", "the vault's name")
    .argument("<name>", "the bundle's name")
    .argument("<version>", "the bundle's version")
    .option("--json", "print JSON")
    .action(async (vaultName: string, name: string, version: string, opts: { json?: boolean }, command: Command) => {
      const result = (await runJob(
        command,
        opts.json,
        async (remote) => {
          const data = await remote.request<{ pullBundle: { __typename: string; job: { id: string } } }>(
            `mutation Pull($vault: String!, $name: String!, $version: String!) { pullBundle(vault: $vault, name: $name, version: $version) { __typename ... on PullBundlePayload { job { id } } ... on Error { message } } }`,
            { vault: vaultName, name, version },
          );
          return unwrap(data.pullBundle).job.id;
        },
        (progress) => withServices(({ services }) => services.sharing.vaults.pull({ vault: vaultName, name, version }, progress)),
        "pull",
      )) as { file: string; trust: string; signer: string | null };
      if (opts.json) return printJson(result);
      console.log(`Pulled ${result.file} (${result.trust}${result.signer ? `, signer ${result.signer}` : ""}); import it with: skillgraph bundle import ${result.file}`);
    });
  vault
    .command("list")
    .description("The vaults and the bundles each holds now (read from the vault and verified)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, command: Command) => {
      type Row = { vault: string; kind: string; name: string | null; version: string | null; size: number | null; signer: string | null; trust: string | null; problem: string | null; pushedAt: string | null; error: string | null };
      const remote = remoteOf(command);
      let rows: Row[];
      if (remote) {
        type Remote = { vaults: { edges: { node: { name: string; kind: string; bundles: { __typename: string; message?: string; data?: { name: string; version: string; size: number; signer: string | null; trust: string | null; problem: string | null; pushedAt: string | null }[] } } }[] } };
        const data = await remote.request<Remote>(`query Vaults { vaults(first: 100) { edges { node { name kind bundles { __typename ... on VaultBundlesSuccess { data { name version size signer trust problem pushedAt } } ... on Error { message } } } } } }`);
        rows = data.vaults.edges.flatMap(({ node }): Row[] =>
          node.bundles.data
            ? node.bundles.data.map((b) => ({ vault: node.name, kind: node.kind, ...b, error: null }))
            : [{ vault: node.name, kind: node.kind, name: null, version: null, size: null, signer: null, trust: null, problem: null, pushedAt: null, error: node.bundles.message ?? node.bundles.__typename }],
        );
      } else {
        rows = await withServices(async ({ services }) => {
          const out: Row[] = [];
          const ring = await services.sharing.keys.ring();
          for (const v of await services.sharing.vaults.list()) {
            try {
              for (const b of await services.sharing.vaults.bundles(v, ring)) out.push({ vault: v.name, kind: v.kind, name: b.name, version: b.version, size: b.size, signer: b.signer, trust: b.trust, problem: b.problem, pushedAt: b.pushedAt?.toISOString() ?? null, error: null });
            } catch (err) {
              out.push({ vault: v.name, kind: v.kind, name: null, version: null, size: null, signer: null, trust: null, problem: null, pushedAt: null, error: err instanceof Error ? err.message : String(err) });
            }
          }
          return out;
        });
      }
      if (opts.json) return printJson(rows);
      printTable(
        rows,
        [
          { header: "VAULT", value: (r) => r.vault },
          { header: "KIND", value: (r) => r.kind },
          { header: "BUNDLE", value: (r) => r.name },
          { header: "VERSION", value: (r) => r.version },
          { header: "SIZE", value: (r) => r.size, align: "right" },
          { header: "STATUS", value: (r) => r.error ?? r.problem ?? r.trust },
          { header: "SIGNER", value: (r) => r.signer?.slice(0, 16) },
          { header: "PUSHED", value: (r) => r.pushedAt?.replace("T", " ").slice(0, 19) },
        ],
        "No vaults.",
      );
    });
}
