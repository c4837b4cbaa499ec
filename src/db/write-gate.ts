// SQLite's one writer, kept inside this process: writes reach the file on two connections (Prisma's,
// for its model API and interactive transactions, and the driver's own, for transactions of
// hand-written statements), and SQLite lets only one of them hold the write lock. Whoever writes
// holds this gate first, so neither connection ever waits on the file lock for the other (that wait
// is synchronous in both drivers: it would block the event loop the holder needs to finish). The
// holder is remembered in the async context, so statements of the holder's own transaction pass.
// Other processes (the CLI, a worker) are still kept apart by SQLite's lock and busy timeout.
import { AsyncLocalStorage } from "node:async_hooks";

/** Which connection holds the write lock: Prisma's, or the driver's writer. */
export type WriteHolder = "prisma" | "driver";

export class WriteGateTimeoutError extends Error {
  constructor(waitedMs: number) {
    super(`Timed out after ${waitedMs} ms waiting for the database's writer (another write in this process held it).`);
    this.name = "WriteGateTimeoutError";
  }
}

/** The holder of one turn; `active` turns false when the turn ends (work it started may outlive it). */
interface Turn {
  who: WriteHolder;
  active: boolean;
}

export class WriteGate {
  private readonly context = new AsyncLocalStorage<Turn>();
  private tail: Promise<void> = Promise.resolve();

  /** Who holds the gate in the current async context; undefined outside any write (or after its turn ended). */
  holder(): WriteHolder | undefined {
    const turn = this.context.getStore();
    return turn?.active ? turn.who : undefined;
  }

  /**
   * Runs fn holding the gate, after every earlier holder (first come, first served). Waits at most
   * maxWaitMs for the gate, then fails with WriteGateTimeoutError without running fn.
   */
  async run<T>(who: WriteHolder, fn: () => Promise<T>, maxWaitMs = 10_000): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    this.tail = done;
    let timer: NodeJS.Timeout | undefined;
    const acquired = await Promise.race([
      previous.then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), maxWaitMs))),
    ]);
    clearTimeout(timer);
    if (!acquired) {
      // Give up this turn without blocking the ones queued after it.
      void previous.then(release);
      throw new WriteGateTimeoutError(maxWaitMs);
    }
    const turn: Turn = { who, active: true };
    try {
      return await this.context.run(turn, fn);
    } finally {
      turn.active = false;
      release();
    }
  }
}
