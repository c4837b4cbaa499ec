// A raw graphql-transport-ws client for the security suite: every message the server sends is
// kept, so a test can assert what arrived for which operation id, and how the socket closed.
import { WebSocket } from "ws";

export interface WsMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

export interface RawWs {
  socket: WebSocket;
  messages: WsMessage[];
  /** Resolves with the close code and reason once the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  send(message: WsMessage | string): void;
  subscribe(id: string, query: string, variables?: Record<string, unknown>, extensions?: Record<string, unknown>): void;
  /** Waits until a message matches (or rejects after `ms`). */
  until(match: (m: WsMessage) => boolean, ms?: number): Promise<WsMessage>;
  close(): void;
}

export function wsUrl(base: string): string {
  return `${base.replace(/^http/, "ws")}/graphql`;
}

/** Opens a socket and, unless `init` is false, sends connection_init with `params` and waits for the ack. */
export async function openWs(base: string, options: { params?: Record<string, unknown>; headers?: Record<string, string>; init?: boolean } = {}): Promise<RawWs> {
  const socket = new WebSocket(wsUrl(base), "graphql-transport-ws", { headers: options.headers });
  const messages: WsMessage[] = [];
  const waiters = new Set<() => void>();
  socket.on("message", (data) => {
    messages.push(JSON.parse(String(data)) as WsMessage);
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on("close", (code, reason) => resolve({ code, reason: String(reason) })));
  let isClosed = false;
  void closed.then(() => {
    isClosed = true;
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    socket.once("error", reject);
  });
  const ws: RawWs = {
    socket,
    messages,
    closed,
    send: (m) => socket.send(typeof m === "string" ? m : JSON.stringify(m)),
    subscribe: (id, query, variables, extensions) => ws.send({ id, type: "subscribe", payload: { query, variables, extensions } }),
    until(match, ms = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (found) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(found);
          } else if (isClosed) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(new Error(`socket closed; messages: ${JSON.stringify(messages)}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out; messages: ${JSON.stringify(messages)}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    close: () => socket.close(),
  };
  if (options.init !== false) {
    ws.send({ type: "connection_init", payload: options.params ?? {} });
    await ws.until((m) => m.type === "connection_ack").catch(() => undefined);
  }
  return ws;
}
