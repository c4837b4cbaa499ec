// `skillgraph medallion load|checkpoint|show`: JSON in, JSON out, for agents' session hooks.
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { withSqlServices } from "../../cli/context.js";
import { remoteOf, unwrap } from "../../cli/remote.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { MEDALLION_STATUSES, type MedallionStatus } from "./document.js";
import { toDocument } from "./service.js";

/** Evidence files bigger than this are refused rather than read into memory. */
const MAX_EVIDENCE_BYTES = 16 * 1024 * 1024;

const collect = (value: string, previous: string[]) => [...previous, value];

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_EVIDENCE_BYTES) throw new InvalidInputError("--evidence", `standard input is larger than ${MAX_EVIDENCE_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads an evidence JSON file (or - for standard input); every failure names the option and the reason. */
export async function readEvidenceFile(path: string): Promise<unknown> {
  let text: string;
  if (path === "-") {
    text = await readStdin();
  } else {
    const full = resolve(path);
    let info;
    try {
      info = await stat(full);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InvalidInputError("--evidence", code === "ENOENT" ? `file not found: ${path}` : `cannot read ${path} (${code ?? String(err)})`);
    }
    if (!info.isFile()) throw new InvalidInputError("--evidence", `not a regular file: ${path}`);
    if (info.size > MAX_EVIDENCE_BYTES) throw new InvalidInputError("--evidence", `${path} is larger than ${MAX_EVIDENCE_BYTES} bytes`);
    try {
      text = await readFile(full, "utf8");
    } catch (err) {
      throw new InvalidInputError("--evidence", `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidInputError("--evidence", `${path === "-" ? "standard input" : path} is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function parseStatuses(list: string[]): MedallionStatus[] {
  return list.map((s) => {
    const v = s.toUpperCase();
    if (!(MEDALLION_STATUSES as readonly string[]).includes(v)) {
      throw new InvalidInputError("--status", `"${s}" is not one of ${MEDALLION_STATUSES.join(", ")}`);
    }
    return v as MedallionStatus;
  });
}

function parseFirst(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new InvalidInputError("--first", "must be an integer from 1 to 100");
  return n;
}

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

export function registerMedallionCommands(program: Command): void {
  const medallion = program.command("medallion").description("Session checkpoints (medallions), as JSON for agents' session hooks");

  medallion
    .command("load")
    .description("Print the medallions for a scope, newest first: {\"medallions\": [medallion.v1 …]}")
    .option("--node <id>", "a code graph node the session will touch (repeatable)", collect, [])
    .option("--tag <tag>", "a tag (repeatable); a medallion must share at least one", collect, [])
    .option("--status <status>", "ACTIVE (default), STALE or SUPERSEDED (repeatable)", collect, [])
    .option("--first <n>", "at most this many (1–100)", "20")
    .option("--all", "no scope: list every medallion")
    .option("--json", "print JSON (the default: always JSON)")
    .action(async (opts: { node: string[]; tag: string[]; status: string[]; first: string; all?: boolean }, command: Command) => {
      const statuses = parseStatuses(opts.status);
      const first = parseFirst(opts.first);
      if (!opts.all && opts.node.length === 0 && opts.tag.length === 0) {
        throw new InvalidInputError("--node/--tag", "give at least one --node or --tag (or --all to list every medallion)");
      }
      const scope = opts.all ? null : { graphNodes: opts.node, tags: opts.tag };
      const remote = remoteOf(command);
      if (remote) {
        const data = await remote.request<{ medallions: { edges: { node: { document: unknown } }[] } }>(
          `query Load($scope: MedallionScopeInput, $status: [MedallionStatus!], $first: Int) { medallions(scope: $scope, status: $status, first: $first) { edges { node { document } } } }`,
          { scope, status: statuses.length ? statuses : null, first },
        );
        return print({ medallions: data.medallions.edges.map((e) => e.node.document) });
      }
      await withSqlServices(["medallions"], async ({ services }) => {
        print({ medallions: await services.medallions.find(scope, { statuses, first }) });
      });
    });

  medallion
    .command("checkpoint")
    .description("Save a session: update the ACTIVE medallion of exactly this scope, or create one. Prints {created, medallion}")
    .option("--node <id>", "a code graph node the session covered (repeatable)", collect, [])
    .option("--tag <tag>", "a tag (repeatable)", collect, [])
    .option("--summary <text>", "the session summary (overrides sessionSummary from --evidence)")
    .option("--evidence <file>", "evidence JSON: {sessionSummary, transcripts?, artefacts?, sessionStartedAt?, sessionEndedAt?}; - reads standard input")
    .option("--json", "print JSON (the default: always JSON)")
    .action(async (opts: { node: string[]; tag: string[]; summary?: string; evidence?: string }, command: Command) => {
      if (opts.summary === undefined && opts.evidence === undefined) {
        throw new InvalidInputError("--summary/--evidence", "give --summary <text> or --evidence <file.json>");
      }
      const fromFile = opts.evidence === undefined ? {} : await readEvidenceFile(opts.evidence);
      if (typeof fromFile !== "object" || fromFile === null || Array.isArray(fromFile)) {
        throw new InvalidInputError("--evidence", "must hold a JSON object ({\"sessionSummary\": …})");
      }
      const evidence = opts.summary === undefined ? fromFile : { ...fromFile, sessionSummary: opts.summary };
      const remote = remoteOf(command);
      if (remote) {
        const data = await remote.request<{ checkpointSession: { __typename: string; created: boolean; medallion: { document: unknown } } }>(
          `mutation Checkpoint($input: CheckpointSessionInput!) { checkpointSession(input: $input) { __typename ... on CheckpointSessionPayload { created medallion { document } } ... on Error { message } } }`,
          { input: { scope: { graphNodes: opts.node, tags: opts.tag }, evidence } },
        );
        const r = unwrap(data.checkpointSession);
        return print({ created: r.created, medallion: r.medallion.document });
      }
      await withSqlServices(["medallions"], async ({ services }) => {
        const service = services.medallions;
        const { medallion: m, created } = await service.checkpoint({ scope: { graphNodes: opts.node, tags: opts.tag }, evidence });
        print({ created, medallion: toDocument(m) });
      });
    });

  medallion
    .command("show")
    .description("Print one medallion (medallion.v1 JSON)")
    .argument("<medallionId>")
    .option("--json", "print JSON (the default: always JSON)")
    .action(async (id: string, _opts: unknown, command: Command) => {
      const remote = remoteOf(command);
      if (remote) {
        const data = await remote.request<{ medallion: { document: unknown } | null }>(`query Show($id: String!) { medallion(medallionId: $id) { document } }`, { id });
        if (!data.medallion) throw new NotFoundError("Medallion", id);
        return print(data.medallion.document);
      }
      await withSqlServices(["medallions"], async ({ services }) => print(await services.medallions.document(id)));
    });
}
