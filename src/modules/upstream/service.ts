// Upstream: for artifacts imported from git, checks their remote ref (the system git, through
// content's helper) and records how far behind the imported commit is (ArtifactUpstream, owned
// here); updateArtifactFromUpstream imports the remote's newer content as a new version through content's import.
import type { Database } from "../../db/index.js";
import type { ArtifactUpstream } from "../../generated/prisma/client.js";
import { DomainError, InvalidInputError, NotFoundError } from "../../lib/errors.js";
import type { Principal } from "../../lib/principal.js";
import { noUsage, type UsageSink } from "../../lib/usage.js";
import { remoteActivity, type ContentService, type ImportResult } from "../content/index.js";
import type { RatingService } from "../ratings/index.js";

/** Commits in this many days before a check count as recent activity (maintenance score). */
export const ACTIVITY_WINDOW_DAYS = 90;

export interface GitSource {
  artifactId: string;
  key: string;
  collection: string;
  url: string;
  path: string | null;
  ref: string | null;
  /** The commit the current content was imported from. */
  commit: string;
  type: "SKILL" | "COMMAND" | "AGENT";
}

export type Progress = (percent: number, message: string) => Promise<void>;

/** A reason fit to show and store: credentials in URLs (https://user:secret@host) are masked. */
export function redact(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, "$1***@").slice(0, 500);
}

/** url#path as content's import records a git source; the part after the last # is the path. */
export function splitSource(source: string): { url: string; path: string | null } {
  const i = source.lastIndexOf("#");
  return i > 0 ? { url: source.slice(0, i), path: source.slice(i + 1) || null } : { url: source, path: null };
}

export class UpstreamService {
  constructor(
    private readonly db: Database,
    private readonly content: ContentService,
    /** Gets each successful check's activity: the maintenance score is computed from it. */
    private readonly ratings: RatingService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private usage: UsageSink = noUsage;

  /** Where updates are reported as usage events (the usage module). */
  onUsage(sink: UsageSink): void {
    this.usage = sink;
  }

  /** Git-imported artifacts (all, or these ids): the ones content's import stored a commit for. */
  async gitSources(ids?: readonly string[]): Promise<GitSource[]> {
    const rows = await this.db.prisma.artifact.findMany({
      where: { origin: "LOCAL", resolvedSha: { not: null }, source: { not: null }, type: { in: ["SKILL", "COMMAND", "AGENT"] }, ...(ids ? { id: { in: [...ids] } } : {}) },
      select: { id: true, type: true, name: true, source: true, versionSpec: true, resolvedSha: true, collection: { select: { name: true } } },
      orderBy: { id: "asc" },
    });
    return rows.flatMap((r) => {
      const type = r.type === "SKILL" || r.type === "COMMAND" || r.type === "AGENT" ? r.type : null;
      if (!type || !r.source || !r.resolvedSha) return [];
      return [{ artifactId: r.id, key: `${type.toLowerCase()}:${r.name}`, collection: r.collection.name, ...splitSource(r.source), ref: r.versionSpec, commit: r.resolvedSha, type }];
    });
  }

  private async sourceOf(artifactId: string): Promise<GitSource> {
    const [s] = await this.gitSources([artifactId]);
    if (!s) throw new NotFoundError("git-imported Artifact", artifactId);
    return s;
  }

  /** The last check of each artifact, in the order asked (null when never checked). */
  async upstreamOf(artifactIds: readonly string[]): Promise<(ArtifactUpstream | null)[]> {
    const rows = await this.db.prisma.artifactUpstream.findMany({ where: { artifactId: { in: [...new Set(artifactIds)] } } });
    const by = new Map(rows.map((r) => [r.artifactId, r]));
    return artifactIds.map((id) => by.get(id) ?? null);
  }

  /** Checks one artifact's remote and stores the result (a failure is stored as ERROR, with its reason). */
  async checkOne(source: GitSource, signal?: AbortSignal): Promise<ArtifactUpstream> {
    const checkedAt = this.now();
    let data: Omit<ArtifactUpstream, "artifactId">;
    try {
      // The same rule as an import: a local remote must be under SKILLGRAPH_IMPORT_ROOTS.
      this.content.checkInput({ git: { url: source.url } });
      const a = await remoteActivity(source.url, source.ref, source.commit, source.path, { now: checkedAt, windowDays: ACTIVITY_WINDOW_DAYS, signal });
      const behind = a.latestCommit === source.commit ? 0 : a.commitsBehind;
      data = {
        // null: the imported commit is not in the ref's history (rewritten, or another ref): an update.
        status: behind === 0 ? "UP_TO_DATE" : "UPDATE_AVAILABLE",
        latestCommit: a.latestCommit,
        commitsBehind: behind,
        commitsLast90Days: a.commitsInWindow,
        lastCommitAt: a.lastCommitAt,
        error: null,
        checkedAt,
      };
    } catch (err) {
      if (signal?.aborted) throw err;
      if (!(err instanceof DomainError) && !(err instanceof Error)) throw err;
      data = { status: "ERROR", latestCommit: null, commitsBehind: null, commitsLast90Days: null, lastCommitAt: null, error: redact(err.message), checkedAt };
    }
    const row = await this.db.prisma.artifactUpstream.upsert({ where: { artifactId: source.artifactId }, create: { artifactId: source.artifactId, ...data }, update: data });
    // A failed check keeps the last known activity (a remote that is down for a day is not unmaintained).
    if (row.status !== "ERROR") await this.ratings.setMaintenance(source.artifactId, { lastCommitAt: row.lastCommitAt, commitsLast90Days: row.commitsLast90Days ?? 0, checkedAt: row.checkedAt });
    return row;
  }

  /** Checks one artifact (by id) or every git-imported one, one after the other. */
  async check(artifactId: string | null | undefined, progress: Progress = async () => {}, signal?: AbortSignal): Promise<ArtifactUpstream[]> {
    const sources = artifactId ? [await this.sourceOf(artifactId)] : await this.gitSources();
    const out: ArtifactUpstream[] = [];
    for (const [i, s] of sources.entries()) {
      signal?.throwIfAborted();
      out.push(await this.checkOne(s, signal));
      await progress(Math.round(((i + 1) / sources.length) * 100), s.key);
    }
    return out;
  }

  /** Checks an update's input before it is queued (the same checks run again in the job). */
  async checkUpdate(artifactId: string, toRef: string | null | undefined): Promise<GitSource> {
    if (toRef !== null && toRef !== undefined && (toRef.length === 0 || toRef.length > 255)) throw new InvalidInputError("toRef", "must be 1 to 255 characters");
    return this.sourceOf(artifactId);
  }

  /**
   * Imports the remote's content at `toRef` (default: the ref it was imported from) as the
   * artifact's next version through content's import, then checks the remote again.
   */
  async update(principal: Principal, artifactId: string, toRef: string | null | undefined, progress: Progress = async () => {}, signal?: AbortSignal): Promise<{ import: ImportResult; upstream: ArtifactUpstream }> {
    const s = await this.checkUpdate(artifactId, toRef);
    const result = await this.content.import(principal, { collection: s.collection, git: { url: s.url, ref: toRef ?? s.ref, path: s.path }, type: s.type }, (p, m) => progress(Math.round(p * 0.9), m), signal);
    if (result.artifactId !== artifactId) throw new DomainError(`the remote now holds ${result.key}, not this artifact; it was imported as that`);
    const upstream = await this.checkOne(await this.sourceOf(artifactId), signal);
    await this.usage({ kind: "UPDATE", artifactId, actor: principal.name });
    await progress(100, `Version ${result.version}`);
    return { import: result, upstream };
  }
}
