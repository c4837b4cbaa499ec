// `skillgraph deploy|undeploy|status|sync`, on the configured database, as cli:<OS user>: the same
// service code the API runs. --project takes a folder (default: the current one) or a project name.
import type { Command } from "commander";
import { isAbsolute, resolve } from "node:path";
import { withServices } from "../../cli/context.js";
import type { Services } from "../../lib/services.js";
import { DomainError, InvalidInputError } from "../../lib/errors.js";
import { deployedFiles, type SyncStrategy } from "./service.js";

function projectRef(p: string | undefined) {
  const v = p ?? process.cwd();
  return v.includes("/") || v === "." || v === ".." || isAbsolute(v) ? { path: resolve(v) } : { name: v };
}

async function deploymentOf(services: Services, key: string, project: string | undefined) {
  const p = await services.projects.resolve(projectRef(project));
  const artifact = await services.artifacts.byKey(key);
  const d = (await services.projects.deploymentsOf(p.id)).find((x) => x.artifactId === artifact.id);
  if (!d) throw new InvalidInputError("<key>", `${key} is not deployed in ${p.name}`);
  return { project: p, artifact, deployment: d };
}

export function registerProjectCommands(program: Command): void {
  const project = program.command("project").description("Projects: folders artifacts are deployed into");
  project
    .command("register")
    .description("Register a folder (inside SKILLGRAPH_PROJECT_ROOTS) as a project")
    .argument("<dir>", "the folder")
    .option("--name <name>", "a unique name (default: the folder's name)")
    .option("--json", "print JSON")
    .action(async (dir: string, opts: { name?: string; json?: boolean }) => {
      await withServices(async ({ services }) => {
        const p = await services.projects.register(resolve(dir), opts.name ?? null);
        if (opts.json) console.log(JSON.stringify(p, null, 2));
        else console.log(`${p.name}: ${p.path}`);
      });
    });
  project
    .command("list")
    .description("List registered projects")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      await withServices(async ({ services }) => {
        const all = await services.projects.list();
        if (opts.json) console.log(JSON.stringify(all, null, 2));
        else for (const p of all) console.log(`${p.name.padEnd(24)} ${p.kind.padEnd(8)} ${p.path}`);
      });
    });

  program
    .command("deploy")
    .description("Deploy an artifact into a project's .claude/ folder (the project must be registered)")
    .argument("<key>", "artifact key, e.g. skill:pdf")
    .option("--project <dir|name>", "project folder or name (default: the current folder)")
    .option("--version <n>", "version number (default: the current one)")
    .option("--json", "print JSON")
    .action(async (key: string, opts: { project?: string; version?: string; json?: boolean }) => {
      const version = opts.version === undefined ? null : Number(opts.version);
      if (version !== null && (!Number.isInteger(version) || version < 1)) throw new InvalidInputError("--version", "must be a whole number ≥ 1");
      await withServices(async ({ services, principal }) => {
        const p = await services.projects.resolve(projectRef(opts.project));
        const artifact = await services.artifacts.byKey(key);
        const d = await services.projects.deploy(principal, artifact.id, p.id, version);
        const files = deployedFiles(d);
        if (opts.json) console.log(JSON.stringify({ project: p.name, key, deploymentId: d.id, status: d.status, files }, null, 2));
        else console.log(`${key} deployed to ${p.name}: ${files.length ? `${files.length} file(s)` : "hooks merged into .claude/settings.json"}`);
      });
    });

  program
    .command("undeploy")
    .description("Remove exactly what a deploy wrote")
    .argument("<key>", "artifact key")
    .option("--project <dir|name>", "project folder or name (default: the current folder)")
    .option("--json", "print JSON")
    .action(async (key: string, opts: { project?: string; json?: boolean }) => {
      await withServices(async ({ services, principal }) => {
        const { project, deployment } = await deploymentOf(services, key, opts.project);
        await services.projects.undeploy(deployment.id, principal);
        if (opts.json) console.log(JSON.stringify({ project: project.name, key, removed: deployedFiles(deployment).map((f) => f.path) }, null, 2));
        else console.log(`${key} undeployed from ${project.name}`);
      });
    });

  program
    .command("status")
    .description("Scan projects' deployments for drift (SYNCED, MODIFIED, OUTDATED, CONFLICTED, MISSING); exit 1 when any is not SYNCED")
    .argument("[project]", "project folder or name (default: every project)")
    .option("--json", "print JSON")
    .action(async (project: string | undefined, opts: { json?: boolean }) => {
      await withServices(async ({ services }) => {
        const projects = project ? [await services.projects.resolve(projectRef(project))] : await services.projects.list();
        const out = [];
        for (const p of projects) {
          const status = await services.projects.scan(p.id);
          const deployments = await services.projects.deploymentsOf(p.id);
          const artifacts = await services.artifacts.byIds(deployments.map((d) => d.artifactId));
          const keyOf = new Map(artifacts.map((a) => [a.id, `${a.type.toLowerCase()}:${a.name}`]));
          out.push({ project: p.name, path: p.path, status: status.status, deployments: deployments.map((d) => ({ key: keyOf.get(d.artifactId) ?? d.artifactId, status: d.status })) });
        }
        if (opts.json) console.log(JSON.stringify(out, null, 2));
        else
          for (const p of out) {
            console.log(`${p.project} (${p.path}): ${p.status}`);
            for (const d of p.deployments) console.log(`  ${d.status.padEnd(10)} ${d.key}`);
          }
        if (out.some((p) => p.status !== "SYNCED")) process.exitCode = 1;
      });
    });

  program
    .command("sync")
    .description("Bring a deployment to the artifact's current version; MERGE stops on conflicts (answer them through the API's syncDeployment job)")
    .argument("<key>", "artifact key")
    .option("--project <dir|name>", "project folder or name (default: the current folder)")
    .option("--strategy <s>", "overwrite, keep-local or merge", "merge")
    .option("--json", "print JSON")
    .action(async (key: string, opts: { project?: string; strategy: string; json?: boolean }) => {
      const strategy = opts.strategy.toUpperCase().replace("-", "_") as SyncStrategy;
      if (!["OVERWRITE", "KEEP_LOCAL", "MERGE"].includes(strategy)) throw new InvalidInputError("--strategy", "must be overwrite, keep-local or merge (ask: use the API)");
      await withServices(async ({ services, principal }) => {
        const { project, deployment } = await deploymentOf(services, key, opts.project);
        const d = await services.projects.sync(principal, deployment.id, strategy, async (_k, prompt) => {
          throw new DomainError(`${prompt.message.split(";")[0]}: nothing was changed; run syncDeployment over the API to answer, or use --strategy overwrite|keep-local`);
        });
        if (opts.json) console.log(JSON.stringify({ project: project.name, key, status: d.status, files: deployedFiles(d) }, null, 2));
        else console.log(`${key} in ${project.name}: ${d.status}`);
      });
    });
}
