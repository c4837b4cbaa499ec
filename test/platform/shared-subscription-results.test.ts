// Subscription events shared by identical subscribers: one execution per event for subscribers
// with the same document, variables and viewer; each viewer still gets its own answer.
import type { ExecutionResult } from "graphql";
import { createPubSub, createSchema, createYoga, type Plugin } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { sharedPayload, useSharedSubscriptionResults } from "../../src/graphql/plugins/shared-subscription-results.js";
import { tokenPrincipal, type Principal, type Scope } from "../../src/lib/principal.js";

interface Tick {
  n: number;
}

const viewer = (tokenId: string, name: string, scopes: Scope[]): Principal => tokenPrincipal({ id: tokenId, name, scopes });

function setup() {
  const pubsub = createPubSub<{ tick: [Tick] }>();
  const executions: string[] = [];
  const schema = createSchema<{ principal: Principal }>({
    typeDefs: /* GraphQL */ `
      type Query { ok: Boolean }
      type Tick { n: Int! seenBy: String! secret: String }
      type Subscription { ticks(copy: Boolean): Tick! }
    `,
    resolvers: {
      Subscription: {
        ticks: {
          // copy: each subscriber gets its own object, which cannot be shared.
          subscribe: async function* (_root: unknown, args: { copy?: boolean }) {
            for await (const t of pubsub.subscribe("tick")) yield args.copy ? { ...t } : t;
          },
          resolve: (t: Tick) => t,
        },
      },
      Tick: {
        seenBy: (_t: Tick, _a: unknown, ctx: { principal: Principal }) => {
          executions.push(ctx.principal.name);
          return ctx.principal.name;
        },
        secret: (_t: Tick, _a: unknown, ctx: { principal: Principal }) => (ctx.principal.scopes.has("admin") ? "for admins" : null),
      },
    },
  });
  const yoga = createYoga<{ principal: Principal }>({ schema, plugins: [useSharedSubscriptionResults() as unknown as Plugin<{ principal: Principal }>] });

  async function subscribe(v: Principal, variables: Record<string, unknown> = {}) {
    const { subscribe: run, parse, contextFactory, schema: s } = yoga.getEnveloped({ principal: v });
    const result = await run({
      schema: s,
      document: parse(`subscription($copy: Boolean) { ticks(copy: $copy) { n seenBy secret } }`),
      variableValues: variables,
      contextValue: await contextFactory(),
    });
    const it = (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
    // The first next() subscribes; the event is published after every subscriber asked.
    const first = it.next();
    return { first, close: () => it.return?.() };
  }
  return { pubsub, executions, subscribe };
}

describe("shared subscription results", () => {
  it("executes an event once per distinct viewer and variables, and each viewer sees its own answer", async () => {
    const { pubsub, executions, subscribe } = setup();
    const alice = viewer("t1", "alice", ["read"]);
    const subs = [
      await subscribe(alice),
      await subscribe(alice),
      await subscribe(viewer("t1", "alice", ["read"])),
      await subscribe(viewer("t2", "bob", ["read", "write", "admin"])),
      // Same name and scopes, another token: not shared (a resolver could read the token).
      await subscribe(viewer("t3", "alice", ["read"])),
    ];
    await new Promise((r) => setTimeout(r, 10));
    pubsub.publish("tick", sharedPayload({ n: 1 }));
    const got = await Promise.all(subs.map((s) => s.first));
    expect(got.map((r) => r.value)).toEqual([
      { data: { ticks: { n: 1, seenBy: "alice", secret: null } } },
      { data: { ticks: { n: 1, seenBy: "alice", secret: null } } },
      { data: { ticks: { n: 1, seenBy: "alice", secret: null } } },
      { data: { ticks: { n: 1, seenBy: "bob", secret: "for admins" } } },
      { data: { ticks: { n: 1, seenBy: "alice", secret: null } } },
    ]);
    // alice's three subscriptions on token t1 share one execution; bob and token t3 get their own.
    expect(executions.sort()).toEqual(["alice", "alice", "bob"]);
    await Promise.all(subs.map((s) => s.close()));
  });

  it("executes per subscriber when the payload is not shared or the variables differ", async () => {
    const { pubsub, executions, subscribe } = setup();
    const alice = viewer("t1", "alice", ["read"]);
    const subs = [await subscribe(alice, { copy: true }), await subscribe(alice, { copy: true }), await subscribe(alice, { copy: false })];
    await new Promise((r) => setTimeout(r, 10));
    pubsub.publish("tick", sharedPayload({ n: 2 }));
    const got = await Promise.all(subs.map((s) => s.first));
    expect(got.map((r) => (r.value as ExecutionResult).data)).toEqual([1, 2, 3].map(() => ({ ticks: { n: 2, seenBy: "alice", secret: null } })));
    expect(executions).toHaveLength(3);
    // A payload nobody marked as shared is executed for each subscriber too.
    const more = [await subscribe(alice), await subscribe(alice)];
    await new Promise((r) => setTimeout(r, 10));
    executions.length = 0;
    pubsub.publish("tick", { n: 3 });
    expect((await Promise.all(more.map((s) => s.first))).map((r) => (r.value as ExecutionResult).data)).toEqual([
      { ticks: { n: 3, seenBy: "alice", secret: null } },
      { ticks: { n: 3, seenBy: "alice", secret: null } },
    ]);
    expect(executions).toHaveLength(2);
    await Promise.all([...subs, ...more].map((s) => s.close()));
  });
});
