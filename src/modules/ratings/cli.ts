// `skillgraph rate <type:name> --rating N` and `skillgraph show <type:name> --scores`, against the
// configured database (DATABASE_URL). The CLI rates as "cli:<OS user>".
import type { Command } from "commander";
import { withServices } from "../../cli/context.js";
import { InvalidInputError } from "../../lib/errors.js";
import { artifactKey } from "../artifacts/index.js";
import type { ArtifactScores } from "./aggregates.js";
import { MAX_FEEDBACK } from "./rules.js";
import { CONFIDENCE_WEIGHTS, TRUST_PRIORS } from "./scoring.js";

export function parseRatingOption(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isInteger(n) || n < 1 || n > 5) {
    throw new InvalidInputError("--rating", "must be a whole number from 1 to 5");
  }
  return n;
}

const fmt = (v: number | null) => (v === null ? "—" : v.toFixed(1));

/** A human-readable breakdown of an artifact's scores. */
export function formatScores(key: string, s: ArtifactScores): string {
  const label = { userRating: "user rating", community: "community", maintenance: "maintenance", compatibility: "compatibility" } as const;
  const detail = (name: keyof typeof label) => {
    if (name === "userRating") {
      return s.userRating.count === 0 ? "prior (no ratings)" : `${s.userRating.count} rating(s), average ${fmt(s.userRating.average)} / 5`;
    }
    return s.components.find((c) => c.name === name)?.isPrior ? "prior (no data)" : "measured";
  };
  const w = s.matchScore === null ? CONFIDENCE_WEIGHTS.withoutMatch : CONFIDENCE_WEIGHTS.withMatch;
  const lines = [
    `${key}`,
    `  quality     ${fmt(s.qualityScore).padStart(5)} / 100`,
    ...s.components.map((c) => `    ${label[c.name].padEnd(14)} ${fmt(c.value).padStart(5)} × ${c.weight.toFixed(1)}   ${detail(c.name)}`),
    `  trust       ${fmt(s.trustScore).padStart(5)}         ${s.trustTier} prior ${TRUST_PRIORS[s.trustTier]}, moved by ratings`,
    `  match       ${fmt(s.matchScore).padStart(5)}         ${s.matchScore === null ? "no confirmed or rejected matches" : "from confirmed matches"}`,
    `  confidence  ${fmt(s.confidence).padStart(5)}         ${
      "match" in w ? `${w.trust}·trust + ${w.quality}·quality + ${w.match}·match` : `${w.trust}·trust + ${w.quality}·quality`
    }`,
    `  updated     ${s.lastUpdated ? s.lastUpdated.toISOString() : "never"}   (formulas v${s.schemaVersion})`,
  ];
  return lines.join("\n");
}

function scoresJson(s: ArtifactScores) {
  return { ...s, lastUpdated: s.lastUpdated?.toISOString() ?? null };
}

export function registerRatingCommands(program: Command): void {
  program
    .command("rate")
    .description("Rate an artifact 1–5 (as cli:<your OS user>; at most 5 times per artifact in 24 hours)")
    .argument("<key>", "type:name, e.g. skill:pdf-processor")
    .requiredOption("-r, --rating <n>", "1–5")
    .option("-f, --feedback <text>", `at most ${MAX_FEEDBACK} characters`)
    .option("--share", "share the rating with the community (without who rated)")
    .option("-c, --collection <name>", 'collection (default: "default")')
    .option("--json", "print JSON")
    .action(async (key: string, opts: { rating: string; feedback?: string; share?: boolean; collection?: string; json?: boolean }) => {
      const rating = parseRatingOption(opts.rating);
      if (opts.feedback !== undefined && opts.feedback.length > MAX_FEEDBACK) {
        throw new InvalidInputError("--feedback", `must be at most ${MAX_FEEDBACK} characters`);
      }
      await withServices(async ({ services, principal }) => {
        const artifact = await services.artifacts.byKey(key, opts.collection);
        const res = await services.ratings.rate(principal, {
          artifactId: artifact.id,
          rating,
          feedback: opts.feedback ?? null,
          shareWithCommunity: opts.share ?? false,
        });
        const k = artifactKey(artifact.type, artifact.name);
        if (opts.json) {
          const r = res.rating;
          console.log(
            JSON.stringify(
              {
                artifact: k,
                rating: { id: r.id, rating: r.rating, feedback: r.feedback, shareWithCommunity: r.shareWithCommunity, createdAt: r.createdAt.toISOString() },
                scores: scoresJson(res.scores),
              },
              null,
              2,
            ),
          );
          return;
        }
        console.log(`Rated ${k} ${rating}/5 as ${principal.name}.\n`);
        console.log(formatScores(k, res.scores));
      });
    });

  program
    .command("show")
    .description("Show an artifact; with --scores, its quality, trust and confidence breakdown")
    .argument("<key>", "type:name, e.g. skill:pdf-processor")
    .option("--scores", "show the score breakdown")
    .option("--files", "list the current version's files (path, size, sha256, media type)")
    .option("-c, --collection <name>", 'collection (default: "default")')
    .option("--json", "print JSON")
    .action(async (key: string, opts: { scores?: boolean; files?: boolean; collection?: string; json?: boolean }) => {
      await withServices(async ({ services }) => {
        const artifact = await services.artifacts.byKey(key, opts.collection);
        const k = artifactKey(artifact.type, artifact.name);
        const scores = opts.scores ? await services.ratings.scoresOf(artifact) : null;
        const files = opts.files ? (artifact.currentVersionId ? ((await services.content.filesOf([artifact.currentVersionId]))[0] ?? []) : []) : null;
        if (opts.json) {
          const base = { key: k, name: artifact.name, type: artifact.type, origin: artifact.origin, source: artifact.source, title: artifact.title };
          const fileList = files?.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, mediaType: f.mediaType }));
          console.log(JSON.stringify({ ...base, ...(scores ? { scores: scoresJson(scores) } : {}), ...(files ? { contentHash: artifact.contentHash, files: fileList } : {}) }, null, 2));
          return;
        }
        if (files) {
          console.log(`${k}  content ${artifact.contentHash ?? "none"}`);
          for (const f of files) console.log(`  ${String(f.size).padStart(9)}  ${f.sha256.slice(0, 12)}  ${f.mediaType.padEnd(24)}  ${f.path}`);
          if (files.length === 0) console.log("  (no files)");
          if (!scores) return;
        }
        if (scores) {
          console.log(formatScores(k, scores));
          return;
        }
        console.log(`${k}\n  origin  ${artifact.origin}${artifact.source ? `\n  source  ${artifact.source}` : ""}${artifact.title ? `\n  title   ${artifact.title}` : ""}`);
      });
    });
}
