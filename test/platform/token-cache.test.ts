// Known tokens are remembered in memory (SQLite), so a request does not read its token; revoking
// must still take effect on the very next request, whoever revokes it.
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/index.js";
import { createLogger } from "../../src/lib/logger.js";
import { TokenService } from "../../src/modules/auth/index.js";
import { useTestApp } from "../helpers/app.js";

const Viewer = `query { viewer { name scopes } }`;
const AddCommand = `mutation($name: String!) { addArtifact(input: { type: COMMAND, name: $name, origin: LOCAL }) { __typename } }`;
const Revoke = `mutation($id: ID!) { revokeApiToken(id: $id) { __typename ... on RevokeApiTokenPayload { revokedTokenId } } }`;
const onSqlite = !process.env.TEST_DATABASE_URL;

describe("token revocation with tokens remembered in memory", () => {
  const t = useTestApp();

  /** A new write token that has just been used a few times (so it is remembered where it can be). */
  async function warmToken(name: string) {
    const { token, secret } = await t().app.services.tokens.create(name, ["write"]);
    for (let i = 0; i < 3; i++) expect((await t().execute(Viewer, {}, { token: secret })).expectNoErrors()).toMatchObject({ viewer: { name } });
    return { id: token.id, secret };
  }

  async function expectRefused(secret: string, name: string) {
    const res = await t().execute(AddCommand, { name }, { token: secret });
    expect(res.status).toBe(401);
    expect(res.expectErrors()[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await t().app.database.prisma.artifact.count({ where: { name } })).toBe(0);
  }

  it("refuses a token revoked through the API on the very next request", async () => {
    const { id, secret } = await warmToken("api-revoked");
    const { encodeGlobalID } = await import("@pothos/plugin-relay");
    const res = (await t().execute(Revoke, { id: encodeGlobalID("ApiToken", id) }, { token: "admin" })).expectNoErrors();
    expect(res).toMatchObject({ revokeApiToken: { __typename: "RevokeApiTokenPayload" } });
    await expectRefused(secret, "after-api-revoke");
  });

  it("refuses a token revoked by another app instance on the same database on the very next request", async () => {
    const { secret } = await warmToken("instance-revoked");
    const other = await createApp(loadConfig({ DATABASE_URL: t().app.config.databaseUrl, PORT: "0", LOG_LEVEL: "silent", SKILLGRAPH_MIGRATE_ON_START: "false" }), {
      logger: createLogger("silent"),
      startBackground: false,
    });
    try {
      await other.services.tokens.revoke("instance-revoked");
    } finally {
      await other.stop();
    }
    await expectRefused(secret, "after-instance-revoke");
  });

  it("refuses a token revoked from another connection (as the CLI does) on the very next request", async () => {
    const { secret } = await warmToken("cli-revoked");
    const d = await openDatabase({ url: t().app.config.databaseUrl, provider: t().app.config.provider });
    try {
      await new TokenService(d).revoke("cli-revoked");
    } finally {
      await d.close();
    }
    await expectRefused(secret, "after-cli-revoke");
  });

  it("keeps other tokens working after a revoke, and still records lastUsedAt", async () => {
    const { secret } = await warmToken("survivor");
    await warmToken("neighbour");
    await t().app.services.tokens.revoke("neighbour");
    expect((await t().execute(AddCommand, { name: "survivor-writes" }, { token: secret })).expectNoErrors()).toMatchObject({
      addArtifact: { __typename: "AddArtifactPayload" },
    });
    const used = (await t().app.services.tokens.list()).find((k) => k.name === "survivor");
    expect(used?.lastUsedAt).toBeInstanceOf(Date);
  });

  it.runIf(onSqlite)("does not read the token of a known token again until the database changes elsewhere", async () => {
    const { secret } = await warmToken("remembered");
    const again = await t().countStatements(() => t().execute(Viewer, {}, { token: secret }));
    expect(again.statements.filter((s) => s.includes("ApiToken"))).toEqual([]);
    // A commit by another connection makes the next request read it again.
    const d = await openDatabase({ url: t().app.config.databaseUrl, provider: t().app.config.provider });
    try {
      await d.prisma.tag.create({ data: { name: "elsewhere", slug: "elsewhere" } });
    } finally {
      await d.close();
    }
    const afterChange = await t().countStatements(() => t().execute(Viewer, {}, { token: secret }));
    expect(afterChange.statements.filter((s) => s.includes("ApiToken"))).toHaveLength(1);
  });
});
