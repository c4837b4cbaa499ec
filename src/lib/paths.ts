// Files shipped beside the code (migrations) are found from the package's root: the nearest
// folder above this module holding skillgraph's package.json. That holds wherever the code runs
// from: src/ (tsx, vitest) or the bundled build in dist/, whose chunks sit at other depths.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "skillgraph") return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`skillgraph's package.json was not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}
