// Projects: registered folders, the artifacts deployed into them (Deployment rows with each
// file's hash), drift scans, undeploy, sync (OVERWRITE / KEEP_LOCAL / MERGE / ASK) and capture
// of local edits as a new version. Owns Project and Deployment; artifacts and their content are
// read through the artifacts and content services.
import { realpath, stat } from "node:fs/promises";
import { basename, isAbsolute, join, resolve, sep } from "node:path";
import type { Database, Prisma } from "../../db/index.js";
import type { Artifact, Deployment, Project } from "../../generated/prisma/client.js";
import type { EventBus } from "../../lib/event-bus.js";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { hasScope, type Principal } from "../../lib/principal.js";
import { noUsage, type UsageSink } from "../../lib/usage.js";
import type { ArtifactService } from "../artifacts/index.js";
import type { RatingService } from "../ratings/index.js";
import { prepare, readTree, sha256, textOf, type ContentService } from "../content/index.js";
import type { ProjectsConfig } from "./config.js";
import { declaredTools, deniedTools, parseLenient, PERMISSION_FILES } from "./compat.js";
import { driftStatus, worstStatus } from "./drift.js";
import { DeployConflictError, ProjectPathError } from "./errors.js";
import type { DeploymentStatusName } from "./events.js";
import { applyChanges, checkedPath, hashesOnDisk, readIfFile, removeEmptyDirs, type Change, type FolderCache } from "./files.js";
import { hooksOf, hooksPresent, mergeHooks, parseSettings, removeHooks } from "./hooks.js";
import { mergeFile, type MergeHunk } from "./merge.js";
import { dirsOf, filesOf, hooksRecordOf, type DeployedFile, type DeployedHooks } from "./records.js";
import { isDeployable, SETTINGS_FILE, targetOf } from "./targets.js";

export type { DeployedFile, DeployedHooks };

export type SyncStrategy = "OVERWRITE" | "KEEP_LOCAL" | "MERGE" | "ASK";

/** A person's answer for one file of a paused sync: take theirs, keep ours, or this text. */
export type FileAnswer = { take: "THEIRS" } | { take: "OURS" } | { text: string };

export interface SyncQuestion {
  path: string;
  binary: boolean;
  hunks: MergeHunk[] | null;
}

export type Ask = (key: string, prompt: { message: string; details: unknown }) => Promise<unknown>;

export interface ProjectStatus {
  status: DeploymentStatusName;
  counts: Record<DeploymentStatusName, number>;
  scannedAt: Date;
}

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
const USER_NAME = "user";

export function deployedFiles(d: Pick<Deployment, "files">): DeployedFile[] {
  return filesOf(d.files);
}
export function deployedHooks(d: Pick<Deployment, "hooks">): DeployedHooks | null {
  return hooksRecordOf(d.hooks);
}
const json = (v: unknown) => v as Prisma.InputJsonValue;

