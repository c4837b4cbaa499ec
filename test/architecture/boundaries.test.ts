// Modules with edges (DESIGN.md, "Layout"): src/lib, src/db and src/graphql know no module;
// modules reach each other only through index.ts (services) or schema.ts (GraphQL refs, from
// GraphQL files); services never import GraphQL; the module graph has no cycles. Each rule is
// first shown to catch a made-up violation, so the checks cannot pass vacuously.
import { describe, expect, it } from "vitest";
import { moduleCycles, violation } from "./boundaries.js";
import { importsOf, sourceFiles } from "./source.js";

const edges = () => sourceFiles().flatMap((f) => importsOf(f));

describe("module boundaries", () => {
  it("the rules catch each kind of violation", () => {
    const probe = (from: string, text: string) => importsOf(from, text).map(violation);
    expect(probe("src/lib/events.ts", `import type { JobSnapshot } from "../modules/jobs/snapshot.js";`)[0]).toMatch(/import no module/);
    expect(probe("src/graphql/context.ts", `import type { Services } from "../services.js";`)[0]).toMatch(/top-level wiring/);
    expect(probe("src/modules/groups/service.ts", `import { DEFAULT } from "../collections/service.js";`)[0]).toMatch(/only through its index\.ts/);
    expect(probe("src/modules/ratings/service.ts", `import { JobRef } from "../jobs/schema.js";`)[0]).toMatch(/only GraphQL files/);
    expect(probe("src/modules/mcp/service.ts", `import { GraphQLError } from "graphql";`)[0]).toMatch(/do not import graphql/);
    expect(probe("src/modules/mcp/health.ts", `import { McpServerRef } from "./types.js";`)[0]).toMatch(/do not import GraphQL files/);
    expect(probe("src/modules/tags/schema.ts", `import { ArtifactRef } from "../artifacts/schema.js"; import type { X } from "../artifacts/index.js";`)).toEqual([null, null]);
    const cyclic = [...importsOf("src/modules/a/index.ts", `import "../b/index.js";`), ...importsOf("src/modules/b/service.ts", `import "../a/index.js";`)];
    expect(moduleCycles(cyclic)).toEqual([["a", "b", "a"]]);
  });

  it("src/ follows them", () => {
    const all = edges();
    const broken = all.flatMap((e) => {
      const why = violation(e);
      return why ? [`${e.from} → ${e.specifier}: ${why}`] : [];
    });
    expect(broken).toEqual([]);
    expect(moduleCycles(all)).toEqual([]);
  });
});
