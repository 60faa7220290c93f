// A local stand-in for Temporal's HTTP API, for trying the Temporal hand-off on `npm run dev` without a cluster:
// the fake of test/fakes/temporal.ts (same wire format: start, cancel, describe, the 409 already-started body),
// served on a port. `npm run dev:temporal` (port 7243, the HTTP port of a local Temporal frontend), then set
// TEMPORAL_HTTP_URL=http://127.0.0.1:7243 in .dev.vars. Each request is logged; GET /__workflows lists what it
// started. Nothing runs the workflows: start the worker (`npm run worker`) against a real cluster for that.
import { createServer } from "node:http";
import { createFakeTemporal } from "../test/fakes/temporal.ts";

export async function startLocalTemporal({ port = 7243, apiKey, log = console.log } = {}) {
  const fake = createFakeTemporal({ apiKey });
  const server = createServer(async (incoming, outgoing) => {
    const chunks = [];
    for await (const chunk of incoming) chunks.push(chunk);
    const url = `http://${incoming.headers.host ?? "127.0.0.1"}${incoming.url}`;
    if (incoming.url === "/__workflows") {
      outgoing.writeHead(200, { "content-type": "application/json" });
      outgoing.end(JSON.stringify(fake.workflows(), null, 2));
      return;
    }
    const body = chunks.length > 0 && incoming.method !== "GET" ? Buffer.concat(chunks) : undefined;
    const request = new Request(url, { method: incoming.method, headers: incoming.headers, body });
    let response;
    try {
      response = await fake.fetch(request);
    } catch {
      outgoing.destroy(); // the fake's "network" down mode: a broken connection
      return;
    }
    log(`temporal: ${incoming.method} ${incoming.url} → ${response.status}`);
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { fake, url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 7243);
  const { url } = await startLocalTemporal({ port, apiKey: process.env.TEMPORAL_API_KEY });
  console.log(`local Temporal HTTP API on ${url} (TEMPORAL_HTTP_URL=${url}); GET ${url}/__workflows lists starts`);
}
