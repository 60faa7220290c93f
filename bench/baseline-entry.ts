// Bench-only Worker: the production application plus one route that fetches the upstream with no
// connection logic — the same middleware, session check and platform, minus connection lookup,
// decryption, credential injection and header hygiene. The proxy scenario is measured against it.
// Never deployed: `npm run bench` builds it into bench/.build-baseline.
import { createApp } from "../src/app";
import { requireSession } from "../src/auth/session-auth";
import indexWorker from "../src/index";

export { ConnectionRefresher, ExecutionEvents, ExecutionWorkflow } from "../src/index";

const app = createApp();
app.get("/api/__bench/plain/*", requireSession(), async (c) => {
  const url = new URL(c.req.url);
  const upstream = await fetch(
    `${(c.env as unknown as { BENCH_UPSTREAM: string }).BENCH_UPSTREAM}${url.pathname.replace("/api/__bench/plain", "")}${url.search}`,
  );
  return new Response(upstream.body, upstream);
});

export default { ...indexWorker, fetch: app.fetch };
