// `skillgraph rate <type:name> --rating N` and `skillgraph show <type:name> [--scores] [--files]`, against the
// configured database (DATABASE_URL), or a server over GraphQL with --url/--token. Locally the CLI
// rates as "cli:<OS user>".
import type { Command } from "commander";
import { withServices } from "../../cli/context.js";
import { remoteOf, unwrap, type GraphQLClient } from "../../cli/remote.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { artifactKey } from "../artifacts/index.js";
import type { ArtifactScores } from "./aggregates.js";
import { MAX_FEEDBACK } from "./rules.js";
import { CONFIDENCE_WEIGHTS, TRUST_PRIORS, type ScoreComponent, type TrustTier } from "./scoring.js";

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

const SCORE_FIELDS = `qualityScore trustScore trustTier confidence matchScore communityScore maintenanceScore compatibilityScore schemaVersion lastUpdated
  userRating { average count bayesian } components { name weight value isPrior }`;

interface RemoteScores extends Omit<ArtifactScores, "artifactId" | "lastUpdated" | "trustTier" | "components"> {
  lastUpdated: string | null;
  trustTier: string;
  components: { name: string; weight: number; value: number; isPrior: boolean }[];
}

/** The server's scores in the local shape (its enums are the GraphQL names: USER_RATING, GITHUB). */
function fromRemote(artifactId: string, s: RemoteScores): ArtifactScores {
  const camel = (name: string) => name.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  return {
    ...s,
    artifactId,
    trustTier: s.trustTier.toLowerCase() as TrustTier,
    lastUpdated: s.lastUpdated === null ? null : new Date(s.lastUpdated),
    components: s.components.map((c) => ({ ...c, name: camel(c.name) as ScoreComponent["name"] })),
  };
}

interface RemoteArtifact {
  id: string;
  key: string;
  name: string;
  type: string;
  origin: string;
  source: string | null;
  metadata: { title: string | null };
}

type FileRow = { path: string; size: number; sha256: string; mediaType: string };