export class ProjectService {
  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly artifacts: ArtifactService,
    private readonly content: ContentService,
    /** Gets each deploy's outcome at its project: the compatibility score is computed from them. */
    private readonly ratings: RatingService,
    readonly config: ProjectsConfig,
  ) {}

  private usage: UsageSink = noUsage;

  /** Where deploys, undeploys, syncs and captures (as IMPORT, with the project) are reported as usage events (the usage module). */
  onUsage(sink: UsageSink): void {
    this.usage = sink;
  }

  // ---- projects

  /** Registers a folder under SKILLGRAPH_PROJECT_ROOTS (its real path must be inside one); idempotent. */
  async register(path: string, name?: string | null): Promise<Project> {
    if (this.config.roots.length === 0) throw new InvalidInputError("path", "registering projects is off: the operator allows no folder (SKILLGRAPH_PROJECT_ROOTS)");
    if (!isAbsolute(path)) throw new InvalidInputError("path", "must be an absolute path");
    const lexical = resolve(path);
    const root = this.config.roots.find((r) => inside(r, lexical));
    if (!root) throw new InvalidInputError("path", "must be inside one of the folders SKILLGRAPH_PROJECT_ROOTS allows");
    let real: string;
    try {
      real = await realpath(lexical);
      if (!(await stat(real)).isDirectory()) throw new Error("not a folder");
    } catch {
      throw new InvalidInputError("path", "must be an existing folder");
    }
    const realRoot = await realpath(root).catch(() => root);
    if (!inside(realRoot, real) || real === realRoot) throw new InvalidInputError("path", "must be a folder inside SKILLGRAPH_PROJECT_ROOTS (symlinks are resolved before the check)");
    const wanted = name ?? basename(real);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(wanted)) throw new InvalidInputError("name", "must be 1–100 letters, digits, ., _ or -");
    const existing = await this.db.prisma.project.findUnique({ where: { path: real } });
    if (existing) return existing;
    if (wanted === USER_NAME || (await this.db.prisma.project.findUnique({ where: { name: wanted }, select: { id: true } }))) {
      throw new InvalidInputError("name", `a project named "${wanted}" exists; give another name`);
    }
    return this.db.prisma.project.create({ data: { name: wanted, path: real } });
  }

  /** The user's own folder as the project "user", when SKILLGRAPH_USER_PROJECT is on. */
  async ensureUserProject(): Promise<Project | null> {
    if (!this.config.userProject) return null;
    const real = await realpath(this.config.userHome).catch(() => this.config.userHome);
    return this.db.prisma.project.upsert({ where: { name: USER_NAME }, create: { name: USER_NAME, path: real, kind: "USER" }, update: {} });
  }

  list(query: { select?: Prisma.ProjectSelect; include?: Prisma.ProjectInclude } = {}, page: { take?: number; skip?: number; cursor?: { id: string } } = {}): Promise<Project[]> {
    return this.db.prisma.project.findMany({ ...query, ...page, orderBy: { name: "asc" } });
  }

  byName(name: string, query: { select?: Prisma.ProjectSelect; include?: Prisma.ProjectInclude } = {}): Promise<Project | null> {
    return this.db.prisma.project.findUnique({ ...query, where: { name } });
  }

  count(): Promise<number> {
    return this.db.prisma.project.count();
  }

  /** A project by id, name or folder. */
  async resolve(ref: { id?: string | null; name?: string | null; path?: string | null }): Promise<Project> {
    let p: Project | null = null;
    if (ref.id) p = await this.db.prisma.project.findUnique({ where: { id: ref.id } });
    else if (ref.name) p = await this.db.prisma.project.findUnique({ where: { name: ref.name } });
    else if (ref.path) {
      const real = await realpath(resolve(ref.path)).catch(() => resolve(ref.path ?? "."));
      p = await this.db.prisma.project.findUnique({ where: { path: real } });
    }
    if (!p) throw new NotFoundError("Project", ref.id ?? ref.name ?? ref.path ?? "");
    return p;
  }

  async deployment(id: string): Promise<Deployment> {
    const d = await this.db.prisma.deployment.findUnique({ where: { id } });
    if (!d) throw new NotFoundError("Deployment", id);
    return d;
  }

  deploymentsOf(projectId: string): Promise<Deployment[]> {
    return this.db.prisma.deployment.findMany({ where: { projectId }, orderBy: { createdAt: "asc" } });
  }

  // ---- deploy

  /**
   * Writes an artifact's version (default: its current one) into the project's .claude/ folder and
   * records a Deployment. A file that exists and was not written by this deployment (or was edited
   * since) is a DeployConflictError; nothing is changed then. Hooks need admin: Claude Code runs them.
   */
  async deploy(principal: Principal, artifactId: string, projectId: string, versionNumber?: number | null): Promise<Deployment> {
    const [artifact, project] = await Promise.all([this.artifacts.byId(artifactId), this.resolve({ id: projectId })]);
    if (!isDeployable(artifact.type)) throw new InvalidInputError("artifact", `a ${artifact.type.toLowerCase()} artifact is not deployed into a project folder${artifact.type === "MCP" ? " (deploy MCP servers with deployMcpServer)" : ""}`);
    if (artifact.type === "HOOK" && !hasScope(principal, "admin")) throw new ForbiddenError("Artifact", artifact.name, "deploying hooks needs the admin scope: Claude Code runs their commands on the host");
    const [versions] = await this.content.versionsOf([artifact.id]);
    const version = versionNumber ? versions?.find((v) => v.number === versionNumber) : versions?.find((v) => v.id === artifact.currentVersionId);
    if (!version) throw versionNumber ? new NotFoundError("ArtifactVersion", String(versionNumber)) : new InvalidInputError("artifact", "has no content to deploy (import it first)");
    let saved: Deployment;
    try {
      saved = await this.write(principal, artifact, project, version.id);
    } catch (err) {
      await this.recordFailure(artifact.id, project.id, err);
      throw err;
    }
    await this.recordFit(artifact, project);
    await this.usage({ kind: "DEPLOY", artifactId: saved.artifactId, projectId: saved.projectId, actor: principal.name });
    return saved;
  }

  /** Writes the version's files (or hooks) into the project and upserts the Deployment. */
  private async write(principal: Principal, artifact: Artifact, project: Project, versionId: string): Promise<Deployment> {
    const type = artifact.type;
    if (!isDeployable(type)) throw new InvalidInputError("artifact", `a ${type.toLowerCase()} artifact is not deployed into a project folder`);
    const previous = await this.db.prisma.deployment.findUnique({ where: { projectId_artifactId: { projectId: project.id, artifactId: artifact.id } } });
    const data = await this.content.versionData(versionId);
    let files: DeployedFile[] = [];
    let hooks: DeployedHooks | null = null;
    let createdDirs: string[] = [];
    if (type === "HOOK") {
      hooks = await this.writeHooks(project.path, data, previous ? deployedHooks(previous) : null);
    } else {
      const map = targetOf(type, artifact.name, data.map((f) => f.path));
      const ours = new Map((previous ? deployedFiles(previous) : []).map((f) => [f.path, f.sha256]));
      const wanted = data.filter((f) => map.has(f.path)).map((f) => ({ rel: map.get(f.path) ?? "", source: f.path, data: f.data }));
      const onDisk = await hashesOnDisk(project.path, [...new Set([...wanted.map((w) => w.rel), ...ours.keys()])]);
      const conflicts = wanted.filter((w) => {
        const now = onDisk.get(w.rel);
        return now !== null && now !== undefined && now !== ours.get(w.rel) && now !== sha256(w.data);
      });
      const editedGone = [...ours].filter(([rel, h]) => !map.has(rel) && !wanted.some((w) => w.rel === rel) && onDisk.get(rel) !== null && onDisk.get(rel) !== h);
      if (conflicts.length || editedGone.length) throw new DeployConflictError([...conflicts.map((c) => c.rel), ...editedGone.map(([rel]) => rel)]);
      const keep = new Set(wanted.map((w) => w.rel));
      const changes: Change[] = [...wanted.map((w) => ({ rel: w.rel, data: w.data })), ...[...ours.keys()].filter((rel) => !keep.has(rel)).map((rel) => ({ rel, data: null }))];
      createdDirs = await applyChanges(project.path, changes);
      files = wanted.map((w) => ({ path: w.rel, source: w.source, sha256: sha256(w.data) }));
    }
    const dirs = [...new Set([...(previous ? dirsOf(previous.createdDirs) : []), ...createdDirs])];
    const saved = await this.db.prisma.deployment.upsert({
      where: { projectId_artifactId: { projectId: project.id, artifactId: artifact.id } },
      create: { projectId: project.id, artifactId: artifact.id, versionId, files: json(files), createdDirs: json(dirs), hooks: hooks ? json(hooks) : undefined, status: "SYNCED", createdBy: principal.name },
      update: { versionId, files: json(files), createdDirs: json(dirs), hooks: hooks ? json(hooks) : undefined, status: "SYNCED", checkedAt: new Date(), createdBy: principal.name },
    });
    this.announce(saved, previous?.status ?? null, "SYNCED");
    return saved;
  }

  // ---- compatibility (reported to ratings)

  /** A deploy or sync that reached the project and failed there (a conflict, a path or write rule): the artifact did not fit it. */
  private async recordFailure(artifactId: string, projectId: string, err: unknown): Promise<void> {
    if (!(err instanceof DeployConflictError) && !(err instanceof ProjectPathError)) return;
    await this.ratings.setDeployOutcome(artifactId, { target: projectId, fits: false, reason: err.message });
  }

  /** A deploy or sync that succeeded: it fits unless the project's settings deny a tool the artifact declares. */
  private async recordFit(artifact: Pick<Artifact, "id" | "tools">, project: Pick<Project, "id" | "path">): Promise<void> {
    const declared = declaredTools(artifact.tools);
    const denied = declared.length ? deniedTools(declared, await Promise.all(PERMISSION_FILES.map(async (f) => parseLenient((await readIfFile(project.path, f).catch(() => null))?.toString("utf8") ?? null)))) : [];
    await this.ratings.setDeployOutcome(artifact.id, { target: project.id, fits: denied.length === 0, reason: denied.length ? `the project's settings deny ${denied.join(", ")}` : null });
  }

  private async writeHooks(root: string, data: { path: string; data: Uint8Array }[], previous: DeployedHooks | null): Promise<DeployedHooks> {
    const file = data.find((f) => f.path === "hooks.json") ?? (data.length === 1 ? data[0] : undefined);
    if (!file) throw new ProjectPathError("hooks.json", "hooks.file", "a hook artifact holds its hooks in hooks.json");
    const text = textOf(file.data);
    if (text === null) throw new ProjectPathError(file.path, "hooks.json", "must be UTF-8 text");
    const entries = hooksOf(file.path, text);
    const before = await readIfFile(root, SETTINGS_FILE);
    let settings = parseSettings(SETTINGS_FILE, before ? before.toString("utf8") : null);
    const createdSection = previous ? previous.createdSection : !("hooks" in settings);
    if (previous) settings = removeHooks(settings, previous.entries, true);
    settings = mergeHooks(settings, entries);
    await applyChanges(root, [{ rel: SETTINGS_FILE, data: new TextEncoder().encode(`${JSON.stringify(settings, null, 2)}\n`) }]);
    return { entries, createdFile: previous ? previous.createdFile : before === null, createdSection };
  }

  /** Removes exactly what the deployment wrote (files it wrote, folders it made, its hook entries) and its record. */
  async undeploy(id: string, principal?: Principal): Promise<Deployment> {
    const d = await this.deployment(id);
    const project = await this.resolve({ id: d.projectId });
    const hooks = deployedHooks(d);
    if (hooks) {
      const before = await readIfFile(project.path, SETTINGS_FILE);
      if (before !== null) {
        const settings = removeHooks(parseSettings(SETTINGS_FILE, before.toString("utf8")), hooks.entries, !hooks.createdSection);
        const empty = Object.keys(settings).length === 0 && hooks.createdFile;
        await applyChanges(project.path, [{ rel: SETTINGS_FILE, data: empty ? null : new TextEncoder().encode(`${JSON.stringify(settings, null, 2)}\n`) }]);
        if (empty) await removeEmptyDirs(project.path, [".claude"].filter(() => dirsOf(d.createdDirs).includes(".claude")));
      }
    } else {
      const onDisk = await hashesOnDisk(project.path, deployedFiles(d).map((f) => f.path));
      // Files edited since the deploy are removed too: undeploy means "as before the deploy".
      await applyChanges(project.path, deployedFiles(d).filter((f) => onDisk.get(f.path) !== null).map((f) => ({ rel: f.path, data: null })));
      await removeEmptyDirs(project.path, dirsOf(d.createdDirs));
    }
    await this.db.prisma.deployment.delete({ where: { id } });
    this.announce(d, d.status, null);
    await this.usage({ kind: "UNDEPLOY", artifactId: d.artifactId, projectId: d.projectId, actor: principal?.name ?? null });
    return d;
  }

  // ---- drift

  /** Hashes every deployed file of the project, stores each deployment's status, announces changes. */
  async scan(projectId: string): Promise<ProjectStatus> {
    const project = await this.resolve({ id: projectId });
    const deployments = await this.db.prisma.deployment.findMany({ where: { projectId }, include: { artifact: { select: { currentVersionId: true } } } });
    const folders: FolderCache = new Map();
    const found = await Promise.all(deployments.map(async (d) => ({ d, status: await this.statusOf(project.path, d, d.artifact.currentVersionId !== d.versionId, folders) })));
    const changed = found.filter((f) => f.status !== f.d.status);
    const now = new Date();
    await this.db.transaction(async ({ prisma: tx }) => {
      for (const status of new Set(changed.map((c) => c.status))) {
        await tx.deployment.updateMany({ where: { id: { in: changed.filter((c) => c.status === status).map((c) => c.d.id) } }, data: { status, checkedAt: now } });
      }
      await tx.project.update({ where: { id: projectId }, data: { scannedAt: now } });
    });
    for (const c of changed) this.announce(c.d, c.d.status, c.status);
    const counts: Record<DeploymentStatusName, number> = { SYNCED: 0, MODIFIED: 0, OUTDATED: 0, CONFLICTED: 0, MISSING: 0 };
    for (const f of found) counts[f.status]++;
    return { status: worstStatus(found.map((f) => f.status)), counts, scannedAt: now };
  }

  async scanAll(): Promise<number> {
    const projects = await this.db.prisma.project.findMany({ select: { id: true } });
    for (const p of projects) await this.scan(p.id);
    return projects.length;
  }

  private async statusOf(root: string, d: Deployment, outdated: boolean, folders: FolderCache = new Map()): Promise<DeploymentStatusName> {
    const hooks = deployedHooks(d);
    if (hooks) {
      const text = await readIfFile(root, SETTINGS_FILE).catch(() => null);
      let present = { present: 0, total: 1, exact: false };
      try {
        if (text !== null) present = hooksPresent(parseSettings(SETTINGS_FILE, text.toString("utf8")), hooks.entries);
      } catch {
        // unreadable settings: the hooks are as good as gone
      }
      if (present.present === 0) return "MISSING";
      return driftStatus([], new Map(), outdated) === "OUTDATED" ? (present.exact ? "OUTDATED" : "CONFLICTED") : present.exact ? "SYNCED" : "MODIFIED";
    }
    const files = deployedFiles(d);
    return driftStatus(files, await hashesOnDisk(root, files.map((f) => f.path), folders), outdated);
  }

  // ---- sync and capture

  /** Checks a sync may be queued: the deployment exists; a hook deployment needs admin (its new commands run on the host). */
  async checkSync(principal: Principal, id: string): Promise<Deployment> {
    const d = await this.deployment(id);
    if (deployedHooks(d) && !hasScope(principal, "admin")) throw new ForbiddenError("Deployment", id, "syncing hooks needs the admin scope: Claude Code runs their commands on the host");
    return d;
  }

  /**
   * Brings a deployment to the artifact's current version. OVERWRITE writes it; KEEP_LOCAL keeps the
   * project's files and records them as the current version's deployment; MERGE merges each file
   * three ways and asks a person (through `ask`) only about conflicting hunks; ASK asks about every
   * file that differs. Answers: { files: { <path>: { take: "THEIRS" | "OURS" } | { text } } }.
   */
  async sync(principal: Principal, id: string, strategy: SyncStrategy, ask: Ask): Promise<Deployment> {
    let d: Deployment;
    try {
      d = await this.syncOnce(principal, id, strategy, ask);
    } catch (err) {
      const known = await this.db.prisma.deployment.findUnique({ where: { id }, select: { artifactId: true, projectId: true } });
      if (known) await this.recordFailure(known.artifactId, known.projectId, err);
      throw err;
    }
    const [artifact, project] = await Promise.all([this.artifacts.byId(d.artifactId), this.resolve({ id: d.projectId })]);
    await this.recordFit(artifact, project);
    await this.usage({ kind: "SYNC", artifactId: d.artifactId, projectId: d.projectId, actor: principal.name });
    return d;
  }

  private async syncOnce(principal: Principal, id: string, strategy: SyncStrategy, ask: Ask): Promise<Deployment> {
    const d = await this.deployment(id);
    const [project, artifact] = await Promise.all([this.resolve({ id: d.projectId }), this.artifacts.byId(d.artifactId)]);
    if (!artifact.currentVersionId) throw new InvalidInputError("id", "the artifact has no content");
    if (deployedHooks(d) || artifact.type === "HOOK") {
      if (strategy === "KEEP_LOCAL") return this.markVersion(d, artifact.currentVersionId, deployedFiles(d));
      // Written as a deploy of the current version, counted once (as the sync).
      return this.write(principal, artifact, project, artifact.currentVersionId);
    }
    const [base, theirs] = await Promise.all([this.content.versionData(d.versionId), this.content.versionData(artifact.currentVersionId)]);
    if (!isDeployable(artifact.type)) throw new InvalidInputError("id", "not a file deployment");
    const map = targetOf(artifact.type, artifact.name, theirs.map((f) => f.path));
    const recorded = deployedFiles(d);
    const relOf = new Map<string, string>([...recorded.map((f) => [f.source, f.path] as const), ...map]);
    const baseBy = new Map(base.filter((f) => recorded.some((r) => r.source === f.path)).map((f) => [f.path, f.data]));
    const theirsBy = new Map(theirs.filter((f) => map.has(f.path)).map((f) => [f.path, f.data]));
    const sources = [...new Set([...baseBy.keys(), ...theirsBy.keys()])].sort();
    const ours = new Map<string, Uint8Array | null>();
    for (const s of sources) ours.set(s, await readIfFile(project.path, relOf.get(s) ?? ""));
    const result = new Map<string, Uint8Array | null>();
    const questions: SyncQuestion[] = [];
    for (const s of sources) {
      const o = ours.get(s) ?? null;
      const t = theirsBy.get(s) ?? null;
      if (strategy === "OVERWRITE") result.set(s, t);
      else if (strategy === "KEEP_LOCAL") result.set(s, o);
      else if (strategy === "ASK") {
        if ((o === null ? null : sha256(o)) === (t === null ? null : sha256(t))) result.set(s, t);
        else questions.push({ path: s, binary: [o, t].some((x) => x !== null && textOf(x) === null), hunks: null });
      } else {
        const m = mergeFile(baseBy.get(s) ?? null, t, o);
        if (m.kind === "clean") result.set(s, m.data);
        else questions.push({ path: s, binary: m.binary, hunks: m.hunks });
      }
    }
    if (questions.length) {
      const answer = await ask(`sync:${artifact.currentVersionId}`, {
        message: `${questions.length} file(s) of ${artifact.name} changed on both sides; answer per file: { "files": { "<path>": { "take": "THEIRS" | "OURS" } or { "text": "…" } } }`,
        details: { files: questions },
      });
      const byFile = syncAnswer(answer, questions);
      for (const q of questions) {
        // syncAnswer checked that every asked file has one.
        const a = byFile[q.path] as FileAnswer;
        if ("text" in a) result.set(q.path, new TextEncoder().encode(a.text));
        else result.set(q.path, a.take === "THEIRS" ? (theirsBy.get(q.path) ?? null) : (ours.get(q.path) ?? null));
      }
    }
    const changes: Change[] = [];
    for (const [s, data] of result) {
      const rel = relOf.get(s);
      if (!rel) continue;
      const now = ours.get(s) ?? null;
      if ((now === null ? null : sha256(now)) !== (data === null ? null : sha256(data))) changes.push({ rel, data });
    }
    const made = await applyChanges(project.path, changes);
    const files: DeployedFile[] = [...result].flatMap(([s, data]) => {
      const rel = relOf.get(s);
      return rel && data !== null ? [{ path: rel, source: s, sha256: sha256(data) }] : [];
    });
    return this.markVersion(d, artifact.currentVersionId, files, made);
  }

  private async markVersion(d: Deployment, versionId: string, files: DeployedFile[], madeDirs: string[] = []): Promise<Deployment> {
    const saved = await this.db.prisma.deployment.update({
      where: { id: d.id },
      data: { versionId, files: json(files), createdDirs: json([...new Set([...dirsOf(d.createdDirs), ...madeDirs])]), status: "SYNCED", checkedAt: new Date() },
    });
    this.announce(saved, d.status, "SYNCED");
    return saved;
  }

  /** Stores the project's copy of a deployed artifact as its next version, and records the deployment at it. */
  async capture(principal: Principal, id: string): Promise<{ deployment: Deployment; version: number }> {
    const d = await this.deployment(id);
    const [project, artifact] = await Promise.all([this.resolve({ id: d.projectId }), this.artifacts.byId(d.artifactId)]);
    if (artifact.type === "HOOK" || deployedHooks(d)) throw new InvalidInputError("id", "hook deployments live inside settings.json and are not captured");
    let tree: { path: string; data: Buffer }[];
    if (artifact.type === "SKILL") {
      const folder = await checkedPath(project.path, `.claude/skills/${artifact.name}`);
      tree = (await readTree(folder, this.content.config.limits)).files;
    } else {
      const f = deployedFiles(d)[0];
      const data = f ? await readIfFile(project.path, f.path) : null;
      if (!f || !data) throw new ProjectPathError(f?.path ?? ".", "path.exists", "the deployed file is gone");
      tree = [{ path: f.source, data }];
    }
    const content = prepare(tree);
    const stored = await this.db.transaction(({ prisma: tx }) => this.content.storeVersion(tx, artifact, false, content, { sourceRef: join(project.path, ".claude"), commit: null, createdBy: principal.name }));
    this.artifacts.announce("UPDATED", stored.artifact, stored.revision);
    const map = artifact.type === "SKILL" ? targetOf("SKILL", artifact.name, tree.map((f) => f.path)) : new Map(deployedFiles(d).map((f) => [f.source, f.path]));
    const files = content.files.flatMap((f) => (map.get(f.path) ? [{ path: map.get(f.path) ?? "", source: f.path, sha256: f.sha256 }] : []));
    const versionId = stored.artifact.currentVersionId ?? d.versionId;
    const deployment = await this.markVersion(d, versionId, files);
    // A new version entering the collection, like an import: from this project's folder.
    await this.usage({ kind: "IMPORT", artifactId: artifact.id, projectId: project.id, actor: principal.name });
    return { deployment, version: stored.version };
  }

  private announce(d: Deployment, previousStatus: DeploymentStatusName | null, status: DeploymentStatusName | null): void {
    if (previousStatus === status) return;
    this.events.publish("projects:deployment-changed", { projectId: d.projectId, deploymentId: d.id, artifactId: d.artifactId, previousStatus, status, at: new Date().toISOString() });
  }
}

