// Long-running work owned by a process (job workers, schedulers): started after the server
// listens (or by `skillgraph worker`), stopped before the database closes.

export interface BackgroundTask {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
