// Load generator for requests that need a different Authorization header each time (one-use worker tokens):
// autocannon's programmatic API with `setupRequest`. Prints autocannon's JSON result, like `autocannon --json`.
// Config in BENCH_DRIVE (JSON): { url, method, headers, body, connections, duration, tokensFile }; each line of
// the tokens file is `<execution id> <token>`, and `:id` in the URL's path is replaced by that execution id.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const config = JSON.parse(process.env.BENCH_DRIVE);
const tokens = readFileSync(config.tokensFile, "utf8")
  .split("\n")
  .map((line) => line.split(" "));
const { origin, pathname } = new URL(config.url);
let next = 0;
const result = await autocannon({
  url: origin,
  method: config.method,
  headers: config.headers,
  body: config.body,
  connections: config.connections,
  duration: config.duration,
  requests: [
    {
      setupRequest(request) {
        // Out of tokens: the request goes without one and counts as non-2xx (visible in the report).
        const [executionId = "none", token] = tokens[next++] ?? [];
        return {
          ...request,
          path: decodeURIComponent(pathname).replace(":id", executionId),
          headers: { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        };
      },
    },
  ],
});
process.stdout.write(JSON.stringify(result));
