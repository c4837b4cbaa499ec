// `skillgraph update --check | <key>`, on the configured database, as cli:<OS user>: the same
// service code the upstream.check and upstream.update jobs run.
import type { Command } from "commander";
import { withServices } from "../../cli/context.js";
import { InvalidInputError } from "../../lib/errors.js";

export function registerUpstreamCommands(program: Command): void {
  program
    .command("update")
    .description("Check git-imported artifacts' remotes (--check), or import an artifact's newer upstream content as a new version")
    .argument("[key]", "artifact key, e.g. skill:pdf (with --check: only that one)")
    .option("--check", "only check: fetch the remotes and print each artifact's status; exit 1 when an update is available or a check failed")
    .option("--ref <ref>", "branch, tag or commit to update to (default: the ref it follows)")
    .option("--json", "print JSON")
    .action(async (key: string | undefined, opts: { check?: boolean; ref?: string; json?: boolean }) => {
      if (!opts.check && !key) throw new InvalidInputError("<key>", "give an artifact key, or --check");
      await withServices(async ({ services, principal }) => {
        const id = key ? (await services.artifacts.byKey(key)).id : null;
        if (opts.check) {
          const rows = await services.upstream.check(id);
          const sources = new Map((await services.upstream.gitSources(rows.map((r) => r.artifactId))).map((s) => [s.artifactId, s.key]));
          const out = rows.map((r) => ({ key: sources.get(r.artifactId) ?? r.artifactId, status: r.status, latestCommit: r.latestCommit, commitsBehind: r.commitsBehind, lastCommitAt: r.lastCommitAt, checkedAt: r.checkedAt, error: r.error }));
          if (opts.json) console.log(JSON.stringify(out, null, 2));
          else for (const r of out) console.log(`${r.status.padEnd(16)} ${r.key}${r.commitsBehind ? ` (${r.commitsBehind} commit(s) behind)` : ""}${r.error ? `: ${r.error}` : ""}`);
          if (out.some((r) => r.status !== "UP_TO_DATE")) process.exitCode = 1;
          return;
        }
        const r = await services.upstream.update(principal, id as string, opts.ref ?? null);
        const out = { key, version: r.import.version, unchanged: r.import.unchanged, commit: r.import.commit, status: r.upstream.status };
        if (opts.json) console.log(JSON.stringify(out, null, 2));
        else console.log(r.import.unchanged ? `${key}: unchanged at version ${r.import.version}` : `${key}: version ${r.import.version} from ${r.import.commit?.slice(0, 12) ?? "?"}`);
      });
    });
}
