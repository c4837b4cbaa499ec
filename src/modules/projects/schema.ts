// Projects: Project, Deployment, projects/project queries, registerProject, deployArtifact,
// undeployArtifact, scanProject, syncDeployment, captureDeployment and deploymentsChanged.
// Project.deployments is a Prisma relation: a list of projects with their deployments (and each
// deployment's artifact) costs a constant number of statements.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { filter, pipe } from "graphql-yoga";
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import { connectionFor } from "../../graphql/connections.js";
import { ErrorInterface } from "../../graphql/errors.js";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { ArtifactRef } from "../artifacts/schema.js";
import { ContentRuleError } from "../content/index.js";
import { ArtifactVersionRef } from "../content/schema.js";
import { JobRef } from "../jobs/schema.js";
import { DeployConflictError, ProjectPathError } from "./errors.js";
import type { DeploymentChangedEvent } from "./events.js";
import { deployedFiles, deployedHooks, type ProjectStatus } from "./service.js";

builder.objectType(DeployConflictError, {
  name: "DeployConflictError",
  description: "Files the deploy would write exist and were not written by this deployment (or were edited since). Nothing was changed.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof DeployConflictError,
  fields: (t) => ({ files: t.exposeStringList("files", { description: "The files, relative to the project folder." }) }),
});

builder.objectType(ProjectPathError, {
  name: "ProjectPathError",
  description: "A path in the project breaks a rule (a symlink on the way, leaving the project, settings.json not JSON). Nothing was changed.",
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof ProjectPathError,
  fields: (t) => ({
    path: t.exposeString("path", { description: "The path, relative to the project folder." }),
    rule: t.exposeString("rule", { description: "The rule broken, e.g. path.no-symlinks or settings.json." }),
  }),
});

export const DeploymentStatusEnum = builder.enumType("DeploymentStatus", {
  description: "How a deployed copy compares with what was deployed and with the collection.",
  values: {
    SYNCED: { description: "The files are as deployed and the deployed version is the current one." },
    MODIFIED: { description: "Someone edited the deployed files (their hashes differ)." },
    OUTDATED: { description: "The collection holds a newer version." },
    CONFLICTED: { description: "Both MODIFIED and OUTDATED." },
    MISSING: { description: "Deployed files are gone." },
  } as const,
});

const ProjectKindEnum = builder.enumType("ProjectKind", {
  description: "A project folder, or the user's own folder.",
  values: { PROJECT: { description: "A folder under SKILLGRAPH_PROJECT_ROOTS." }, USER: { description: "The user's home (its ~/.claude), behind SKILLGRAPH_USER_PROJECT." } } as const,
});

const SyncStrategyEnum = builder.enumType("SyncStrategy", {
  description: "How syncDeployment treats files changed on both sides.",
  values: {
    OVERWRITE: { description: "Write the current version; local edits are lost." },
    KEEP_LOCAL: { description: "Keep the project's files; record them as the current version's deployment." },
    MERGE: { description: "Three-way merge of text files; conflicting hunks pause the job for a person." },
    ASK: { description: "Pause for a person on every file that differs." },
  } as const,
});

const DeployedFileRef = builder.simpleObject("DeployedFile", {
  description: "One file a deployment wrote.",
  fields: (t) => ({
    path: t.string({ description: "Relative to the project folder, e.g. .claude/skills/pdf/SKILL.md." }),
    source: t.string({ description: "Relative to the artifact's root." }),
    sha256: t.string({ description: "SHA-256 of the bytes written." }),
  }),
});

export const DeploymentRef = builder.prismaNode("Deployment", {
  id: { field: "id" },
  nullable: true,
  description: "An artifact deployed into a project, with every file's hash at deploy time.",
  fields: (t) => ({
    status: t.expose("status", { type: DeploymentStatusEnum, description: "As of checkedAt (deploys, syncs and scans set it)." }),
    checkedAt: t.expose("checkedAt", { type: "DateTime", description: "When the status was last found." }),
    createdBy: t.exposeString("createdBy", { nullable: true, description: "Who deployed it." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was first deployed." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it was last changed (a deploy, sync, capture or status change)." }),
    artifact: t.relation("artifact", { description: "The deployed artifact." }),
    version: t.relation("version", { type: ArtifactVersionRef, description: "The deployed version." }),
    project: t.relation("project", { description: "Where it is deployed." }),
    files: t.field({ type: [DeployedFileRef], select: { files: true }, description: "Files written (hooks: none; their entries are in settings.json).", resolve: (d) => deployedFiles(d) }),
    hooks: t.field({ type: "JSON", nullable: true, select: { hooks: true }, description: "For a hook artifact: the entries merged into .claude/settings.json.", resolve: (d) => deployedHooks(d)?.entries ?? null }),
  }),
});

