#!/usr/bin/env node
// The `skillgraph` command. It runs the compiled build in dist/ (made by `npm install`, or
// `npm run build` after a change): no TypeScript is compiled at start-up. `npm run dev` runs the
// sources through tsx instead.
import { existsSync } from "node:fs";

const main = new URL("../../dist/main.js", import.meta.url);
if (!existsSync(main)) {
  console.error("skillgraph is not built yet: run `npm run build` (npm install runs it).");
  process.exit(1);
}
await import(main.href);
