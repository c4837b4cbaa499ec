// One JSON line per event on stderr, filtered by LOG_LEVEL, carrying the request scope (request
// id, actor, job id; the trace id with tracing on) of the work it happens in. Never log secrets: callers pass only what is safe.
import { currentScope } from "./request-scope.js";
import { currentTraceId } from "./telemetry.js";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line also carries `fields` (e.g. the module's name). */
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l), base: Record<string, unknown> = {}): Logger {
  const min = LEVELS[level];
  const log = (lvl: Exclude<LogLevel, "silent">) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[lvl] < min) return;
    // The call's own fields first (they read with the message), then the scope's and the child's.
    const line: Record<string, unknown> = { time: new Date().toISOString(), level: lvl, msg, ...fields };
    for (const [k, v] of Object.entries({ ...currentScope(), ...base })) if (!(k in line)) line[k] = v;
    // With tracing on, the trace the line belongs to (find its spans from a log line).
    if (!("traceId" in line)) {
      const traceId = currentTraceId();
      if (traceId) line.traceId = traceId;
    }
    write(`${JSON.stringify(line)}\n`);
  };
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: (fields) => createLogger(level, write, { ...base, ...fields }),
  };
}
