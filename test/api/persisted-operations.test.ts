// Persisted operations as clients send them: a codegen client (client preset, persistedDocuments)
// sends only the hash of a document from the manifest; in `require` mode nothing else runs. In
// `allow` mode, automatic persisted queries: hash first, the document once when it is unknown,
// and with REDIS_URL every instance knows what one learned.
import { createHash, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createClient } from "graphql-ws";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { graphql } from "../gql/index.js";
import { createTestApp, useTestApp, type TestApp } from "../helpers/app.js";

const TrustedArtifacts = graphql(`
  query TrustedArtifacts {
    artifacts(first: 5) {
      edges {
        node {
          key
        }
      }
    }
  }
`);

const manifest = fileURLToPath(new URL("../gql/persisted-documents.json", import.meta.url));
const hashOf = (doc: unknown) => (doc as { __meta__: { hash: string } }).__meta__.hash;

async function post(t: TestApp, body: Record<string, unknown>) {
  const response = await t.app.yoga.fetch("http://skillgraph.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json", authorization: `Bearer ${t.tokens.write}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] } };
}
const persisted = (sha256Hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash } } });

describe("trusted documents, SKILLGRAPH_TRUSTED_DOCUMENTS=require", () => {
  const t = useTestApp({ env: { SKILLGRAPH_TRUSTED_DOCUMENTS: "require", SKILLGRAPH_TRUSTED_DOCUMENTS_MANIFEST: manifest } });

  it("runs a document of the codegen manifest sent by its hash", async () => {
    const r = await post(t(), persisted(hashOf(TrustedArtifacts)));
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data).toEqual({ artifacts: { edges: [] } });
    // The manifest's sha256:-prefixed key, sent bare as Apollo's and urql's links do.
    expect((await post(t(), persisted(hashOf(TrustedArtifacts).slice("sha256:".length)))).body.data).toEqual({ artifacts: { edges: [] } });
  });

  it("refuses an arbitrary document, and writes nothing", async () => {
    const r = await post(t(), { query: `mutation { createTag(input: { name: "sneaky" }) { __typename } }` });
    expect(r.status).toBe(400);
    expect(r.body.data ?? null).toBeNull();
    expect(r.body.errors?.[0].extensions?.code).toBe("PERSISTED_QUERY_ONLY");
    expect(await t().app.database.prisma.tag.count()).toBe(0);
    // Even a document that is in the manifest is refused when sent as text.
    const text = await post(t(), { query: "query TrustedArtifacts { artifacts(first: 5) { edges { node { key } } } }" });
    expect(text.body.errors?.[0].extensions?.code).toBe("PERSISTED_QUERY_ONLY");
  });

  it("refuses a hash that is not in the manifest", async () => {
    const r = await post(t(), persisted(createHash("sha256").update("{ __typename }").digest("hex")));
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0].extensions?.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
  });

  it("applies the same rule to graphql-ws operations", async () => {
    const base = await t().listen();
    const client = createClient({ url: `${base.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${t().tokens.read}` }, retryAttempts: 0 });
    try {
      const run = async (payload: { query: string; extensions?: Record<string, unknown> }) => {
        const out: unknown[] = [];
        try {
          for await (const r of client.iterate(payload)) out.push(r);
        } catch (err) {
          out.push({ errors: err });
        }
        return out;
      };
      expect(await run({ query: "", ...persisted(hashOf(TrustedArtifacts)) })).toEqual([{ data: { artifacts: { edges: [] } } }]);
      const refused = JSON.stringify(await run({ query: "{ artifacts(first: 5) { edges { node { key } } } }" }));
      expect(refused).toContain("PERSISTED_QUERY_ONLY");
      expect(refused).not.toContain('"data"');
    } finally {
      await client.dispose();
    }
  });
});

describe("automatic persisted queries, SKILLGRAPH_TRUSTED_DOCUMENTS=allow (the default)", () => {
  const t = useTestApp({ env: { SKILLGRAPH_TRUSTED_DOCUMENTS_MANIFEST: manifest } });
  // Unique per run: Redis keeps what earlier runs taught it.
  const query = `# ${randomUUID()}\n{ artifacts(first: 2) { edges { node { key } } } __typename }`;
  const hash = createHash("sha256").update(query).digest("hex");

  it("asks for the document once, then runs it by hash (on every instance, with Redis)", async () => {
    const first = await post(t(), persisted(hash));
    expect(first.body.errors?.[0].extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    const register = await post(t(), { query, ...persisted(hash) });
    expect(register.body.errors).toBeUndefined();
    const again = await post(t(), persisted(hash));
    expect(again.body.data).toEqual({ artifacts: { edges: [] }, __typename: "Query" });
    if (!process.env.REDIS_URL) return;
    const other = await createTestApp();
    try {
      const there = await post(other, persisted(hash));
      expect(there.body.data).toEqual({ artifacts: { edges: [] }, __typename: "Query" });
    } finally {
      await other.close();
    }
  });

  it("refuses a document whose hash does not match", async () => {
    const r = await post(t(), { query, ...persisted(createHash("sha256").update("other").digest("hex")) });
    expect(r.body.errors?.[0].extensions?.code).toBe("PERSISTED_QUERY_MISMATCH");
  });

  it("takes the hash bare (Apollo, urql) or sha256:-prefixed (codegen's client preset) as the same document, over HTTP and graphql-ws", async () => {
    const text = `# ${randomUUID()}\n{ __typename }`;
    const hex = createHash("sha256").update(text).digest("hex");
    // Registered with the prefix, run bare; and the other way round.
    expect((await post(t(), { query: text, ...persisted(`sha256:${hex}`) })).body).toEqual({ data: { __typename: "Query" } });
    expect((await post(t(), persisted(hex))).body).toEqual({ data: { __typename: "Query" } });
    const other = `# ${randomUUID()}\n{ __typename }`;
    const otherHex = createHash("sha256").update(other).digest("hex");
    expect((await post(t(), { query: other, ...persisted(otherHex) })).body.errors).toBeUndefined();
    expect((await post(t(), persisted(`sha256:${otherHex}`))).body).toEqual({ data: { __typename: "Query" } });
    // A prefixed hash that does not match its document is still a mismatch.
    expect((await post(t(), { query: text, ...persisted(`sha256:${otherHex}`) })).body.errors?.[0].extensions?.code).toBe("PERSISTED_QUERY_MISMATCH");
    // The codegen manifest's documents run by hash in allow mode too, in either form.
    const trusted = hashOf(TrustedArtifacts);
    expect(trusted.startsWith("sha256:")).toBe(true);
    expect((await post(t(), persisted(trusted))).body.data).toEqual({ artifacts: { edges: [] } });
    expect((await post(t(), persisted(trusted.slice(7)))).body.data).toEqual({ artifacts: { edges: [] } });

    const base = await t().listen();
    const client = createClient({ url: `${base.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { Authorization: `Bearer ${t().tokens.read}` }, retryAttempts: 0 });
    try {
      const results: unknown[] = [];
      for await (const r of client.iterate({ query: "", ...persisted(`sha256:${hex}`) })) results.push(r);
      for await (const r of client.iterate({ query: "", ...persisted(otherHex) })) results.push(r);
      expect(results).toEqual([{ data: { __typename: "Query" } }, { data: { __typename: "Query" } }]);
    } finally {
      await client.dispose();
    }
  });

  it("still runs ordinary documents", async () => {
    expect((await post(t(), { query: "{ __typename }" })).body.data).toEqual({ __typename: "Query" });
  });
});
