// Helpers for bench scenario setup: they drive the Worker over HTTP exactly as a browser would.
import { startLocalOAuthProvider } from "../scripts/local-oauth-provider.mjs";

/** Signs in through the dev identity provider (SPEC §5.2) and returns the `cookie` header value. */
export async function signInThroughDevProvider({ url, appUrl }, email, name = "Bench User") {
  const jar = new Map();
  const keep = (response) => {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const [cookieName, ...rest] = pair.split("=");
      if (rest.join("=")) jar.set(cookieName, rest.join("="));
    }
  };
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const step = async (path, init = {}) => {
    const response = await fetch(new URL(path, url), {
      ...init,
      redirect: "manual",
      // The Worker answers on a local port, but its configured origin (APP_URL) is what CSRF checks compare.
      headers: { ...init.headers, cookie: cookieHeader(), origin: new URL(appUrl).origin },
    });
    keep(response);
    return response;
  };
  const authorize = await step("/api/auth/authorize");
  const state = new URL(authorize.headers.get("location")).searchParams.get("state");
  const login = await step("/api/auth/dev/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, name, state }).toString(),
  });
  if (login.status !== 302) throw new Error(`bench sign-in failed at the dev login form: ${login.status}`);
  const callback = await step(login.headers.get("location"));
  if (callback?.status !== 302 || !jar.has("session")) throw new Error(`bench sign-in failed: ${callback.status}`);
  return `session=${jar.get("session")}`;
}

/** Creates connections through the API as the signed-in user (`cookie`), returning their ids. */
export async function createConnections({ url, appUrl }, cookie, bodies) {
  const ids = [];
  for (const body of bodies) {
    const response = await fetch(new URL("/api/connections", url), {
      method: "POST",
      headers: { cookie, origin: new URL(appUrl).origin, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status !== 201)
      throw new Error(`bench: creating a connection failed: ${response.status} ${await response.text()}`);
    ids.push((await response.json()).data.id);
  }
  return ids;
}

let upstream;
/**
 * A local HTTP upstream (the "third-party API" of proxy scenarios), started once per run. Answers a
 * small JSON document, like a typical REST GET.
 */
export async function localUpstream() {
  if (!upstream) {
    const { createServer } = await import("node:http");
    const body = JSON.stringify({
      object: "list",
      data: [
        { id: "item_1", name: "first" },
        { id: "item_2", name: "second" },
      ],
    });
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      response.end(body);
    });
    server.keepAliveTimeout = 30_000;
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    upstream = { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
  }
  return upstream;
}

let baseline;
/**
 * The baseline of the proxy scenario: a Worker, in its own workerd, that fetches the same upstream
 * with no connection logic at all (no session, no D1, no decryption, no header hygiene).
 */
export async function baselineFetchWorker(Miniflare, convertV4MiniflareOptions) {
  if (!baseline) {
    const { url: upstreamUrl } = await localUpstream();
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        modules: true,
        compatibilityDate: "2026-11-09",
        compatibilityFlags: ["nodejs_compat"],
        bindings: { UPSTREAM: upstreamUrl },
        script: `export default { async fetch(request, env) {
          const url = new URL(request.url);
          const upstream = await fetch(env.UPSTREAM + url.pathname.replace(/^\\/plain/, "") + url.search);
          return new Response(upstream.body, upstream);
        } }`,
      }),
    );
    baseline = { url: (await mf.ready).toString().replace(/\/$/, ""), dispose: () => mf.dispose() };
  }
  return baseline;
}

/** Stops what the scenarios started. */
export async function closeAll() {
  upstream?.close();
  mcpServer?.close();
  statelessMcpServer?.close();
  await bareMcp?.dispose();
  await bareStatelessMcp?.dispose();
  oauthProvider?.close();
  await baseline?.dispose();
}

let oauthProvider;
/** The local OAuth provider of scripts/local-oauth-provider.mjs (auto-approving), started once per run. */
export async function localOAuthProvider() {
  oauthProvider ??= await startLocalOAuthProvider({ autoApprove: true });
  return oauthProvider;
}

