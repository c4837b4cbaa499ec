// A GraphQL subscription over server-sent events, as a browser would open one (through
// yoga.fetch): the raw text and the parsed `data` of each event, read as far as a test needs.
import type { App } from "../../src/app.js";

export interface SseStream {
  response: Response;
  /** Everything received so far. */
  text: string;
  /** The `data` of every result received so far, in order. */
  events: Record<string, unknown>[];
  /** True once the server sent `event: complete`. */
  completed: boolean;
  /** Reads until `done()` holds or the stream ends. */
  readUntil(done: () => boolean): Promise<void>;
  close(): Promise<void>;
}

export async function openSse(app: App, query: string, variables?: unknown, token?: string | null, url = "http://skillgraph.test/graphql"): Promise<SseStream> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await app.yoga.fetch(url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const reader = response.body?.getReader();
  if (!reader) throw new Error("no body");
  const decoder = new TextDecoder();
  let pending = "";
  const stream: SseStream = {
    response,
    text: "",
    events: [],
    completed: false,
    async readUntil(done) {
      while (!done()) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        const chunk = decoder.decode(value);
        stream.text += chunk;
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          if (line.startsWith("event: complete")) stream.completed = true;
          if (!line.startsWith("data:") || !line.includes('"data"')) continue;
          stream.events.push((JSON.parse(line.slice(5)) as { data: Record<string, unknown> }).data);
        }
      }
    },
    async close() {
      await reader.cancel().catch(() => {});
    },
  };
  return stream;
}