async function remoteArtifact(remote: GraphQLClient, key: string, collection: string | undefined, withScores: boolean, withFiles = false) {
  const data = await remote.request<{ viewer: { name: string }; artifact: (RemoteArtifact & { scores?: RemoteScores; contentHash?: string | null; files?: FileRow[] }) | null }>(
    `query Artifact($key: String!, $collection: String) { viewer { name } artifact(key: $key, collection: $collection) { id key name type origin source metadata { title } ${withScores ? `scores { ${SCORE_FIELDS} }` : ""} ${withFiles ? "contentHash files { path size sha256 mediaType }" : ""} } }`,
    { key, collection },
  );
  if (!data.artifact) throw new NotFoundError("Artifact", key);
  return { ...data.artifact, viewer: data.viewer.name };
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
    .action(async (key: string, opts: { rating: string; feedback?: string; share?: boolean; collection?: string; json?: boolean }, command: Command) => {
      const rating = parseRatingOption(opts.rating);
      if (opts.feedback !== undefined && opts.feedback.length > MAX_FEEDBACK) {
        throw new InvalidInputError("--feedback", `must be at most ${MAX_FEEDBACK} characters`);
      }
      const remote = remoteOf(command);
      let result: { key: string; by: string; rating: { id: string; rating: number; feedback: string | null; shareWithCommunity: boolean; createdAt: string }; scores: ArtifactScores };
      if (remote) {
        const artifact = await remoteArtifact(remote, key, opts.collection, false);
        const data = await remote.request<{
          rateArtifact: { __typename: string; rating: { id: string; rating: number; feedback: string | null; shareWithCommunity: boolean; createdAt: string }; scores: RemoteScores };
        }>(
          `mutation Rate($input: RateArtifactInput!) { rateArtifact(input: $input) { __typename ... on RateArtifactPayload { rating { id rating feedback shareWithCommunity createdAt } scores { ${SCORE_FIELDS} } } ... on Error { message } } }`,
          { input: { artifactId: artifact.id, rating, feedback: opts.feedback ?? null, shareWithCommunity: opts.share ?? false } },
        );
        const r = unwrap(data.rateArtifact);
        result = { key: artifact.key, by: artifact.viewer, rating: r.rating, scores: fromRemote(artifact.id, r.scores) };
      } else {
        result = await withServices(async ({ services, principal }) => {
          const artifact = await services.artifacts.byKey(key, opts.collection);
          const res = await services.ratings.rate(principal, {
            artifactId: artifact.id,
            rating,
            feedback: opts.feedback ?? null,
            shareWithCommunity: opts.share ?? false,
          });
          const r = res.rating;
          return {
            key: artifactKey(artifact.type, artifact.name),
            by: principal.name,
            rating: { id: r.id, rating: r.rating, feedback: r.feedback, shareWithCommunity: r.shareWithCommunity, createdAt: r.createdAt.toISOString() },
            scores: res.scores,
          };
        });
      }
      if (opts.json) {
        console.log(JSON.stringify({ artifact: result.key, rating: result.rating, scores: scoresJson(result.scores) }, null, 2));
        return;
      }
      console.log(`Rated ${result.key} ${rating}/5 as ${result.by}.\n`);
      console.log(formatScores(result.key, result.scores));
    });

  program
    .command("show")
    .description("Show an artifact; with --scores, its quality, trust and confidence breakdown")
    .argument("<key>", "type:name, e.g. skill:pdf-processor")
    .option("--scores", "show the score breakdown")
    .option("--files", "list the current version's files (path, size, sha256, media type)")
    .option("-c, --collection <name>", 'collection (default: "default")')
    .option("--json", "print JSON")
    .action(async (key: string, opts: { scores?: boolean; files?: boolean; collection?: string; json?: boolean }, command: Command) => {
      const remote = remoteOf(command);
      let shown: { key: string; name: string; type: string; origin: string; source: string | null; title: string | null; scores: ArtifactScores | null };
      let files: FileRow[] | null = null;
      let contentHash: string | null = null;
      if (remote) {
        const a = await remoteArtifact(remote, key, opts.collection, opts.scores === true, opts.files === true);
        if (opts.files) {
          files = a.files ?? [];
          contentHash = a.contentHash ?? null;
        }
        shown = { key: a.key, name: a.name, type: a.type, origin: a.origin, source: a.source, title: a.metadata.title, scores: a.scores ? fromRemote(a.id, a.scores) : null };
      } else {
        ({ shown, files, contentHash } = await withServices(async ({ services }) => {
          const artifact = await services.artifacts.byKey(key, opts.collection);
          const scores = opts.scores ? await services.ratings.scoresOf(artifact) : null;
          const listed: FileRow[] | null = opts.files
            ? artifact.currentVersionId
              ? ((await services.content.filesOf([artifact.currentVersionId]))[0] ?? []).map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, mediaType: f.mediaType }))
              : []
            : null;
          return {
            shown: { key: artifactKey(artifact.type, artifact.name), name: artifact.name, type: artifact.type, origin: artifact.origin, source: artifact.source, title: artifact.title, scores },
            files: listed,
            contentHash: opts.files ? artifact.contentHash : null,
          };
        }));
      }
      const { scores, ...base } = shown;
      const fileList = files;
      if (opts.json) {
        console.log(JSON.stringify({ ...base, ...(scores ? { scores: scoresJson(scores) } : {}), ...(fileList ? { contentHash, files: fileList } : {}) }, null, 2));
        return;
      }
      if (fileList) {
        console.log(`${shown.key}  content ${contentHash ?? "none"}`);
        for (const f of fileList) console.log(`  ${String(f.size).padStart(9)}  ${f.sha256.slice(0, 12)}  ${f.mediaType.padEnd(24)}  ${f.path}`);
        if (fileList.length === 0) console.log("  (no files)");
        if (!scores) return;
      }
      if (scores) {
        console.log(formatScores(shown.key, scores));
        return;
      }
      console.log(`${shown.key}\n  origin  ${shown.origin}${shown.source ? `\n  source  ${shown.source}` : ""}${shown.title ? `\n  title   ${shown.title}` : ""}`);
    });
}
