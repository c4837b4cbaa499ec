// Bundle downloads for installs: within the size limit (declared or streamed) and the timeout.
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BundleVerificationError } from "../../src/modules/sharing/index.js";
import { download } from "../../src/modules/marketplace/install.js";

describe("bundle download", () => {
  let server: Server;
  let url = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/small") return res.end(Buffer.alloc(100, 1));
      if (req.url === "/declared") {
        res.writeHead(200, { "content-length": "5000" });
        return res.end(Buffer.alloc(5000, 1));
      }
      if (req.url === "/streamed") {
        // No Content-Length: chunked, so only the bytes read can tell.
        res.writeHead(200, { "transfer-encoding": "chunked" });
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000, 1));
        return res.end();
      }
      if (req.url === "/slow") return setTimeout(() => res.end("late"), 2000);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const a = server.address();
    url = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reads a bundle within the limit", async () => {
    expect((await download(`${url}/small`, 1000, 5000)).length).toBe(100);
  });

  it("refuses a bundle over the limit, declared or streamed", async () => {
    await expect(download(`${url}/declared`, 1000, 5000)).rejects.toBeInstanceOf(BundleVerificationError);
    await expect(download(`${url}/streamed`, 1000, 5000)).rejects.toThrow(/over the 1000-byte limit/);
  });

  it("gives up after the timeout, and says so for a missing bundle", async () => {
    await expect(download(`${url}/slow`, 1000, 200)).rejects.toThrow(/within 200 ms/);
    await expect(download(`${url}/missing`, 1000, 5000)).rejects.toThrow(/404/);
  });
});
