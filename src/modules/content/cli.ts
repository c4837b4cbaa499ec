// `skillgraph add <path | git URL>` and `skillgraph collection recover|verify|export-folder|import-folder`,
// on the configured database, as cli:<OS user>. `add` runs the import in this process (the same
// code the content.import job runs) and prints the artifact and version.
import type { Command } from "commander";
import { withServices } from "../../cli/context.js";
import { InvalidInputError } from "../../lib/errors.js";
import type { ArtifactType } from "../../generated/prisma/enums.js";

/** A git URL (not a local path) by its form: scheme://, user@host:path, or ending in .git. */
function looksLikeGit(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^[^/\s]+@[^/\s]+:/.test(source) || source.endsWith(".git");
}

export function registerContentCommands(program: Command): void {
  program
    .command("add")
    .description("Import an artifact from a local folder or markdown file (under SKILLGRAPH_IMPORT_ROOTS) or a git repository; adds a version when it exists")
    .argument("<source>", "a path, or a git URL (https://, ssh://, git@host:repo, file://)")
    .option("--ref <ref>", "git: branch, tag or commit (default: the default branch)")
    .option("--path <path>", "git: folder or file inside the repository")
    .option("--type <type>", "for one markdown file: command or agent")
    .option("-c, --collection <name>", 'collection (default: "default")')
    .option("--json", "print JSON")
    .action(async (source: string, opts: { ref?: string; path?: string; type?: string; collection?: string; json?: boolean }) => {
      const type = opts.type ? (opts.type.toUpperCase() as ArtifactType) : null;
      if (type && !["SKILL", "COMMAND", "AGENT"].includes(type)) throw new InvalidInputError("--type", "must be skill, command or agent");
      const git = looksLikeGit(source) || opts.ref !== undefined || opts.path !== undefined;
      if (!git && !source.startsWith("/")) throw new InvalidInputError("<source>", "must be an absolute path or a git URL");
      await withServices(async ({ services, principal }) => {
        const res = await services.content.import(principal, {
          collection: opts.collection ?? null,
          type,
          ...(git ? { git: { url: source, ref: opts.ref ?? null, path: opts.path ?? null } } : { path: source }),
        });
        if (opts.json) {
          console.log(JSON.stringify(res, null, 2));
          return;
        }
        const what = res.unchanged ? "unchanged" : res.created ? "added" : "updated";
        console.log(`${res.key} ${what}: version ${res.version}, ${res.files} file(s), content ${res.contentHash.slice(0, 12)}${res.commit ? `, commit ${res.commit.slice(0, 12)}` : ""}`);
      });
    });

  const collection = program.command("collection").description("Collection folders: recover the database from them, verify, move between machines");
  collection
    .command("recover")
    .description("Rebuild a collection's rows (artifacts, content, tags, groups, membership) from its folder")
    .argument("<name>", "collection name")
    .option("--json", "print JSON")
    .action(async (name: string, opts: { json?: boolean }) => {
      await withServices(async ({ services }) => printRecover(await services.content.folders.recover(name), opts.json));
    });
  collection
    .command("verify")
    .description("Compare a collection's folder with the database; exit 1 when they differ")
    .argument("<name>", "collection name")
    .action(async (name: string) => {
      await withServices(async ({ services }) => {
        const diffs = await services.content.folders.verify(name);
        if (diffs.length === 0) {
          console.log(`${name}: folder and database agree`);
          return;
        }
        for (const d of diffs) console.log(d);
        process.exitCode = 1;
      });
    });
  collection
    .command("export-folder")
    .description("Write a collection's folder (collection.toml and files) into another folder")
    .argument("<name>", "collection name")
    .requiredOption("--to <dir>", "destination folder")
    .action(async (name: string, opts: { to: string }) => {
      await withServices(async ({ services }) => {
        const c = await services.collections.byName(name);
        await services.content.folders.write(c, opts.to);
        console.log(`${name} written to ${opts.to}`);
      });
    });
  collection
    .command("import-folder")
    .description("Create or update a collection from a folder written by export-folder")
    .argument("<dir>", "the folder holding collection.toml")
    .option("--name <name>", "collection name (default: the manifest's)")
    .option("--json", "print JSON")
    .action(async (dir: string, opts: { name?: string; json?: boolean }) => {
      await withServices(async ({ services }) => {
        const name = opts.name ?? (await services.content.folders.manifestName(dir));
        printRecover(await services.content.folders.recover(name, dir), opts.json);
      });
    });
}

function printRecover(r: { collection: string; created: string[]; updated: string[]; unchanged: string[]; skipped: { item: string; reason: string }[] }, json?: boolean) {
  if (json) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  console.log(`${r.collection}: ${r.created.length} created, ${r.updated.length} updated, ${r.unchanged.length} unchanged, ${r.skipped.length} skipped`);
  for (const s of r.skipped) console.log(`  skipped ${s.item}: ${s.reason}`);
}
