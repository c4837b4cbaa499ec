// Upstream: Artifact.upstream (a Prisma relation: one statement for a page of artifacts), and the
// checkArtifactUpdates and updateArtifactFromUpstream mutations (updateArtifact is the artifacts module's metadata edit) (both queue jobs).
import { builder } from "../../graphql/builder.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { ArtifactRef } from "../artifacts/schema.js";
import { JobRef } from "../jobs/schema.js";

const UpstreamStatusEnum = builder.enumType("UpstreamStatus", {
  description: "How a git-imported artifact's remote ref compares with the commit it was imported from.",
  values: {
    UP_TO_DATE: { description: "No commit since the imported one touches the artifact's path." },
    UPDATE_AVAILABLE: { description: "The remote ref has newer commits touching it (or the imported commit left its history)." },
    ERROR: { description: "The remote could not be fetched or the ref was not found; see error." },
  } as const,
});

builder.prismaObject("ArtifactUpstream", {
  description: "The last check of a git-imported artifact's remote.",
  fields: (t) => ({
    status: t.expose("status", { type: UpstreamStatusEnum, description: "Up to date, update available, or error." }),
    latestCommit: t.exposeString("latestCommit", { nullable: true, description: "The remote ref's commit at the check; null on ERROR." }),
    commitsBehind: t.exposeInt("commitsBehind", { nullable: true, description: "Commits touching the artifact's path after the imported commit; null when unknown." }),
    commitsLast90Days: t.exposeInt("commitsLast90Days", { nullable: true, description: "Commits touching the artifact's path in the 90 days before the check." }),
    lastCommitAt: t.expose("lastCommitAt", { type: "DateTime", nullable: true, description: "When the newest commit touching the artifact's path was made." }),
    error: t.exposeString("error", { nullable: true, description: "Why the check failed (credentials in URLs are masked)." }),
    checkedAt: t.expose("checkedAt", { type: "DateTime", description: "When it was checked." }),
  }),
});

builder.prismaObjectFields("Artifact", (t) => ({
  upstream: t.relation("upstream", { nullable: true, description: "The last upstream check (git-imported artifacts); null before the first check or for other artifacts." }),
}));

const UpstreamJobPayload = builder.simpleObject("UpstreamJobPayload", {
  description: "The queued job; watch it with jobUpdated.",
  fields: (t) => ({ job: t.field({ type: JobRef, description: "The upstream.check or upstream.update job." }) }),
});

builder.mutationFields((t) => ({
  checkArtifactUpdates: t.field({
    type: UpstreamJobPayload,
    description: "Queues an upstream.check job: fetches the remote ref of one git-imported artifact (or of every one when artifact is omitted) and stores Artifact.upstream.",
    errors: { types: [NotFoundError], directResult: true },
    args: { artifact: t.arg.globalID({ for: ArtifactRef, description: "One artifact; every git-imported artifact when omitted." }) },
    resolve: async (_r, args, ctx) => {
      if (args.artifact) await ctx.services.upstream.checkUpdate(args.artifact.id, null);
      return { job: await ctx.services.jobs.enqueue("upstream.check", { artifactId: args.artifact?.id ?? null }, ctx.principal) };
    },
  }),
  updateArtifactFromUpstream: t.field({
    type: UpstreamJobPayload,
    description: "Queues an upstream.update job: imports the git-imported artifact's remote content at toRef (default: the ref it follows) as a new version, then checks the remote again.",
    errors: { types: [NotFoundError, InvalidInputError], directResult: true },
    args: {
      artifact: t.arg.globalID({ required: true, for: ArtifactRef, description: "A git-imported artifact." }),
      toRef: t.arg.string({ description: "Branch, tag or commit to import; the artifact then follows it." }),
    },
    resolve: async (_r, args, ctx) => {
      await ctx.services.upstream.checkUpdate(args.artifact.id, args.toRef);
      return { job: await ctx.services.jobs.enqueue("upstream.update", { artifactId: args.artifact.id, toRef: args.toRef ?? null, requestedBy: ctx.principal.name }, ctx.principal) };
    },
  }),
}));
