// yoga's (and graphql-ws's) log calls through the JSON logger, so every line on stderr is one JSON
// object: yoga's own logger writes coloured multi-line text, and an error's stack went out raw.
import type { Logger } from "../lib/logger.js";

type Level = "debug" | "info" | "warn" | "error";
export type YogaLogger = Record<Level, (...args: unknown[]) => void>;

/** One log line from console-style arguments: strings make the message, errors and objects go into fields. */
export function logArgs(logger: Logger, level: Level, args: unknown[]): void {
  const words: string[] = [];
  const fields: Record<string, unknown> = {};
  for (const a of args) {
    if (typeof a === "string") words.push(a);
    else if (a instanceof Error) fields.error = a.stack ?? `${a.name}: ${a.message}`;
    else if (a !== undefined) fields.detail = a;
  }
  logger[level](words.join(" ") || (fields.error ? "error" : "log"), fields);
}

export function yogaLogger(logger: Logger): YogaLogger {
  const child = logger.child({ component: "yoga" });
  return {
    debug: (...args) => logArgs(child, "debug", args),
    info: (...args) => logArgs(child, "info", args),
    warn: (...args) => logArgs(child, "warn", args),
    error: (...args) => logArgs(child, "error", args),
  };
}
