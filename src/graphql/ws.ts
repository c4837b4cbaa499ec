// graphql-ws on the HTTP server's port and path. Operations go through yoga.getEnveloped, so they
// get the same plugins, context (auth) and error masking as HTTP.
import type { Server } from "node:http";
import type { ExecutionArgs } from "graphql";
import type { ServerOptions } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import type { YogaServerInstance } from "graphql-yoga";
import { WebSocketServer } from "ws";
import type { Context } from "./context.js";

type OperationResult = ReturnType<NonNullable<ServerOptions["execute"]>>;
/** yoga.getEnveloped's execute/subscribe, carried to graphql-ws in rootValue. */
interface EnvelopedRoot {
  execute(args: ExecutionArgs): OperationResult;
  subscribe(args: ExecutionArgs): OperationResult;
}

export interface WsHandle {
  dispose(): Promise<void>;
}

/** `authorize` refuses a connection (close 4403) by throwing; it sees the connection parameters. */
export function attachGraphqlWs(
  httpServer: Server,
  yoga: YogaServerInstance<Record<string, unknown>, Context>,
  authorize: (connectionParams: Record<string, unknown>) => Promise<void>,
): WsHandle {
  const wsServer = new WebSocketServer({ server: httpServer, path: yoga.graphqlEndpoint });
  const cleanup = useServer(
    {
      execute: (args: ExecutionArgs) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args: ExecutionArgs) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onConnect: async (ctx) => {
        try {
          await authorize(ctx.connectionParams ?? {});
          return true;
        } catch {
          return false; // closes with 4403 Forbidden
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: payload,
          request: new Request(`http://localhost${yoga.graphqlEndpoint}`, { headers: new Headers() }),
          connectionParams: ctx.connectionParams,
        });
        const args = {
          schema,
          operationName: payload.operationName,
          document: parse(payload.query),
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
      },
    },
    wsServer,
  );
  return {
    async dispose() {
      await cleanup.dispose();
      wsServer.close();
    },
  };
}