/**
 * A sync question's answer, checked: one valid answer per asked file and none for files not asked.
 * The projects.sync job kind checks answers with it when they are given (respondToJob), so a
 * partial answer is refused and the job keeps waiting.
 */
export function syncAnswer(answer: unknown, asked: readonly { path: string }[]): Record<string, FileAnswer> {
  const byFile = answerFiles(answer);
  for (const q of asked) if (!byFile[q.path]) throw new InvalidInputError(`response.files.${q.path}`, "is missing: answer every file");
  const extra = Object.keys(byFile).find((path) => !asked.some((q) => q.path === path));
  if (extra !== undefined) throw new InvalidInputError(`response.files.${extra}`, "was not asked about");
  return byFile;
}

function answerFiles(answer: unknown): Record<string, FileAnswer> {
  const files = typeof answer === "object" && answer !== null && "files" in answer ? (answer as { files: unknown }).files : null;
  if (typeof files !== "object" || files === null) throw new InvalidInputError("response.files", "must be an object of path → answer");
  const out: Record<string, FileAnswer> = {};
  for (const [path, a] of Object.entries(files as Record<string, unknown>)) {
    if (typeof a === "object" && a !== null && "text" in a && typeof (a as { text: unknown }).text === "string") out[path] = { text: (a as { text: string }).text };
    else if (typeof a === "object" && a !== null && "take" in a && ((a as { take: unknown }).take === "THEIRS" || (a as { take: unknown }).take === "OURS")) out[path] = { take: (a as { take: "THEIRS" | "OURS" }).take };
    else throw new InvalidInputError(`response.files.${path}`, 'must be { "take": "THEIRS" | "OURS" } or { "text": "…" }');
  }
  return out;
}