/** Creates a custom OAuth2 connection against the local provider and connects it through the real flow. */
export async function connectOAuthConnection(context, cookie, name, expiresIn) {
  const provider = await localOAuthProvider();
  const [id] = await createConnections(context, cookie, [
    {
      name,
      provider: "custom_oauth2",
      connection_method: "oauth2",
      base_url: `${provider.url}/api`,
      retries: 0,
      data: {
        client_id: "bench",
        client_secret: "bench-secret",
        authorization_url: `${provider.url}/authorize`,
        token_url: `${provider.url}/token`,
        scopes: ["read"],
      },
    },
  ]);
  await reconnectOAuthConnection(context, cookie, id, expiresIn);
  return id;
}

/** Runs the popup flow again for `id` (new tokens living `expiresIn` seconds). */
export async function reconnectOAuthConnection({ url }, cookie, id, expiresIn) {
  const provider = await localOAuthProvider();
  provider.state.nextExpiresIn = expiresIn;
  const authorize = await fetch(new URL(`/api/oauth/custom_oauth2/authorize?connection_id=${id}`, url), {
    headers: { cookie },
  });
  const { authUrl } = (await authorize.json()).data;
  const atProvider = await fetch(authUrl, { redirect: "manual" });
  const callback = new URL(atProvider.headers.get("location"));
  const done = await fetch(new URL(callback.pathname + callback.search, url), { headers: { cookie } });
  if (done.status !== 200) throw new Error(`bench: OAuth connect failed: ${done.status} ${await done.text()}`);
}

/**
 * A workflow execution handed to Temporal and reported running, as the Temporal worker would find it: the
 * definition and the user come from the API; the row is seeded in D1 directly (the bench has no Temporal).
 */
export async function runningTemporalExecution({ url, appUrl, mf }, cookie, connectionId) {
  const headers = { cookie, origin: new URL(appUrl).origin, "content-type": "application/json" };
  const created = await fetch(new URL("/api/workflows", url), {
    method: "POST",
    headers,
    body: JSON.stringify({
      name: "Bench internal activity",
      nodes: [{ id: "fetch", type: "http", config: { connectionId, path: "/v1/items", method: "GET" } }],
      edges: [],
    }),
  });
  if (created.status !== 201)
    throw new Error(`bench: creating a workflow failed: ${created.status} ${await created.text()}`);
  const workflow = (await created.json()).data;
  const me = (await (await fetch(new URL("/api/auth/me", url), { headers: { cookie } })).json()).data;
  const executionId = crypto.randomUUID();
  const now = Date.now();
  const db = await mf.getD1Database("DB");
  await db
    .prepare(
      "INSERT INTO executions (id, user_id, kind, definition_id, version, status, engine, inputs, nodes, created_at, updated_at, started_at) VALUES (?, ?, 'workflow', ?, ?, 'running', 'temporal', '{}', '[]', ?, ?, ?)",
    )
    .bind(executionId, me.user.id, workflow.id, workflow.version, now, now, now)
    .run();
  return executionId;
}

