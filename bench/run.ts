// `npm run bench [name …]`: runs bench/<name>.bench.ts (all when none named), one process each,
// one after another so they do not compete for the two cores.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here).filter((f) => f.endsWith(".bench.ts")).sort();
const wanted = process.argv.slice(2);
const files = wanted.length ? all.filter((f) => wanted.some((w) => f.startsWith(w))) : all;
if (files.length === 0) {
  console.error(`No benchmark matches ${wanted.join(", ")}. Available: ${all.join(", ")}`);
  process.exit(2);
}
let failed = false;
for (const f of files) {
  console.error(`\n▶ ${f}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", join(here, f)], { stdio: "inherit" });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
