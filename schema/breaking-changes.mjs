#!/usr/bin/env node
// Breaking-change check (CI): compares schema/schema.graphql (what the code builds) with
// schema/released.graphql (the schema of the last release) using GraphQL Inspector, and fails on
// a breaking change unless schema/accepted-breaking-changes.json lists it with a reason.
// Dangerous changes (e.g. a new enum value) are printed, not failed.
// Usage: node schema/breaking-changes.mjs [--released <file>] [--current <file>] [--accepted <file>]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CriticalityLevel, diff } from "@graphql-inspector/core";
import { buildSchema } from "graphql";

const { values } = parseArgs({
  options: {
    released: { type: "string", default: "schema/released.graphql" },
    current: { type: "string", default: "schema/schema.graphql" },
    accepted: { type: "string", default: "schema/accepted-breaking-changes.json" },
  },
});

function read(file) {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    console.error(`${file}: cannot read (${err.code ?? err.message})`);
    process.exit(2);
  }
}

/** Each accepted change: { type, path, reason } as GraphQL Inspector reports it, with why it is acceptable. */
function acceptedChanges(file) {
  let list;
  try {
    list = JSON.parse(read(file));
  } catch (err) {
    console.error(`${file}: not valid JSON (${err.message})`);
    process.exit(2);
  }
  if (!Array.isArray(list)) {
    console.error(`${file}: must be a JSON array of { "type", "path", "reason" }`);
    process.exit(2);
  }
  list.forEach((entry, i) => {
    for (const key of ["type", "path", "reason"]) {
      if (typeof entry?.[key] !== "string" || entry[key].trim() === "") {
        console.error(`${file}[${i}].${key}: must be a non-empty string`);
        process.exit(2);
      }
    }
  });
  return list;
}

const released = buildSchema(read(values.released));
const current = buildSchema(read(values.current));
const accepted = acceptedChanges(values.accepted);
const changes = await diff(released, current);

const isAccepted = (c) => accepted.some((a) => a.type === c.type && a.path === (c.path ?? ""));
const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
const refused = breaking.filter((c) => !isAccepted(c));
const dangerous = changes.filter((c) => c.criticality.level === CriticalityLevel.Dangerous);
const stale = accepted.filter((a) => !breaking.some((c) => a.type === c.type && a.path === (c.path ?? "")));

for (const c of dangerous) console.log(`dangerous: ${c.message}`);
for (const a of stale) console.log(`note: accepted change no longer happens (remove it from ${values.accepted}): ${a.type} ${a.path}`);
console.log(
  `${changes.length} change(s) since ${values.released}: ${breaking.length} breaking (${breaking.length - refused.length} accepted), ${dangerous.length} dangerous.`,
);
if (refused.length > 0) {
  console.error(`\nBreaking changes not accepted (deprecate with a reason instead of removing, or list them in ${values.accepted} with a reason and a CHANGELOG entry):`);
  for (const c of refused) console.error(`  ${c.type} ${c.path ?? ""}: ${c.message}`);
  process.exit(1);
}
