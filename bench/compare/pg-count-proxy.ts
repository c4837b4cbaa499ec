// A TCP proxy in front of PostgreSQL that counts the statements clients send: Execute messages
// of the extended protocol (one per bound statement, as pg sends them with parameters) plus
// simple Query messages. It counts from outside any server, so every system is measured the same
// way, BEGIN/COMMIT included. Only used for the short statements-per-request phase, never under load.
import { createServer, connect, type Server, type Socket } from "node:net";

export interface CountingProxy {
  port: number;
  statements(): number;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/** Counts the client's messages while passing every byte through unchanged. */
function countMessages(onStatement: () => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  // The startup packet (and an SSL/GSS request before it) has no type byte.
  let started = false;
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      if (!started) {
        if (pending.length < 8) return;
        const length = pending.readInt32BE(0);
        if (pending.length < length) return;
        const code = pending.readInt32BE(4);
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) started = true;
        pending = pending.subarray(length);
        continue;
      }
      if (pending.length < 5) return;
      const length = pending.readInt32BE(1) + 1;
      if (pending.length < length) return;
      const type = String.fromCharCode(pending[0] ?? 0);
      if (type === "E" || type === "Q") onStatement();
      pending = pending.subarray(length);
    }
  };
}

export async function countingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  let statements = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    const count = countMessages(() => statements++);
    client.on("data", (chunk: Buffer) => {
      count(chunk);
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      a.on("close", () => {
        b.destroy();
        sockets.delete(a);
      });
      a.on("error", () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy: no port");
  return {
    port: address.port,
    statements: () => statements,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
