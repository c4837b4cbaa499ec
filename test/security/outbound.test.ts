// Outbound requests to URLs from input or remote data (src/lib/outbound.ts): the server's own
// network (loopback, private, link-local, the metadata address) is refused unless
// SKILLGRAPH_OUTBOUND_ALLOW lists it, for addresses in the URL, names that resolve there, and every
// redirect hop; importBundle refuses such a source URL up front, naming the field.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outboundFetch, outboundPolicy, OutboundRefusedError } from "../../src/lib/outbound.js";
import { useTestApp } from "../helpers/app.js";
import { startFilesServer, type FilesServer } from "../fixtures/marketplace/files-server.js";
import { fastJobs, waitForStatus } from "../jobs/helpers.js";

/** A real HTTP server on `host`: "/ok" answers "ok", "/to?u=<url>" redirects there. */
async function serve(host: string): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/to") {
      res.writeHead(302, { location: url.searchParams.get("u") ?? "/" });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`ok ${req.headers.authorization ?? "-"}`);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, base: `http://${host}:${(server.address() as AddressInfo).port}` };
}

function causeOf(err: unknown): unknown {
  return err instanceof Error ? err.cause : undefined;
}

describe("outbound policy", () => {
  it("refuses internal addresses and allows public ones; the allow-list takes names, wildcards, addresses and networks", () => {
    const none = outboundPolicy([]);
    for (const a of ["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1"]) {
      expect(none.allows("h", a), a).toBe(false);
    }
    for (const a of ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"]) expect(none.allows("h", a), a).toBe(true);
    const some = outboundPolicy(["10.0.0.0/8", "vault.internal", "*.corp.example", "::1"]);
    expect(some.allows("x", "10.9.8.7")).toBe(true);
    expect(some.allows("x", "192.168.1.1")).toBe(false);
    expect(some.allows("vault.internal", "192.168.1.1")).toBe(true);
    expect(some.allows("a.b.corp.example", "172.16.0.9")).toBe(true);
    expect(some.allows("corp.example.evil", "172.16.0.9")).toBe(false);
    expect(some.allows("x", "::1")).toBe(true);
    expect(() => none.checkLiteral(new URL("http://[::1]:8080/"))).toThrow(OutboundRefusedError);
    expect(() => none.checkLiteral(new URL("http://169.254.169.254/latest/meta-data/"))).toThrow(/SKILLGRAPH_OUTBOUND_ALLOW/);
  });
});

describe("outbound fetch against real servers", () => {
  let one: { server: Server; base: string };
  let two: { server: Server; base: string };
  beforeAll(async () => {
    one = await serve("127.0.0.1");
    two = await serve("127.0.0.2");
  });
  afterAll(async () => {
    for (const s of [one, two]) await new Promise((r) => s.server.close(r));
  });

  it("refuses a loopback address in the URL and a name that resolves to one", async () => {
    const guarded = outboundFetch([]);
    const literal = await guarded(`${one.base}/ok`).catch((e: unknown) => e);
    expect(causeOf(literal)).toBeInstanceOf(OutboundRefusedError);
    const port = new URL(one.base).port;
    const named = await guarded(`http://localhost:${port}/ok`).catch((e: unknown) => e);
    expect(String((causeOf(named) as Error | undefined)?.message)).toMatch(/own network.*SKILLGRAPH_OUTBOUND_ALLOW/);
  });

  it("fetches what the allow-list names, checks every redirect hop, and drops credentials across origins", async () => {
    const guarded = outboundFetch(["127.0.0.2"]);
    const ok = await guarded(`${two.base}/ok`, { headers: { authorization: "Bearer s3cret" } });
    expect(await ok.text()).toBe("ok Bearer s3cret");
    // An allowed server redirecting into a refused address: refused at that hop.
    const escaped = await guarded(`${two.base}/to?u=${encodeURIComponent(`${one.base}/ok`)}`).catch((e: unknown) => e);
    expect(causeOf(escaped)).toBeInstanceOf(OutboundRefusedError);
    // A redirect within what is allowed is followed; to another origin, without the Authorization header.
    const same = await guarded(`${two.base}/to?u=/ok`, { headers: { authorization: "Bearer s3cret" } });
    expect(await same.text()).toBe("ok Bearer s3cret");
    const both = outboundFetch(["127.0.0.0/8"]);
    const other = await both(`${two.base}/to?u=${encodeURIComponent(`${one.base}/ok`)}`, { headers: { authorization: "Bearer s3cret" } });
    expect(await other.text()).toBe("ok -");
  });
});

describe("importBundle from a URL under the default policy", () => {
  const t = useTestApp({ env: { ...fastJobs, SKILLGRAPH_OUTBOUND_ALLOW: "" } });
  const Import = `mutation($url: String!) { importBundle(source: { url: $url }, strategy: SKIP) { __typename ... on InvalidInputError { field message } ... on ImportBundlePayload { job { id } } } }`;

  it("refuses the metadata address and loopback up front, naming the field; nothing is queued", async () => {
    for (const url of ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:61999/x.skillmeat-pack", "http://[::1]/x"]) {
      const r = (await t().execute<{ importBundle: { __typename: string; field?: string; message?: string } }, unknown>(Import, { url }, { token: "write" })).expectNoErrors();
      expect(r.importBundle, url).toMatchObject({ __typename: "InvalidInputError", field: "source.url" });
      expect(r.importBundle.message).toContain("SKILLGRAPH_OUTBOUND_ALLOW");
    }
    expect(await t().app.database.prisma.job.count({ where: { kind: "sharing.import" } })).toBe(0);
  });

  it("fails the job, with the rule in its error, when a name resolves into the server's own network", async () => {
    const r = (await t().execute<{ importBundle: { __typename: string; job?: { id: string } } }, unknown>(Import, { url: "http://localhost:61999/x.skillmeat-pack" }, { token: "write" })).expectNoErrors();
    expect(r.importBundle.__typename).toBe("ImportBundlePayload");
    await t().app.startBackground();
    const done = await waitForStatus(t().app, decodeGlobalID(r.importBundle.job?.id ?? "").id, ["SUCCEEDED", "FAILED"]);
    expect(done.status).toBe("FAILED");
    expect(JSON.stringify(done.error)).toContain("SKILLGRAPH_OUTBOUND_ALLOW");
  });
});

describe("a marketplace feed under the default policy", () => {
  const t = useTestApp({ env: { ...fastJobs, SKILLGRAPH_OUTBOUND_ALLOW: "" } });
  let files: FilesServer;
  beforeAll(async () => {
    files = await startFilesServer();
  });
  afterAll(async () => {
    await files.close();
  });

  it("a sync of an HTTP_FEED broker on loopback fails with the rule, and the feed is never asked", async () => {
    files.files.set("/feed.json", { listings: [], nextPage: null });
    await t().app.startBackground();
    const created = (await t().execute<{ createBroker: { __typename: string } }, unknown>(`mutation($input: CreateBrokerInput!) { createBroker(input: $input) { __typename } }`, { input: { name: "inside", kind: "HTTP_FEED", url: `${files.url}/feed.json` } }, { token: "admin" })).expectNoErrors();
    expect(created.createBroker.__typename).toBe("CreateBrokerPayload");
    const started = (await t().execute<{ syncBroker: { job: { id: string } } }, unknown>(`mutation { syncBroker(name: "inside") { ... on SyncBrokerPayload { job { id } } } }`, {}, { token: "admin" })).expectNoErrors();
    const done = await waitForStatus(t().app, decodeGlobalID(started.syncBroker.job.id).id, ["SUCCEEDED", "FAILED"], 20_000);
    expect(done.status).toBe("FAILED");
    expect(JSON.stringify(done.error)).toContain("SKILLGRAPH_OUTBOUND_ALLOW");
    expect(files.log).not.toContain("/feed.json");
  });
});