/** Serves a web-standard `fetch(request)` handler with node:http on a free port; resolves to its `/mcp` URL. */
async function serveMcpOverNode(handle) {
  const { createServer } = await import("node:http");
  const server = createServer(async (incoming, outgoing) => {
    const chunks = [];
    for await (const chunk of incoming) chunks.push(chunk);
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers))
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    const bodyless = incoming.method === "GET" || incoming.method === "HEAD";
    const request = new Request(`http://127.0.0.1${incoming.url}`, {
      method: incoming.method,
      headers,
      body: bodyless ? undefined : Buffer.concat(chunks),
    });
    const response = await handle(request);
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/mcp`, close: () => server.close() };
}

let mcpServer;
/**
 * A local MCP server built with the official SDK (Streamable HTTP, stateless, JSON answers) offering `echo`,
 * served by node:http on a free port — the "external MCP server" of the MCP scenarios. Started once per run.
 */
export async function localMcpServer() {
  if (!mcpServer) {
    const { McpServer, WebStandardStreamableHTTPServerTransport } = await import("@modelcontextprotocol/server");
    const { z } = await import("zod");
    mcpServer = await serveMcpOverNode(async (request) => {
      const mcp = new McpServer({ name: "bench-mcp", version: "1.0.0" });
      mcp.registerTool(
        "echo",
        { description: "Echo", inputSchema: z.object({ text: z.string() }) },
        async ({ text }) => ({
          content: [{ type: "text", text }],
        }),
      );
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      await mcp.connect(transport);
      return transport.handleRequest(request);
    });
  }
  return mcpServer;
}

let statelessMcpServer;
/**
 * The same `echo` server behind the SDK's `createMcpHandler` (JSON answers): it serves the stateless 2026-07-28
 * revision (`server/discover`, then single `tools/call` requests) and 2025-era clients from one endpoint, so a
 * connection to it is discovered as 2026-07-28 and called without a handshake. Started once per run.
 */
export async function localStatelessMcpServer() {
  if (!statelessMcpServer) {
    const { McpServer, createMcpHandler } = await import("@modelcontextprotocol/server");
    const { z } = await import("zod");
    const handler = createMcpHandler(
      () => {
        const mcp = new McpServer({ name: "bench-mcp-stateless", version: "1.0.0" });
        mcp.registerTool(
          "echo",
          { description: "Echo", inputSchema: z.object({ text: z.string() }) },
          async ({ text }) => ({ content: [{ type: "text", text }] }),
        );
        return mcp;
      },
      { responseMode: "json" },
    );
    statelessMcpServer = await serveMcpOverNode((request) => handler.fetch(request));
  }
  return statelessMcpServer;
}

let bareMcp;
/**
 * The reference of the MCP scenario: a bare Worker that does one MCP `tools/call` against the local server per
 * request with plain fetches — `initialize`, `notifications/initialized`, `tools/call` — and nothing else (no
 * session, no D1, no decryption, no schema check, no SDK).
 */
export async function bareMcpWorker(Miniflare, convertV4MiniflareOptions) {
  if (!bareMcp) {
    const { url: mcpUrl } = await localMcpServer();
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        modules: true,
        compatibilityDate: "2026-11-09",
        compatibilityFlags: ["nodejs_compat"],
        bindings: { MCP_URL: mcpUrl },
        script: `export default { async fetch(request, env) {
          const post = (body, extra = {}) => fetch(env.MCP_URL, { method: "POST", body: JSON.stringify(body),
            headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...extra } });
          const init = await (await post({ jsonrpc: "2.0", id: 1, method: "initialize", params: {
            protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "bare", version: "1" } } })).json();
          const version = { "mcp-protocol-version": init.result.protocolVersion };
          await (await post({ jsonrpc: "2.0", method: "notifications/initialized" }, version)).text();
          const call = await (await post({ jsonrpc: "2.0", id: 2, method: "tools/call",
            params: { name: "echo", arguments: { text: "bench" } } }, version)).json();
          return Response.json(call.result);
        } }`,
      }),
    );
    bareMcp = { url: (await mf.ready).toString().replace(/\/$/, ""), dispose: () => mf.dispose() };
  }
  return bareMcp;
}

let bareStatelessMcp;
/**
 * The like-for-like reference of the stateless lane: a bare Worker that sends the one request a 2026-07-28 call is —
 * `tools/call` with the per-request `_meta` envelope and the `MCP-Protocol-Version` / `Mcp-Method` / `Mcp-Name`
 * headers — to the stateless server by plain fetch, and nothing else.
 */
export async function bareStatelessMcpWorker(Miniflare, convertV4MiniflareOptions) {
  if (!bareStatelessMcp) {
    const { url: mcpUrl } = await localStatelessMcpServer();
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        modules: true,
        compatibilityDate: "2026-11-09",
        compatibilityFlags: ["nodejs_compat"],
        bindings: { MCP_URL: mcpUrl },
        script: `export default { async fetch(request, env) {
          const call = await (await fetch(env.MCP_URL, { method: "POST",
            headers: { "content-type": "application/json", accept: "application/json, text/event-stream",
              "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": "echo" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "echo",
              arguments: { text: "bench" }, _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientInfo": { name: "bare", version: "1" },
                "io.modelcontextprotocol/clientCapabilities": {} } } }) })).json();
          return Response.json(call.result);
        } }`,
      }),
    );
    bareStatelessMcp = { url: (await mf.ready).toString().replace(/\/$/, ""), dispose: () => mf.dispose() };
  }
  return bareStatelessMcp;
}
