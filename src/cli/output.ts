// How commands print: JSON for scripts (--json), tables with a header row and aligned columns for
// people, and progress on standard error (so it never mixes with the output a script reads).

export const printJson = (value: unknown) => console.log(JSON.stringify(value, null, 2));

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  /** Numbers read best right-aligned. */
  align?: "left" | "right";
}

/** Rows as a table: a header row, then one line per row, each column as wide as its widest cell. */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => String(c.value(row) ?? "-")));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]?.align === "right" ? v.padStart(widths[i] ?? 0) : i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join("\n");
}

export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[], empty: string): void {
  console.log(rows.length === 0 ? empty : formatTable(rows, columns));
}

/**
 * Progress of long work on standard error: one line rewritten in place on a terminal, one line
 * per change otherwise (so logs keep it). Quiet when the command prints JSON and stderr is not a terminal.
 */
export function progressReporter(options: { quiet?: boolean } = {}) {
  const tty = process.stderr.isTTY === true;
  let last = "";
  return {
    update(percent: number, message?: string | null) {
      if (options.quiet && !tty) return;
      const text = `${String(Math.round(percent)).padStart(3)}%${message ? ` ${message}` : ""}`;
      if (text === last) return;
      last = text;
      if (tty) process.stderr.write(`\r\x1b[2K${text}`);
      else process.stderr.write(`${text}\n`);
    },
    done() {
      if (tty && last) process.stderr.write("\n");
    },
  };
}
