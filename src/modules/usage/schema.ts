// Usage: the usage(window, groupBy) query and the usageUpdated subscription. A page of buckets
// loads its artifacts (or projects) with one statement, whatever its length.
import { createContextCache } from "@pothos/core";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { tracedLoader } from "../../graphql/loaders.js";
import { filter, pipe } from "graphql-yoga";
import { z } from "zod";
import { builder } from "../../graphql/builder.js";
import type { Context } from "../../graphql/context.js";
import type { Artifact, Project } from "../../generated/prisma/client.js";
import { ArtifactRef } from "../artifacts/schema.js";
import { ProjectRef } from "../projects/schema.js";
import type { UsageRecordedEvent } from "./events.js";
import { MAX_BUCKETS, type UsageBucket } from "./service.js";

const artifactLoader = createContextCache(
  (ctx: Context) =>
    tracedLoader<string, Artifact | null>("Artifact", async (ids) => {
      const rows = await ctx.services.artifacts.byIds(ids);
      const by = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => by.get(id) ?? null);
    }),
);
const projectLoader = createContextCache(
  (ctx: Context) =>
    tracedLoader<string, Project | null>("Project", async (ids) => {
      const rows = await ctx.services.projects.list();
      const by = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => by.get(id) ?? null);
    }),
);

const UsageKindEnum = builder.enumType("UsageKind", {
  description: "What was done with an artifact.",
  values: {
    IMPORT: { description: "Imported (a new artifact or version, or an import that found it unchanged)." },
    DEPLOY: { description: "Deployed into a project." },
    UNDEPLOY: { description: "Removed from a project." },
    SYNC: { description: "A deployment synced." },
    UPDATE: { description: "Updated from its git upstream." },
    INSTALL: { description: "Installed (reserved: nothing installs yet)." },
  } as const,
});

const UsageGroupByEnum = builder.enumType("UsageGroupBy", {
  description: "How usage events are counted.",
  values: { ARTIFACT: { description: "Per artifact, most first." }, PROJECT: { description: "Per project, most first (events with a project)." }, DAY: { description: "Per UTC day, oldest first." } } as const,
});

const UsageWindowInput = builder.inputType("UsageWindowInput", {
  description: "A time window [from, to).",
  fields: (t) => ({
    from: t.field({ type: "DateTime", required: true, description: "Start (inclusive)." }),
    to: t.field({ type: "DateTime", description: "End (exclusive); now when omitted. At most 366 days after from." }),
  }),
});

const UsageBucketRef = builder.objectRef<UsageBucket & { groupBy: "ARTIFACT" | "PROJECT" | "DAY" }>("UsageBucket").implement({
  description: "A count of usage events for one artifact, project or day.",
  fields: (t) => ({
    count: t.exposeInt("count", { description: "Events in the window." }),
    day: t.string({ nullable: true, description: "YYYY-MM-DD (UTC) when grouped by DAY.", resolve: (b) => (b.groupBy === "DAY" ? b.key : null) }),
    artifact: t.field({ type: ArtifactRef, nullable: true, description: "The artifact when grouped by ARTIFACT (null once it was removed).", resolve: (b, _a, ctx) => (b.groupBy === "ARTIFACT" ? artifactLoader(ctx).load(b.key) : null) }),
    project: t.field({ type: ProjectRef, nullable: true, description: "The project when grouped by PROJECT (null once it was removed).", resolve: (b, _a, ctx) => (b.groupBy === "PROJECT" ? projectLoader(ctx).load(b.key) : null) }),
  }),
});

builder.queryFields((t) => ({
  usage: t.field({
    type: [UsageBucketRef],
    description: 'Usage events counted over a window: e.g. top artifacts by deploys this month (groupBy ARTIFACT, kinds [DEPLOY]), or deploys per day of one artifact (groupBy DAY, artifact).',
    args: {
      window: t.arg({ type: UsageWindowInput, required: true, description: "The time window [from, to)." }),
      groupBy: t.arg({ type: UsageGroupByEnum, required: true, description: "Count per artifact, project or day." }),
      kinds: t.arg({ type: [UsageKindEnum], description: "Only these kinds; every kind when omitted." }),
      artifact: t.arg.globalID({ for: ArtifactRef, description: "Only this artifact's events." }),
      project: t.arg.globalID({ for: ProjectRef, description: "Only this project's events." }),
      first: t.arg.int({ description: `At most this many buckets (default 50, at most ${MAX_BUCKETS}).`, validate: z.number().int().min(1, "must be at least 1").max(MAX_BUCKETS, `must be at most ${MAX_BUCKETS}`) }),
    },
    resolve: async (_r, args, ctx) => {
      const buckets = await ctx.services.usage.usage({
        from: args.window.from,
        to: args.window.to,
        groupBy: args.groupBy,
        kinds: args.kinds,
        artifactId: args.artifact?.id,
        projectId: args.project?.id,
        first: args.first,
      });
      return buckets.map((b) => ({ ...b, groupBy: args.groupBy }));
    },
  }),
}));

const UsageEventRef = builder.objectRef<UsageRecordedEvent>("UsageEvent").implement({
  description: "One recorded usage event.",
  fields: (t) => ({
    kind: t.field({ type: UsageKindEnum, description: "What was done.", resolve: (e) => e.kind }),
    artifactId: t.id({ description: "The artifact's global ID.", resolve: (e) => encodeGlobalID("Artifact", e.artifactId) }),
    projectId: t.id({ nullable: true, description: "The project's global ID (deploys, undeploys, syncs).", resolve: (e) => (e.projectId ? encodeGlobalID("Project", e.projectId) : null) }),
    actor: t.string({ nullable: true, description: "Who did it.", resolve: (e) => e.actor }),
    at: t.field({ type: "DateTime", description: "When it was recorded.", resolve: (e) => new Date(e.at) }),
  }),
});

builder.subscriptionFields((t) => ({
  usageUpdated: t.field({
    type: UsageEventRef,
    description: "Emits every usage event as it is recorded (of one artifact, or all), for dashboards.",
    args: { artifact: t.arg.globalID({ for: ArtifactRef, description: "Only this artifact's events; every event when omitted." }) },
    subscribe: (_root, args, ctx) => {
      const source = ctx.pubsub.subscribe("usage:recorded");
      const id = args.artifact?.id;
      return id ? pipe(source, filter((e: UsageRecordedEvent) => e.artifactId === id)) : source;
    },
    resolve: (e) => e,
  }),
}));
