// Worker thread for bench/jobs.bench.ts: N graphql-ws clients subscribed to one job. Posts "ready"
// when every client has its first event, then, when all streams complete, the receipt times
// (performance.timeOrigin + now, comparable across threads) of each RUNNING progress event.
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { createClient, type Client } from "graphql-ws";
import { WebSocket } from "ws";

const { url, id, subscribers, events } = workerData as { url: string; id: string; subscribers: number; events: number };
const query = `subscription($id: ID!) { jobUpdated(id: $id) { progress status eventSequence } }`;
const now = () => performance.timeOrigin + performance.now();
// receipts[s * events + (progress - 1)] = when subscriber s saw that progress
const receipts = new Float64Array(subscribers * events).fill(Number.NaN);
let first = 0;
let inOrder = 0;
const clients: Client[] = [];
const done: Promise<void>[] = [];
for (let s = 0; s < subscribers; s++) {
  const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
  clients.push(client);
  const seen: number[] = [];
  let counted = false;
  done.push(
    new Promise<void>((resolve, reject) => {
      client.subscribe<{ jobUpdated: { progress: number; status: string } }>(
        { query, variables: { id } },
        {
          next: (v) => {
            const u = v.data?.jobUpdated;
            if (!u) return;
            if (!counted) {
              counted = true;
              if (++first === subscribers) parentPort?.postMessage({ type: "ready" });
            }
            if (u.status === "RUNNING" && u.progress > 0) {
              receipts[s * events + u.progress - 1] = now();
              seen.push(u.progress);
            }
          },
          error: reject,
          complete: () => {
            if (seen.length === events && seen.every((p, i) => p === i + 1)) inOrder++;
            resolve();
          },
        },
      );
    }),
  );
  // Connect in batches: a thousand simultaneous handshakes overflow the listen backlog.
  if (s % 50 === 49) await new Promise<void>((resolve) => client.on("connected", () => resolve()));
}
await Promise.all(done);
await Promise.all(clients.map((c) => c.dispose()));
parentPort?.postMessage({ type: "done", receipts, inOrder });
