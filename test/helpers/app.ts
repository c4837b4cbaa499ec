// The test kit: an app per test file, talked to as clients do (yoga.fetch), with tokens for
// each scope, typed execute(), table clearing between tests and SQL statement counting.
import { AsyncLocalStorage } from "node:async_hooks";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type GraphQLFormattedError } from "graphql";
import { afterAll, beforeAll } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger, type Logger } from "../../src/lib/logger.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export interface ExecResult<T> {
  status: number;
  data: T | null | undefined;
  errors: GraphQLFormattedError[] | undefined;
  headers: Headers;
  /** The data, after asserting there were no errors (the errors are shown when there are). */
  expectNoErrors(): T;
  /** The errors, after asserting there was at least one. */
  expectErrors(): GraphQLFormattedError[];
  /**
   * The InvalidInputError a mutation returned as data (its union declares it), after asserting
   * there were no top-level errors; the document must select `__typename` and the fields read.
   */
  expectInvalidInput(): { __typename: "InvalidInputError"; field?: string; message?: string };
}

export interface ExecOptions {
  /** A bearer secret, or one of the kit's tokens by scope; none = anonymous. */
  token?: string | "read" | "write" | "admin" | null;
  method?: "POST" | "GET";
  headers?: Record<string, string>;
}

export interface TestApp {
  app: App;
  url: string | null;
  tokens: { read: string; write: string; admin: string };
  execute<T, V>(doc: TypedDocumentNode<T, V> | string, variables?: V, options?: ExecOptions): Promise<ExecResult<T>>;
  /** Deletes every row except tokens and migrations. */
  clear(): Promise<void>;
  /** Runs fn and returns how many SQL statements Prisma sent while it ran. */
  countStatements(fn: () => Promise<unknown>): Promise<{ count: number; statements: string[] }>;
  /** Listens on a real port (for graphql-ws); returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Receives the app's log lines (default: silent). */
  logger?: Logger;
  /** "sqlite": the embedded database even when TEST_DATABASE_URL is set (tests comparing both). */
  database?: "sqlite";
}

/** Marks the async path of the work countStatements measures. */
const measured = new AsyncLocalStorage<symbol>();

