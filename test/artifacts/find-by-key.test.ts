// artifact(key) finds the artifact of a key in the named collection (or "default"), with the
// columns and relations a request selects.
import { beforeEach, describe, expect, it } from "vitest";
import { SYSTEM } from "../../src/lib/principal.js";
import { useTestApp } from "../helpers/app.js";

describe("finding an artifact by key", () => {
  const t = useTestApp();
  beforeEach(() => t().clear());

  it("returns the same row as Prisma, every field, in the named collection or the default one", async () => {
    const svc = t().app.services.artifacts;
    await t().app.services.collections.create({ name: "team" });
    const full = await svc.add({
      type: "SKILL",
      name: "pdf-processor",
      origin: "GITHUB",
      source: "anthropics/skills/pdf@v1.2.0",
      resolvedVersion: "v1.2.0",
      resolvedSha: "0123456789abcdef",
      metadata: { title: "PDF", description: "Reads PDFs", author: "someone", license: "MIT", version: "1.2.0", tools: ["Read", "Bash"] },
    });
    const bare = await svc.add({ collection: "team", type: "SKILL", name: "pdf-processor", origin: "LOCAL" });
    await t().app.database.prisma.artifact.update({ where: { id: bare.id }, data: { qualityScore: 61.25 } });
    const prisma = (collection: string) =>
      t().app.database.prisma.artifact.findFirst({ where: { type: "SKILL", name: "pdf-processor", collection: { name: collection } } });

    const inDefault = await svc.findByKey(SYSTEM, { type: "SKILL", name: "pdf-processor" });
    expect(inDefault).toEqual(await prisma("default"));
    expect(inDefault).toMatchObject({ id: full.id, tools: ["Read", "Bash"], sourceOwner: "anthropics", license: "MIT" });
    expect(inDefault?.createdAt).toBeInstanceOf(Date);

    const inTeam = await svc.findByKey(SYSTEM, { type: "SKILL", name: "pdf-processor" }, "team");
    expect(inTeam).toEqual(await prisma("team"));
    expect(inTeam).toMatchObject({ id: bare.id, tools: null, source: null, qualityScore: 61.25 });

    expect(await svc.findByKey(SYSTEM, { type: "SKILL", name: "absent" })).toBeNull();
    expect(await svc.findByKey(SYSTEM, { type: "COMMAND", name: "pdf-processor" })).toBeNull();
    expect(await svc.findByKey(SYSTEM, { type: "SKILL", name: "pdf-processor" }, "no-such-collection")).toBeNull();
  });

  it("answers artifact(key) with and without relations", async () => {
    await t().app.services.artifacts.add({ type: "COMMAND", name: "deploy", origin: "LOCAL", tags: ["ops"], metadata: { tools: ["Bash"] } });
    const res = (
      await t().execute(
        `{ plain: artifact(key: "command:deploy") { key origin metadata { tools } createdAt }
           related: artifact(key: "command:deploy") { key tags { name } collection { name } }
           absent: artifact(key: "command:nope") { key } }`,
        {},
        { token: "read" },
      )
    ).expectNoErrors() as Record<string, unknown>;
    expect(res).toMatchObject({
      plain: { key: "command:deploy", origin: "LOCAL", metadata: { tools: ["Bash"] } },
      related: { key: "command:deploy", tags: [{ name: "ops" }], collection: { name: "default" } },
      absent: null,
    });
  });
});
