// PostGraphile v5 over the bench database, set up as for production: the amber preset, grafserv
// on node:http, no GraphiQL, no explain, no watch. Env: DATABASE_URL, PORT, HOST.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

// Every PostGraphile 5.x release resolves to grafast >= 1.0, which calls Promise.withResolvers
// (ES2024, Node >= 22): the one newer API the stack uses. Node 20 lacks it, so it is added here
// with the standard behaviour; without it every database read fails.
if (!("withResolvers" in Promise)) {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value<T>() {
      const out = {} as { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void };
      out.promise = new Promise<T>((resolve, reject) => Object.assign(out, { resolve, reject }));
      return out;
    },
  });
}

const port = Number(process.env.PORT ?? 5678);
const host = process.env.HOST ?? "127.0.0.1";

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"] })],
  grafserv: { port, host, graphqlPath: "/graphql", graphiql: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const server = createServer();
server.on("error", (err) => {
  console.error(err);
  process.exit(1);
});
await pgl.createServ(grafserv).addTo(server);
// Build the schema before listening, so "accepts connections" means "ready".
await pgl.getSchema();
server.listen(port, host);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    void Promise.resolve(pgl.release()).finally(() => process.exit(0));
  });
}
