// Benchmark scenarios. Each is one HTTP request shape driven at the Worker by the load generator.
// `setup(context)` may seed data and return overrides ({ path, headers, body, url, tokensFile }); `context` has
// { mf, url, appUrl, Miniflare, convertV4MiniflareOptions }. The first scenario is the floor: every
// ratio in the report is relative to it; `baseline` names another scenario to compare against too.
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  authorizationCode,
  callListWorkflows,
  exchangeCode,
  mcpHeaders,
  ourAccessToken,
  peerAccessToken,
  pkce,
  refresh,
  registerClient,
  toolsList,
} from "./oauth-support.mjs";
import {
  bareMcpWorker,
  bareStatelessMcpWorker,
  baselineFetchWorker,
  connectOAuthConnection,
  createConnections,
  localMcpServer,
  localOAuthProvider,
  localStatelessMcpServer,
  localUpstream,
  reconnectOAuthConnection,
  runningTemporalExecution,
  signInThroughDevProvider,
} from "./support.mjs";
import { writeWorkerTokens } from "./worker-tokens.mjs";

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
    name: "internal API: http activity for the Temporal worker (JWT verify + proxy)",
    method: "POST",
    path: "/internal/v1/executions/:id/activities/http",
    baseline: "proxy through an API-key connection",
    target: "≥ 0.8× the user-facing proxy",
    async setup(context) {
      const cookie = await cookieFor(context);
      const { url: upstreamUrl } = await localUpstream();
      const [connectionId] = await createConnections(context, cookie, [
        {
          name: "Bench upstream (worker)",
          provider: "custom_api",
          connection_method: "api_key",
          base_url: upstreamUrl,
          data: { api_key: "bench-key" },
          retries: 0,
        },
      ]);
      // Ten executions in flight, as a worker fleet would run them (one execution's calls are sequential).
      const executionIds = [];
      for (let i = 0; i < 10; i++) executionIds.push(await runningTemporalExecution(context, cookie, connectionId));
      const tokensFile = join(tmpdir(), `bench-worker-tokens-${executionIds[0]}.txt`);
      return {
        path: "/internal/v1/executions/:id/activities/http",
        headers: { "content-type": "application/json" },
        body: { node_id: "fetch", config: { connectionId, path: "/v1/items", method: "GET" } },
        tokensFile,
        // Every request spends one token (jti): a fresh batch before each run, more than a run can use.
        async beforeRun() {
          await writeWorkerTokens(tokensFile, {
            executionIds,
            audience: `${context.appUrl.replace(/\/$/, "")}/internal`,
            count: 20_000,
          });
        },
      };
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
        // Before each run: new tokens living 1 s, left to expire and to pass the refresh policy's minimum
        // token age (MIN_TOKEN_AGE_MS, 2 s: a token younger than that is never refreshed on our initiative),
        // so every request of the first burst finds the token due. After it: how many refreshes reached the
        // provider (the refreshed token lives an hour, so exactly one is right).
        async beforeRun() {
          await reconnectOAuthConnection(context, cookie, id, 1);
          await new Promise((resolve) => setTimeout(resolve, 2_500));
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
  // ── Workflows (src/workflows): enqueue cost and end-to-end time on the embedded engine ──
  {
    name: "POST /api/workflows/:id/execute (enqueue)",
    method: "POST",
    path: "/api/workflows/:id/execute",
    async setup(context) {
      const cookie = await cookieFor(context);
      // One webhook node whose own condition is false: each run is skipped at once, so the measurement is the
      // enqueue (validation, one D1 insert, one Workflow instance) and not background node traffic.
      const id = await createWorkflowForBench(context, cookie, {
        name: "Bench enqueue",
        nodes: [
          {
            id: "noop",
            type: "webhook",
            config: { url: "https://example.com/hook", method: "POST", condition: "false" },
          },
        ],
        edges: [],
      });
      return {
        path: `/api/workflows/${id}/execute`,
        headers: { cookie, origin: new URL(context.appUrl).origin, "content-type": "application/json" },
        body: { inputs: {} },
      };
    },
  },
  {
    name: "3-node http workflow, end to end (embedded engine; load = GET /api/executions/:id)",
    method: "GET",
    path: "/api/executions/:id",
    async setup(context) {
      const cookie = await cookieFor(context);
      const { url: upstreamUrl } = await localUpstream();
      const [connectionId] = await createConnections(context, cookie, [
        {
          name: "Bench workflow upstream",
          provider: "custom_api",
          connection_method: "api_key",
          base_url: upstreamUrl,
          data: { api_key: "bench-wf-key" },
          retries: 0,
        },
      ]);
      const node = (id, path) => ({ id, type: "http", config: { connectionId, path, method: "GET" } });
      const workflowId = await createWorkflowForBench(context, cookie, {
        name: "Bench three nodes",
        nodes: [
          node("one", "/v1/items"),
          node("two", "/v1/items/{{nodes.one.output.body.data[0].id}}"),
          node("three", "/v1/items"),
        ],
        edges: [
          { source: "one", target: "two" },
          { source: "two", target: "three" },
        ],
      });
      const first = await runWorkflowForBench(context, cookie, workflowId);
      return {
        path: `/api/executions/${first.executionId}`,
        headers: { cookie },
        async report() {
          // Sequential runs, each timed from the execute request to the `completed` event on its stream.
          const timings = [];
          for (let i = 0; i < 30; i++) timings.push((await runWorkflowForBench(context, cookie, workflowId)).ms);
          timings.sort((a, b) => a - b);
          const at = (q) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))];
          return {
            e2e_p50_ms: at(0.5),
            e2e_p99_ms: at(0.99),
            note: `end to end over 30 runs: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`,
          };
        },
      };
    },
  },
  // ── OAuth authorization server and /mcp (src/oauth-server, src/mcp) ──
  {
    name: "peer: /mcp tools/list behind workers-oauth-provider (same McpServer)",
    method: "POST",
    path: "/mcp",
    async setup(context) {
      const peer = await context.startPeerWorker();
      const token = await peerAccessToken(peer.url, `${new URL(context.appUrl).origin}/mcp`);
      const probe = await fetch(new URL("/mcp", peer.url), {
        method: "POST",
        headers: mcpHeaders(token),
        body: JSON.stringify(toolsList),
      });
      if (probe.status !== 200)
        throw new Error(`bench: the peer's /mcp answered ${probe.status}: ${await probe.text()}`);
      await probe.body?.cancel();
      return { url: peer.url, headers: mcpHeaders(token), body: toolsList };
    },
  },
  {
    name: "POST /mcp tools/list (bearer JWT validation)",
    method: "POST",
    path: "/mcp",
    baseline: "peer: /mcp tools/list behind workers-oauth-provider (same McpServer)",
    target: "≥ 1.0× peer",
    async setup(context) {
      const { access_token } = await ourAccessToken(context, await cookieFor(context));
      return { headers: mcpHeaders(access_token), body: toolsList };
    },
  },
  {
    name: "POST /mcp tools/call list_workflows",
    method: "POST",
    path: "/mcp",
    async setup(context) {
      const cookie = await cookieFor(context);
      await createWorkflowForBench(context, cookie, {
        name: "Bench listed",
        input_schema: { type: "object", properties: { name: { type: "string" } } },
        nodes: [
          {
            id: "noop",
            type: "webhook",
            config: { url: "https://example.com/hook", method: "POST", condition: "false" },
          },
        ],
        edges: [],
      });
      const { access_token } = await ourAccessToken(context, cookie);
      return { headers: mcpHeaders(access_token), body: callListWorkflows };
    },
  },
  {
    name: "POST /oauth/token: code exchange and refresh (sequential; load = AS metadata)",
    method: "GET",
    path: "/.well-known/oauth-authorization-server",
    async setup(context) {
      const cookie = await cookieFor(context);
      return {
        async report() {
          // Timed one by one (codes are single-use and refresh tokens rotate, so a constant request cannot
          // be replayed by the load generator). A client per 25 calls stays under the endpoint's rate limit.
          const exchanges = [];
          const refreshes = [];
          for (let batch = 0; batch < 2; batch++) {
            const clientId = await registerClient(context.url, "/oauth/register", `203.0.113.${100 + batch}`);
            let refreshToken;
            for (let i = 0; i < 12; i++) {
              const { verifier, challenge } = pkce();
              const code = await authorizationCode(context, cookie, clientId, challenge);
              const started = performance.now();
              const tokens = await exchangeCode(context, clientId, code, verifier);
              exchanges.push(performance.now() - started);
              refreshToken = tokens.refresh_token;
            }
            for (let i = 0; i < 12; i++) {
              const started = performance.now();
              refreshToken = (await refresh(context, clientId, refreshToken)).refresh_token;
              refreshes.push(performance.now() - started);
            }
          }
          const p50 = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)].toFixed(1);
          return {
            code_exchange_p50_ms: Number(p50(exchanges)),
            refresh_p50_ms: Number(p50(refreshes)),
            note: `sequential: code exchange p50 ${p50(exchanges)} ms, refresh (rotation) p50 ${p50(refreshes)} ms`,
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
  // The stateless lane (SPEC §6.7): a server on the 2026-07-28 revision is called with one request and no
  // handshake, so its like-for-like reference is a bare Worker sending that one request, not the handshake above.
  {
    name: "bare Worker, MCP tools/call by plain fetch, 2026-07-28 (reference, no initialize)",
    method: "POST",
    path: "/",
    async setup(context) {
      const { url } = await bareStatelessMcpWorker(context.Miniflare, context.convertV4MiniflareOptions);
      return { url };
    },
  },
  {
    name: "MCP tools/call through an MCP connection, 2026-07-28 server (stateless lane)",
    method: "POST",
    path: "/api/connections/:id/tools/echo/call",
    baseline: "bare Worker, MCP tools/call by plain fetch, 2026-07-28 (reference, no initialize)",
    target: "≥ 0.7× bare Worker",
    async setup(context) {
      const cookie = await cookieFor(context);
      const { url: serverUrl } = await localStatelessMcpServer();
      const [id] = await createConnections(context, cookie, [
        {
          name: "Bench MCP (stateless)",
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

async function createWorkflowForBench({ url, appUrl }, cookie, definition) {
  const response = await fetch(new URL("/api/workflows", url), {
    method: "POST",
    headers: { cookie, origin: new URL(appUrl).origin, "content-type": "application/json" },
    body: JSON.stringify(definition),
  });
  if (response.status !== 201)
    throw new Error(`bench: creating a workflow failed: ${response.status} ${await response.text()}`);
  return (await response.json()).data.id;
}

/** Executes a workflow and reads its event stream until the terminal event; returns the id and the elapsed ms. */
async function runWorkflowForBench({ url, appUrl }, cookie, workflowId) {
  const started = performance.now();
  const response = await fetch(new URL(`/api/workflows/${workflowId}/execute`, url), {
    method: "POST",
    headers: { cookie, origin: new URL(appUrl).origin, "content-type": "application/json" },
    body: JSON.stringify({ inputs: {} }),
  });
  if (response.status !== 202) throw new Error(`bench: execute failed: ${response.status} ${await response.text()}`);
  const executionId = (await response.json()).data.id;
  const events = await fetch(new URL(`/api/executions/${executionId}/events`, url), { headers: { cookie } });
  const text = await events.text(); // the stream ends after the terminal event
  if (!/event: completed/.test(text)) throw new Error(`bench: workflow did not complete: ${text.slice(-500)}`);
  return { executionId, ms: Math.round(performance.now() - started) };
}
