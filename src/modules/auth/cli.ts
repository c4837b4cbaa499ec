// `skillgraph token create|list|revoke`, on the local database or, with --url, on a server
// (which needs an admin token).
import type { Command } from "commander";
import { Option } from "commander";
import { withSqlServices } from "../../cli/context.js";
import { printJson, printTable } from "../../cli/output.js";
import { remoteOf, unwrap, type GraphQLClient } from "../../cli/remote.js";
import { InvalidInputError, NotFoundError } from "../../lib/errors.js";
import { parseScopes } from "../../lib/principal.js";

interface TokenRow {
  id: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const TOKEN_FIELDS = "id name scopes createdAt lastUsedAt revokedAt";
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Every token on the server, page by page. */
async function remoteTokens(remote: GraphQLClient): Promise<TokenRow[]> {
  const all: TokenRow[] = [];
  let after: string | null = null;
  for (;;) {
    const data: { apiTokens: { edges: { node: TokenRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await remote.request(
      `query Tokens($after: String) { apiTokens(first: 100, after: $after) { edges { node { ${TOKEN_FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    all.push(...data.apiTokens.edges.map((e) => ({ ...e.node, scopes: e.node.scopes.map((s) => s.toLowerCase()) })));
    if (!data.apiTokens.pageInfo.hasNextPage) return all;
    after = data.apiTokens.pageInfo.endCursor;
  }
}

export function registerTokenCommands(program: Command): void {
  const token = program.command("token").description("API tokens");
  token
    .command("create")
    .description("Create a token; its secret is printed once and never stored")
    .requiredOption("--name <name>", "a unique name")
    .addOption(new Option("--scopes <scopes>", "comma-separated: read,write,admin").default("read"))
    .option("--json", "print JSON")
    .action(async (opts: { name: string; scopes: string; json?: boolean }, command: Command) => {
      const remote = remoteOf(command);
      let created: { name: string; scopes: string[]; secret: string };
      if (remote) {
        let scopes: string[];
        try {
          scopes = parseScopes(opts.scopes).map((s) => s.toUpperCase());
        } catch (err) {
          throw new InvalidInputError("--scopes", err instanceof Error ? err.message.replace(/^scopes: /, "") : String(err));
        }
        const data = await remote.request<{ createApiToken: { __typename: string; secret: string; token: { name: string; scopes: string[] } } }>(
          `mutation Create($input: CreateApiTokenInput!) { createApiToken(input: $input) { __typename ... on CreateApiTokenPayload { secret token { name scopes } } ... on Error { message } } }`,
          { input: { name: opts.name, scopes } },
        );
        const r = unwrap(data.createApiToken);
        created = { name: r.token.name, scopes: r.token.scopes.map((s) => s.toLowerCase()), secret: r.secret };
      } else {
        created = await withSqlServices(["tokens"], async ({ services }) => {
          const { token: t, secret } = await services.tokens.create(opts.name, opts.scopes);
          return { name: t.name, scopes: t.scopes, secret };
        });
      }
      if (opts.json) return console.log(JSON.stringify({ name: created.name, scopes: created.scopes, token: created.secret }));
      console.log(`Created token "${created.name}" with scopes ${created.scopes.join(",")}.`);
      console.log(`\n  ${created.secret}\n`);
      console.log("Store it now: it is not shown again. Send it as: Authorization: Bearer <token>");
    });
  token
    .command("list")
    .description("List tokens (never their secrets)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, command: Command) => {
      const remote = remoteOf(command);
      const list: TokenRow[] = remote
        ? await remoteTokens(remote)
        : (await withSqlServices(["tokens"], ({ services }) => services.tokens.list())).map((t) => ({
            id: t.id,
            name: t.name,
            scopes: t.scopes,
            createdAt: t.createdAt.toISOString(),
            lastUsedAt: iso(t.lastUsedAt),
            revokedAt: iso(t.revokedAt),
          }));
      if (opts.json) return printJson(list);
      printTable(
        list,
        [
          { header: "NAME", value: (t) => t.name },
          { header: "SCOPES", value: (t) => t.scopes.join(",") },
          { header: "CREATED", value: (t) => t.createdAt },
          { header: "STATE", value: (t) => (t.revokedAt ? `revoked ${t.revokedAt}` : t.lastUsedAt ? `last used ${t.lastUsedAt}` : "never used") },
        ],
        "No tokens.",
      );
    });
  token
    .command("revoke")
    .description("Revoke a token by name (or id)")
    .argument("<name>")
    .option("--json", "print JSON")
    .action(async (name: string, opts: { json?: boolean }, command: Command) => {
      const remote = remoteOf(command);
      let revoked: { name: string };
      if (remote) {
        const found = (await remoteTokens(remote)).find((t) => t.name === name || t.id === name);
        if (!found) throw new NotFoundError("Token", name);
        const data = await remote.request<{ revokeApiToken: { __typename: string } }>(
          `mutation Revoke($id: ID!) { revokeApiToken(id: $id) { __typename ... on Error { message } } }`,
          { id: found.id },
        );
        unwrap(data.revokeApiToken);
        revoked = { name: found.name };
      } else {
        revoked = await withSqlServices(["tokens"], ({ services }) => services.tokens.revoke(name));
      }
      if (opts.json) return printJson({ revoked: revoked.name });
      console.log(`Revoked token "${revoked.name}".`);
    });
}
