// Shared by the jobs tests: fast job settings, polling, and a second app on an existing database.
import { setTimeout as sleep } from "node:timers/promises";
import { createApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/lib/logger.js";
import type { Job } from "../../src/generated/prisma/client.js";

/** Small intervals so the suite is fast; real ones are seconds. */
export const fastJobs: Record<string, string> = {
  SKILLGRAPH_JOB_POLL_MS: "25",
  // Long enough that a busy CI machine never lets a live worker's lease lapse.
  SKILLGRAPH_JOB_LEASE_MS: "2000",
  SKILLGRAPH_JOB_BACKOFF_MS: "10",
  SKILLGRAPH_JOB_BACKOFF_MAX_MS: "40",
  SKILLGRAPH_WORKER_CONCURRENCY: "2",
};

/** Polls until `fn` returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(15);
  }
}

export function waitForStatus(app: App, id: string, status: Job["status"] | Job["status"][], timeoutMs = 10_000): Promise<Job> {
  const wanted = Array.isArray(status) ? status : [status];
  return waitFor(`job ${id} to be ${wanted.join("/")}`, async () => {
    const job = await app.services.jobs.get(id);
    return wanted.includes(job.status) ? job : null;
  }, timeoutMs);
}

/** Another app instance on an existing database (the same tables, its own worker and pubsub). */
export async function openApp(databaseUrl: string, env: Record<string, string> = {}): Promise<App> {
  // Its requests name b.test (yoga.fetch) while it is bound to loopback: an allowed host.
  const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: "0", LOG_LEVEL: "silent", SKILLGRAPH_SHUTDOWN_TIMEOUT_MS: "1000", SKILLGRAPH_ALLOWED_HOSTS: "b.test,skillgraph.test", ...fastJobs, ...env });
  return createApp(config, { logger: createLogger("silent") });
}

/** A gate a test handler waits on until the test opens it. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** Deletes every job and job event (all the jobs tests need between cases). */
export async function clearJobs(app: App): Promise<void> {
  await app.database.prisma.jobEvent.deleteMany();
  await app.database.prisma.job.deleteMany();
}