const ProjectStatusRef = builder.objectRef<ProjectStatus>("ProjectStatus").implement({
  description: "A fresh scan of a project's deployments.",
  fields: (t) => ({
    status: t.field({ type: DeploymentStatusEnum, description: "The worst deployment's status (SYNCED with none).", resolve: (s) => s.status }),
    synced: t.int({ description: "Deployments whose files match what was deployed, at the current version.", resolve: (s) => s.counts.SYNCED }),
    modified: t.int({ description: "Deployments whose files were edited in the project.", resolve: (s) => s.counts.MODIFIED }),
    outdated: t.int({ description: "Deployments whose artifact has a newer version.", resolve: (s) => s.counts.OUTDATED }),
    conflicted: t.int({ description: "Deployments both edited in the project and behind a newer version.", resolve: (s) => s.counts.CONFLICTED }),
    missing: t.int({ description: "Deployments whose files are gone.", resolve: (s) => s.counts.MISSING }),
    scannedAt: t.expose("scannedAt", { type: "DateTime", description: "When this scan ran." }),
  }),
});

const DeploymentConnection = connectionFor(DeploymentRef, "Deployment", "deployments");

export const ProjectRef = builder.prismaNode("Project", {
  id: { field: "id" },
  nullable: true,
  description: "A folder artifacts are deployed into (its .claude/).",
  fields: (t) => ({
    name: t.exposeString("name", { description: "Unique name (the folder's name unless given)." }),
    path: t.exposeString("path", { description: "The folder's real path." }),
    kind: t.expose("kind", { type: ProjectKindEnum, description: "A registered folder, or the user's own ~/.claude." }),
    scannedAt: t.expose("scannedAt", { type: "DateTime", nullable: true, description: "When its deployments were last scanned." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was registered." }),
    deployments: t.relatedConnection("deployments", { cursor: "id", totalCount: true, description: "Its deployments, oldest first.", query: () => ({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] }) }, DeploymentConnection),
    status: t.field({ type: ProjectStatusRef, description: "Scans every deployment now (hashes the files) and returns the summary; status changes are published.", resolve: (p, _a, ctx) => ctx.services.projects.scan(p.id) }),
  }),
});

builder.queryFields((t) => ({
  projects: t.prismaConnection({
    type: "Project",
    cursor: "id",
    description: "Registered projects, by name.",
    resolve: (query, _root, _args, ctx) => ctx.services.projects.list(query),
    totalCount: (_c, _a, ctx) => ctx.services.projects.count(),
  }, connectionFor(ProjectRef, "Project", "projects")),
  project: t.prismaField({
    type: "Project",
    nullable: true,
    description: "One project by name; null when absent.",
    args: { name: t.arg.string({ required: true, description: "The project's name.", validate: z.string().max(100, "must be at most 100 characters") }) },
    resolve: (query, _root, args, ctx) => ctx.services.projects.byName(args.name, query),
  }),
}));

const deployErrors = [InvalidInputError, NotFoundError, ForbiddenError, DeployConflictError, ProjectPathError, ContentRuleError];

const RegisterProjectPayload = builder.simpleObject("RegisterProjectPayload", { description: "The registered project.", fields: (t) => ({ project: t.field({ type: ProjectRef, description: "The project (the existing one when the folder was registered before)." }) }) });
const DeploymentPayload = builder.simpleObject("DeploymentPayload", { description: "The deployment a deploy made.", fields: (t) => ({ deployment: t.field({ type: DeploymentRef, description: "The new deployment, with its files' hashes." }) }) });
const UndeployPayload = builder.simpleObject("UndeployArtifactPayload", { description: "What an undeploy removed.", fields: (t) => ({ removedDeploymentId: t.id({ description: "The global ID of the removed deployment." }), files: t.stringList({ description: "The files removed." }) }) });
const SyncPayload = builder.simpleObject("SyncDeploymentPayload", { description: "The sync job.", fields: (t) => ({ job: t.field({ type: JobRef, description: "The projects.sync job (PENDING_HITL when it needs a person; answer with respondToJob)." }) }) });
const ScanPayload = builder.simpleObject("ScanProjectPayload", { description: "The scan job.", fields: (t) => ({ job: t.field({ type: JobRef, description: "The projects.scan job." }) }) });
const CapturePayload = builder.simpleObject("CaptureDeploymentPayload", { description: "The deployment after its local copy was captured.", fields: (t) => ({ deployment: t.field({ type: DeploymentRef, description: "The deployment, now SYNCED at the new version." }), version: t.int({ description: "The artifact's version number now." }) }) });

builder.mutationFields((t) => ({
  registerProject: t.field({
    type: RegisterProjectPayload,
    description: "Registers a folder as a project; it must be inside SKILLGRAPH_PROJECT_ROOTS (symlinks resolved first). Registering it again returns it.",
    errors: { types: [InvalidInputError], directResult: true },
    args: {
      path: t.arg.string({ required: true, description: "The folder's absolute path.", validate: z.string().min(1, "must not be empty").max(4096, "must be at most 4096 characters") }),
      name: t.arg.string({ description: "A unique name; the folder's name when omitted." }),
    },
    resolve: async (_r, args, ctx) => ({ project: await ctx.services.projects.register(args.path, args.name) }),
  }),
  deployArtifact: t.field({
    type: DeploymentPayload,
    description: "Writes an artifact's version (default: current) into the project's .claude/ (skills, commands, agents; hooks merged into .claude/settings.json, which needs admin). Existing files not written by it are a DeployConflictError; nothing changes then.",
    errors: { types: deployErrors, directResult: true },
    args: {
      artifact: t.arg.globalID({ required: true, for: ArtifactRef, description: "The artifact to deploy." }),
      project: t.arg.globalID({ required: true, for: ProjectRef, description: "The project to deploy into." }),
      version: t.arg.int({ description: "A version number; the current one when omitted.", validate: z.number().int().min(1, "must be at least 1") }),
    },
    resolve: async (_r, args, ctx) => ({ deployment: await ctx.services.projects.deploy(ctx.principal, args.artifact.id, args.project.id, args.version) }),
  }),
  undeployArtifact: t.field({
    type: UndeployPayload,
    description: "Removes exactly what a deployment wrote (its files, the folders it made, its hook entries) and the deployment.",
    errors: { types: [NotFoundError, ProjectPathError], directResult: true },
    args: { id: t.arg.globalID({ required: true, for: DeploymentRef, description: "The deployment to remove." }) },
    resolve: async (_r, args, ctx) => {
      const d = await ctx.services.projects.undeploy(args.id.id, ctx.principal);
      return { removedDeploymentId: encodeGlobalID("Deployment", d.id), files: deployedFiles(d).map((f) => f.path) };
    },
  }),
  scanProject: t.field({
    type: ScanPayload,
    description: "Queues a projects.scan job of one project; status changes arrive on deploymentsChanged.",
    errors: { types: [NotFoundError], directResult: true },
    args: { project: t.arg.globalID({ required: true, for: ProjectRef, description: "The project to scan." }) },
    resolve: async (_r, args, ctx) => {
      await ctx.services.projects.resolve({ id: args.project.id });
      return { job: await ctx.services.jobs.enqueue("projects.scan", { projectId: args.project.id }, ctx.principal) };
    },
  }),
  syncDeployment: t.field({
    type: SyncPayload,
    description: "Brings a deployment to its artifact's current version as a projects.sync job. MERGE and ASK pause it (PENDING_HITL) with the conflicting hunks in its prompt; answer per file with respondToJob.",
    errors: { types: [NotFoundError, ForbiddenError, InvalidInputError], directResult: true },
    args: { id: t.arg.globalID({ required: true, for: DeploymentRef, description: "The deployment to sync." }), strategy: t.arg({ type: SyncStrategyEnum, required: true, description: "What to do where the project's copy differs." }) },
    resolve: async (_r, args, ctx) => {
      await ctx.services.projects.checkSync(ctx.principal, args.id.id);
      return { job: await ctx.services.jobs.enqueue("projects.sync", { deploymentId: args.id.id, strategy: args.strategy, requestedBy: ctx.principal.name }, ctx.principal) };
    },
  }),
  captureDeployment: t.field({
    type: CapturePayload,
    description: "Stores the project's copy of a deployed artifact (local edits) as the artifact's next version; the deployment is then SYNCED at it.",
    errors: { types: [NotFoundError, InvalidInputError, ProjectPathError, ContentRuleError], directResult: true },
    args: { id: t.arg.globalID({ required: true, for: DeploymentRef, description: "The deployment whose project copy becomes the next version." }) },
    resolve: (_r, args, ctx) => ctx.services.projects.capture(ctx.principal, args.id.id),
  }),
}));

const DeploymentChange = builder.objectRef<DeploymentChangedEvent>("DeploymentChange").implement({
  description: "A deployment's status changed.",
  fields: (t) => ({
    deploymentId: t.id({ description: "The deployment's global ID.", resolve: (e) => encodeGlobalID("Deployment", e.deploymentId) }),
    projectId: t.id({ description: "Its project's global ID.", resolve: (e) => encodeGlobalID("Project", e.projectId) }),
    artifactId: t.id({ description: "Its artifact's global ID.", resolve: (e) => encodeGlobalID("Artifact", e.artifactId) }),
    previousStatus: t.field({ type: DeploymentStatusEnum, nullable: true, description: "null for a new deployment.", resolve: (e) => e.previousStatus }),
    status: t.field({ type: DeploymentStatusEnum, nullable: true, description: "null once undeployed.", resolve: (e) => e.status }),
    at: t.field({ type: "DateTime", description: "When the change was found or made.", resolve: (e) => new Date(e.at) }),
  }),
});

builder.subscriptionFields((t) => ({
  deploymentsChanged: t.field({
    type: DeploymentChange,
    description: "Emits on every deployment status change (found by scans, or set by deploys, syncs and undeploys), of one project or all.",
    args: { project: t.arg.globalID({ for: ProjectRef, description: "Only this project's deployments; all when omitted." }) },
    subscribe: (_root, args, ctx) => {
      const source = ctx.pubsub.subscribe("projects:deployment-changed");
      const id = args.project?.id;
      return id ? pipe(source, filter((e: DeploymentChangedEvent) => e.projectId === id)) : source;
    },
    resolve: (e) => e,
  }),
}));
