// Benchmark scenarios. Each is one HTTP request shape driven at the Worker by the load generator.
// `setup(context)` may seed data and return overrides ({ path, headers, body, url }); `context` has
// { mf, url, appUrl, Miniflare, convertV4MiniflareOptions }. The first scenario is the floor: every
// ratio in the report is relative to it; `baseline` names another scenario to compare against too.
import {
  bareMcpWorker,
  baselineFetchWorker,
  connectOAuthConnection,
  createConnections,
  localMcpServer,
  localOAuthProvider,
  localUpstream,
  reconnectOAuthConnection,
  signInThroughDevProvider,
} from "./support.mjs";

let benchCookie;
async function cookieFor(context) {
  benchCookie ??= await signInThroughDevProvider(context, "bench@example.com");
  return benchCookie;
}

export const scenarios = [
  {
    name: "floor: GET /api/ping (constant)",
    method: "GET",
    path: "/api/ping",
  },
  {
    name: "GET /api/health (one D1 read)",
    method: "GET",
    path: "/api/health",
  },
  {
    name: "GET /api/auth/me (signed-in session)",
    method: "GET",
    path: "/api/auth/me",
    target: "≥ 0.45× floor",
    async setup(context) {
      return { headers: { cookie: await cookieFor(context) } };
    },
  },
  {
    name: "GET /api/connections (50 rows)",
    method: "GET",
    path: "/api/connections",
    target: "≥ 0.3× floor",
    async setup(context) {
      const cookie = await signInThroughDevProvider(context, "bench-list@example.com");
      await createConnections(
        context,
        cookie,
        Array.from({ length: 50 }, (_, i) => ({
          name: `Connection ${i}`,
          provider: "custom_api",
          connection_method: ["api_key", "bearer", "basic"][i % 3],
          base_url: "https://api.example.com",
          data: [{ api_key: `key-${i}` }, { token: `token-${i}` }, { username: "u", password: `p-${i}` }][i % 3],
          metadata: { team: "bench", index: i },
        })),
      );
      return { headers: { cookie } };
    },
  },
  {
    name: "bare Worker, plain fetch of the upstream (reference)",
    method: "GET",
    path: "/plain/v1/items",
    async setup(context) {
      const { url } = await baselineFetchWorker(context.Miniflare, context.convertV4MiniflareOptions);
      return { url };
    },
  },
  {
    name: "same Worker, signed in, plain fetch of the upstream (baseline)",
    method: "GET",
    path: "/api/__bench/plain/v1/items",
    async setup(context) {
      const { url: upstreamUrl } = await localUpstream();
      const baselineWorker = await context.startBaselineWorker({ BENCH_UPSTREAM: upstreamUrl });
      const cookie = await signInThroughDevProvider(
        { url: baselineWorker.url, appUrl: context.appUrl },
        "bench-baseline@example.com",
      );
      return { url: baselineWorker.url, headers: { cookie } };
    },
  },
  {
    name: "proxy through an API-key connection",
    method: "GET",
    path: "/api/connections/:id/proxy/v1/items",
    baseline: "same Worker, signed in, plain fetch of the upstream (baseline)",
    target: "≥ 0.7× plain fetch",
    async setup(context) {
      const cookie = await cookieFor(context);
      const { url: upstreamUrl } = await localUpstream();
      const [id] = await createConnections(context, cookie, [
        {
          name: "Bench upstream",
          provider: "custom_api",
          connection_method: "api_key",
          base_url: upstreamUrl,
          data: { api_key: "bench-key" },
          retries: 0,
        },
      ]);
      return { path: `/api/connections/${id}/proxy/v1/items`, headers: { cookie } };
    },
  },
  {
    name: "OAuth proxy, steady state (valid token)",
    method: "GET",
    path: "/api/connections/:id/proxy/me",
    baseline: "same Worker, signed in, plain fetch of the upstream (baseline)",
    async setup(context) {
      const cookie = await cookieFor(context);
      const id = await connectOAuthConnection(context, cookie, "Bench OAuth steady", 3600);
      return { path: `/api/connections/${id}/proxy/me`, headers: { cookie } };
    },
  },
  {
    name: "OAuth refresh storm (token expiring at the start of each round)",
    method: "GET",
    path: "/api/connections/:id/proxy/me",
    target: "exactly 1 provider call per round",
    async setup(context) {
      const cookie = await cookieFor(context);
      const id = await connectOAuthConnection(context, cookie, "Bench OAuth storm", 3600);
      const provider = await localOAuthProvider();
      const perRound = [];
      return {
        path: `/api/connections/${id}/proxy/me`,
        headers: { cookie },
        // Before each run: new tokens that are inside the refresh margin, so every request of the first
        // burst finds the token due. After it: how many refreshes reached the provider.
        async beforeRun() {
          await reconnectOAuthConnection(context, cookie, id, 60);
          this.refreshCallsBefore = provider.state.refreshCalls;
        },
        afterRun() {
          perRound.push(provider.state.refreshCalls - this.refreshCallsBefore);
        },
        report() {
          return {
            provider_refresh_calls_per_round: perRound,
            note: `provider refresh calls per round: ${perRound.join(", ")}`,
          };
        },
      };
    },
  },
  {
    name: "bare Worker, MCP tools/call by plain fetch (reference)",
    method: "POST",
    path: "/",
    async setup(context) {
      const { url } = await bareMcpWorker(context.Miniflare, context.convertV4MiniflareOptions);
      return { url };
    },
  },
  {
    name: "MCP tools/call through an MCP connection",
    method: "POST",
    path: "/api/connections/:id/tools/echo/call",
    baseline: "bare Worker, MCP tools/call by plain fetch (reference)",
    target: "≥ 0.7× bare Worker",
    async setup(context) {
      const cookie = await cookieFor(context);
      const { url: serverUrl } = await localMcpServer();
      const [id] = await createConnections(context, cookie, [
        {
          name: "Bench MCP",
          provider: "custom_mcp",
          connection_method: "mcp",
          mcp_server_url: serverUrl,
          data: { auth_type: "none" },
        },
      ]);
      return {
        path: `/api/connections/${id}/tools/echo/call`,
        headers: { cookie, origin: new URL(context.appUrl).origin, "content-type": "application/json" },
        body: { arguments: { text: "bench" } },
      };
    },
  },
];