/** The advisory lastUsedAt write of the auth service (src/modules/auth/store.ts touch). */
const ADVISORY_TOUCH = /^UPDATE "ApiToken" SET "lastUsedAt" = /;

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database: TestDatabase = await createTestDatabase(options.database);
  const config = loadConfig({
    DATABASE_URL: database.url,
    PORT: "0",
    LOG_LEVEL: "silent",
    SKILLGRAPH_SHUTDOWN_TIMEOUT_MS: "2000",
    // The embedded default; PostgreSQL's default (off) is tested where a test says so.
    SKILLGRAPH_PUBLIC_READ: "true",
    // With REDIS_URL set (CI), subscription events go through Redis in every test.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    // Schedulers stay off in tests unless a test asks for them.
    SKILLGRAPH_MCP_HEALTH_INTERVAL_S: "0",
    // The kit's requests name this host (yoga.fetch), and the server is bound to loopback.
    SKILLGRAPH_ALLOWED_HOSTS: "skillgraph.test",
    // Rate limits are off unless a test turns them on (test/security/rate-limits.test.ts).
    SKILLGRAPH_RATE_LIMIT_ANONYMOUS: "0",
    SKILLGRAPH_RATE_LIMIT_AUTHENTICATED: "0",
    // Tests' feeds, share links and bundle servers listen on loopback; test/security/outbound.test.ts
    // runs with the default (nothing internal allowed).
    SKILLGRAPH_OUTBOUND_ALLOW: "127.0.0.0/8,::1,localhost",
    ...options.env,
  });
  const app = await createApp(config, { logger: options.logger ?? createLogger((process.env.TEST_LOG_LEVEL ?? "silent") as never) });
  const made = await Promise.all(
    (["read", "write", "admin"] as const).map(async (s) => [s, (await app.services.tokens.create(`test-${s}`, [s])).secret] as const),
  );
  const tokens = Object.fromEntries(made) as TestApp["tokens"];
  let url: string | null = null;

  const kit: TestApp = {
    app,
    get url() {
      return url;
    },
    tokens,
    async execute(doc, variables, opts = {}) {
      const query = typeof doc === "string" ? doc : print(doc);
      const headers: Record<string, string> = { accept: "application/graphql-response+json, application/json", ...opts.headers };
      const secret = opts.token == null ? null : opts.token in tokens ? tokens[opts.token as keyof typeof tokens] : opts.token;
      if (secret) headers.authorization = `Bearer ${secret}`;
      let response: Response;
      if (opts.method === "GET") {
        const params = new URLSearchParams({ query });
        if (variables) params.set("variables", JSON.stringify(variables));
        response = await app.yoga.fetch(`http://skillgraph.test/graphql?${params}`, { method: "GET", headers });
      } else {
        headers["content-type"] = "application/json";
        response = await app.yoga.fetch("http://skillgraph.test/graphql", {
          method: "POST",
          headers,
          body: JSON.stringify({ query, variables }),
        });
      }
      const body = (await response.json()) as { data?: unknown; errors?: GraphQLFormattedError[] };
      const result = {
        status: response.status,
        data: body.data as never,
        errors: body.errors,
        headers: response.headers,
        expectNoErrors() {
          if (body.errors?.length) throw new Error(`Expected no GraphQL errors, got:\n${JSON.stringify(body.errors, null, 2)}`);
          return body.data as never;
        },
        expectErrors() {
          if (!body.errors?.length) throw new Error(`Expected GraphQL errors, got data:\n${JSON.stringify(body.data, null, 2)}`);
          return body.errors;
        },
        expectInvalidInput() {
          if (body.errors?.length) throw new Error(`Expected InvalidInputError as data, got errors:\n${JSON.stringify(body.errors, null, 2)}`);
          const found = Object.values((body.data ?? {}) as Record<string, { __typename?: string } | null>).find((v) => v?.__typename === "InvalidInputError");
          if (!found) throw new Error(`Expected an InvalidInputError, got data:\n${JSON.stringify(body.data, null, 2)}`);
          return found as { __typename: "InvalidInputError"; field?: string; message?: string };
        },
      };
      return result;
    },
    async clear() {
      const db = app.database.prisma;
      if (app.database.provider === "sqlite") {
        const rows = await db.$queryRawUnsafe<{ name: string }[]>(
          // Virtual tables (full-text indexes) are cleared through their own DELETE; their shadow tables never directly.
          `SELECT name FROM pragma_table_list WHERE schema='main' AND type IN ('table','virtual') AND name NOT LIKE 'sqlite_%' AND name NOT IN ('_prisma_migrations','ApiToken')`,
        );
        await db.$executeRawUnsafe("PRAGMA foreign_keys = OFF");
        for (const r of rows) await db.$executeRawUnsafe(`DELETE FROM "${r.name}"`);
        await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
      } else {
        const rows = await db.$queryRawUnsafe<{ tablename: string }[]>(
          `SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname='public' AND tablename NOT IN ('_prisma_migrations','ApiToken')`,
        );
        if (rows.length) await db.$executeRawUnsafe(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(", ")} CASCADE`);
      }
    },
    async countStatements(fn) {
      // Collection folders are written after each commit, in the background: let the seeding's
      // writes finish, so only the measured work's statements are counted.
      await app.services.content.folders.flush();
      const statements: string[] = [];
      // Only statements made on the measured work's own async path: the job worker's polls and
      // heartbeats (and any other background task) run beside it and may land in the window.
      // A token's lastUsedAt is written at most once a minute, off the request path (auth service):
      // whether that minute ends inside the measured window is timing, not the work's cost.
      const mark = Symbol("measured");
      const off = app.database.onStatement((e) => {
        if (measured.getStore() === mark && !ADVISORY_TOUCH.test(e.sql)) statements.push(e.sql);
      });
      try {
        await measured.run(mark, fn);
      } finally {
        off();
      }
      return { count: statements.length, statements };
    },
    async listen() {
      url ??= await app.start();
      return url;
    },
    async close() {
      await app.stop();
      await database.drop();
    },
  };
  return kit;
}

/** Registers beforeAll/afterAll for a test file and returns a getter for its app. */
export function useTestApp(options: TestAppOptions = {}): () => TestApp {
  let kit: TestApp | undefined;
  beforeAll(async () => {
    kit = await createTestApp(options);
  });
  afterAll(async () => {
    await kit?.close();
  });
  return () => {
    if (!kit) throw new Error("useTestApp: the app is not ready (use it inside tests or hooks)");
    return kit;
  };
}
