// An MCP stdio client transport that owns its child completely. The SDK's StdioClientTransport
// kills only the direct child (npx → node leaves the node behind) and waits up to 4 s to do it;
// here the child leads its own process group, and close() kills the whole group at once.
// Every live child is tracked so shutdown (and process exit) can kill what is left.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { setPriority } from "node:os";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

const live = new Set<ChildProcess>();

function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === "win32") child.kill("SIGKILL");
    else process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

// spawn() is synchronous (fork + exec): tens of ms each on a busy machine. A sweep starting 50
// checks at once would stall the event loop for all of them back to back, so spawns take turns,
// one per event-loop turn, and requests are served in between.
let spawnGate: Promise<void> = Promise.resolve();
function spawnTurn(): Promise<void> {
  const turn = spawnGate.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  spawnGate = turn;
  return turn;
}

/**
 * Lowers a child's CPU priority. The child leads a new session (detached), and Linux with
 * autogroup scheduling (the default on desktops and VMs; not inside a cpu cgroup) gives every
 * session an equal share of the CPU whatever its processes' nice values: 50 checked servers
 * were 50 equal groups against the API's one. So the session's autogroup gets the niceness
 * too (/proc/<pid>/autogroup). Without CAP_SYS_ADMIN the kernel allows that write about ten
 * times a second machine-wide (EAGAIN otherwise): it is retried a few times, in the background.
 */
export function lowerPriority(pid: number, niceness: number): void {
  try {
    setPriority(pid, niceness);
  } catch {
    // not permitted here: run at normal priority
  }
  if (process.platform !== "linux") return;
  const path = `/proc/${pid}/autogroup`;
  const attempt = (left: number) => {
    writeFile(path, String(niceness)).catch((err: NodeJS.ErrnoException) => {
      // ENOENT: no autogroup support, or the child is gone; EPERM/EACCES: not allowed.
      if (err.code === "EAGAIN" && left > 0) setTimeout(() => attempt(left - 1), 110).unref();
    });
  };
  attempt(5);
}

let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort: a crash of this process must not orphan MCP servers.
  process.once("exit", () => {
    for (const c of live) killTree(c);
  });
}

/** How many MCP children are running now (tests assert it returns to zero). */
export function liveChildCount(): number {
  return live.size;
}

/** The pids of live children (for tests checking the OS process table). */
export function livePids(): number[] {
  return [...live].flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
}

export interface ProcessTransportOptions {
  command: string;
  args: string[];
  /** The declared environment of the child: it gets this, `basics`, and nothing of this process's environment. */
  env: Record<string, string>;
  /** PATH, HOME, TMPDIR … the few variables every program needs; the declared env cannot override them. */
  basics?: Record<string, string>;
  cwd?: string;
  /** Added to the child's nice value (0–19); 0 = same priority as this process. */
  niceness?: number;
  /** Bytes the child may write (stdout and stderr together) before it is killed; 0 = no cap. */
  outputLimitBytes?: number;
}

/** On Windows a program cannot start without these; elsewhere the caller's basics are all. */
const WINDOWS_BASICS = ["APPDATA", "SYSTEMROOT", "TEMP", "USERPROFILE"];

export class ProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcess | undefined;
  private readonly buffer = new ReadBuffer();
  private stderrTail = "";
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private closed = false;
  private stopped = false;
  private outputBytes = 0;
  /** True once the child wrote more than outputLimitBytes (it was killed). */
  outputExceeded = false;
  /** True when the program could not be started at all (not found, not executable). */
  spawnFailed = false;

  constructor(private readonly options: ProcessTransportOptions) {}

  /** The last 2 KB the child wrote to stderr. */
  get stderr(): string {
    return this.stderrTail;
  }

  get exitInfo(): { code: number | null; signal: NodeJS.Signals | null } | null {
    return this.exit;
  }

  async start(): Promise<void> {
    installExitHook();
    await spawnTurn();
    // Closed while waiting for its turn (a timeout or shutdown): never spawn.
    if (this.stopped) throw new Error("closed before it started");
    const windows: Record<string, string> = {};
    if (process.platform === "win32") {
      for (const k of WINDOWS_BASICS) {
        const v = process.env[k];
        if (v !== undefined) windows[k] = v;
      }
    }
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, this.options.args, {
        env: { ...windows, ...this.options.env, ...this.options.basics },
        cwd: this.options.cwd,
        stdio: ["pipe", "pipe", "pipe"],
        detached: process.platform !== "win32",
        windowsHide: true,
        shell: false,
      });
      this.child = child;
      live.add(child);
      // Health checks run beside the API: lower the child's CPU priority so a sweep of many
      // servers never starves the API process (its own children inherit it).
      if (child.pid !== undefined && this.options.niceness) lowerPriority(child.pid, this.options.niceness);
      child.once("error", (err) => {
        live.delete(child);
        if (child.pid === undefined) this.spawnFailed = true;
        reject(err);
        this.onerror?.(err);
      });
      child.once("spawn", () => resolve());
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
      });
      child.once("close", () => {
        live.delete(child);
        // The group may still hold grandchildren after the leader exits.
        killTree(child);
        if (!this.closed) {
          this.closed = true;
          this.onclose?.();
        }
      });
      child.stdin?.on("error", (err) => this.onerror?.(err));
      child.stdout?.on("data", (chunk: Buffer) => {
        if (!this.counted(chunk.length)) return;
        this.buffer.append(chunk);
        for (;;) {
          let message: JSONRPCMessage | null;
          try {
            message = this.buffer.readMessage();
          } catch (err) {
            this.onerror?.(err instanceof Error ? err : new Error(String(err)));
            continue;
          }
          if (message === null) break;
          this.onmessage?.(message);
        }
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        if (!this.counted(chunk.length)) return;
        this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-2048);
      });
    });
  }

  /** Counts output against the cap; past it the child's group is killed and the rest ignored. */
  private counted(bytes: number): boolean {
    if (this.outputExceeded) return false;
    this.outputBytes += bytes;
    const limit = this.options.outputLimitBytes ?? 0;
    if (limit <= 0 || this.outputBytes <= limit) return true;
    this.outputExceeded = true;
    if (this.child) killTree(this.child);
    this.onerror?.(new Error(`the process wrote more than ${limit} bytes of output (killed)`));
    return false;
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || this.closed) return reject(new Error("Not connected"));
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once("drain", resolve);
    });
  }

  /** Kills the child's whole process group and waits until the child is reaped. */
  async close(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) {
      const reaped = new Promise<void>((resolve) => child.once("close", () => resolve()));
      killTree(child);
      await Promise.race([reaped, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
    } else {
      killTree(child);
    }
    live.delete(child);
    this.buffer.clear();
    if (!this.closed) {
      this.closed = true;
      this.onclose?.();
    }
  }
}
