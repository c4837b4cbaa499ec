// Usage analytics: one UsageEvent row per import, deploy, undeploy, sync, update and install
// (reported by the modules through the UsageSink in src/lib/usage.ts), counts grouped by artifact,
// project or day over a time window (one grouped statement), and usageUpdated.
import type { Database } from "../../db/index.js";
import type { EventBus } from "../../lib/event-bus.js";
import { InvalidInputError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { UsageKind, UsageReport } from "../../lib/usage.js";
import "./events.js";

export type UsageGroupBy = "ARTIFACT" | "PROJECT" | "DAY";

export interface UsageQuery {
  from: Date;
  to?: Date | null;
  groupBy: UsageGroupBy;
  kinds?: readonly UsageKind[] | null;
  artifactId?: string | null;
  projectId?: string | null;
  /** Most buckets returned (ARTIFACT and PROJECT: the largest counts first). */
  first?: number | null;
}

export interface UsageBucket {
  /** The artifact's or project's id, or the day (YYYY-MM-DD, UTC). */
  key: string;
  count: number;
}

export const MAX_WINDOW_DAYS = 366;
export const MAX_BUCKETS = 500;

export class UsageService {
  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records one report (after the reporting change committed) and publishes it; a failure is logged, never thrown. */
  record = async (r: UsageReport): Promise<void> => {
    try {
      const at = this.now();
      const row = await this.db.prisma.usageEvent.create({ data: { kind: r.kind, artifactId: r.artifactId, projectId: r.projectId ?? null, actor: r.actor ?? null, at, day: at.toISOString().slice(0, 10) } });
      this.events.publish("usage:recorded", { id: row.id, kind: row.kind, artifactId: row.artifactId, projectId: row.projectId, actor: row.actor, at: at.toISOString() });
    } catch (err) {
      this.logger.error("usage event could not be recorded", { kind: r.kind, artifactId: r.artifactId, error: String(err) });
    }
  };

  /** Counts in [from, to) grouped as asked: one statement. */
  async usage(q: UsageQuery): Promise<UsageBucket[]> {
    const to = q.to ?? this.now();
    if (!(q.from.getTime() < to.getTime())) throw new InvalidInputError("window.from", "must be before window.to");
    if (to.getTime() - q.from.getTime() > MAX_WINDOW_DAYS * 86_400_000) throw new InvalidInputError("window", `must span at most ${MAX_WINDOW_DAYS} days`);
    const first = q.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > MAX_BUCKETS) throw new InvalidInputError("first", `must be from 1 to ${MAX_BUCKETS}`);
    const where = {
      at: { gte: q.from, lt: to },
      ...(q.kinds?.length ? { kind: { in: [...q.kinds] } } : {}),
      ...(q.artifactId ? { artifactId: q.artifactId } : {}),
      ...(q.projectId ? { projectId: q.projectId } : {}),
    };
    if (q.groupBy === "DAY") {
      const rows = await this.db.prisma.usageEvent.groupBy({ by: ["day"], where, _count: { _all: true }, orderBy: { day: "asc" }, take: first });
      return rows.map((r) => ({ key: r.day, count: r._count._all }));
    }
    if (q.groupBy === "ARTIFACT") {
      const rows = await this.db.prisma.usageEvent.groupBy({ by: ["artifactId"], where, _count: { _all: true }, orderBy: [{ _count: { artifactId: "desc" } }, { artifactId: "asc" }], take: first });
      return rows.map((r) => ({ key: r.artifactId, count: r._count._all }));
    }
    const rows = await this.db.prisma.usageEvent.groupBy({ by: ["projectId"], where: { ...where, projectId: q.projectId ?? { not: null } }, _count: { _all: true }, orderBy: [{ _count: { projectId: "desc" } }, { projectId: "asc" }], take: first });
    return rows.flatMap((r) => (r.projectId ? [{ key: r.projectId, count: r._count._all }] : []));
  }
}
