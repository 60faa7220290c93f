import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import {
  createHandlerMcpServer,
  createOAuthMcpServer,
  createSseOnlyMcpServer,
  createStreamableMcpServer,
  FAKE_PNG_BASE64,
} from "../fakes/mcp-servers";
import { createConnection, type Summary } from "../helpers/connections";
import { call, expectData, expectError, jsonInit } from "../helpers/http";
import { interceptOutbound } from "../helpers/outbound";
import { type Browser, signedInBrowser } from "../helpers/session";

// MCP connections through the real Worker (SPEC §6.7): discovery, create, refresh, call, OAuth-protected servers.

const BEARER = "mcp-bearer-secret-4711";
const row = (id: string) =>
  env.DB.prepare("select * from connections where id = ?").bind(id).first<Record<string, unknown>>();

interface McpSummary extends Summary {
  mcp_server_url: string | null;
  mcp_tools: { name: string; input_schema: unknown }[] | null;
  capabilities: Record<string, unknown> | null;
}

function setup() {
  const streamable = createStreamableMcpServer({ auth: { type: "bearer", token: BEARER } });
  const open = createStreamableMcpServer({ host: "mcp.open.test" });
  const sse = createSseOnlyMcpServer();
  const keyed = createStreamableMcpServer({
    host: "mcp.keyed.test",
    auth: { type: "api_key", header: "x-mcp-key", value: "key-secret-99" },
  });
  const basic = createStreamableMcpServer({
    host: "mcp.basic.test",
    auth: { type: "basic", username: "ops", password: "basic-secret-77" },
  });
  const oauth = createOAuthMcpServer();
  interceptOutbound({
    [streamable.host]: streamable.fetch,
    [open.host]: open.fetch,
    [sse.host]: sse.fetch,
    [keyed.host]: keyed.fetch,
    [basic.host]: basic.fetch,
    "slow.test": () => new Promise<Response>(() => {}),
    ...oauth.routes(),
  });
  return { streamable, open, sse, keyed, basic, oauth };
}

const mcpBody = (serverUrl: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: `MCP ${crypto.randomUUID().slice(0, 8)}`,
  connection_method: "mcp",
  provider: "custom_mcp",
  mcp_server_url: serverUrl,
  data,
  ...extra,
});

const discover = (browser: Browser, body: unknown) => browser.json("/api/connections/mcp/discover", "POST", body);
const callTool = (browser: Browser, id: string, name: string, args: unknown) =>
  browser.json(`/api/connections/${id}/tools/${name}/call`, "POST", { arguments: args });

describe("POST /api/connections/mcp/discover", () => {
  it("discovers over Streamable HTTP and SSE with every static auth type", async () => {
    const { streamable, sse, keyed, basic } = setup();
    const browser = await signedInBrowser();
    const bearer = await expectData<{
      server: unknown;
      protocol_version: string;
      transport: string;
      tools: { name: string }[];
    }>(await discover(browser, { server_url: streamable.url, auth: { type: "bearer", token: BEARER } }));
    expect(bearer).toMatchObject({
      server: { name: "fake-streamable", version: "1.4.2" },
      protocol_version: "2025-11-25",
      transport: "streamable-http",
    });
    expect(bearer.tools.map((t) => t.name)).toContain("echo");
    expect(streamable.requests.every((r) => r.headers.authorization === `Bearer ${BEARER}`)).toBe(true);
    const legacy = await expectData<{ transport: string }>(await discover(browser, { server_url: sse.url }));
    expect(legacy.transport).toBe("sse");
    await expectData(
      await discover(browser, {
        server_url: keyed.url,
        auth: { type: "api_key", api_key: "key-secret-99", header_name: "X-MCP-Key" },
      }),
    );
    const ok = await discover(browser, {
      server_url: basic.url,
      auth: { type: "basic", username: "ops", password: "basic-secret-77" },
    });
    const text = await ok.text();
    expect(ok.status).toBe(200);
    expect(text).not.toContain("basic-secret-77");
  });

  it("answers 400 mcp_auth_failed for a refused credential and 502 mcp_unreachable otherwise", async () => {
    const { streamable } = setup();
    const browser = await signedInBrowser();
    const refused = await expectError(
      await discover(browser, { server_url: streamable.url, auth: { type: "bearer", token: "wrong-token-123" } }),
      400,
      "mcp_auth_failed",
    );
    expect(JSON.stringify(refused)).not.toContain("wrong-token-123");
    await expectError(await discover(browser, { server_url: "https://nowhere.test/mcp" }), 502, "mcp_unreachable");
    await expectError(
      await discover(browser, { server_url: "https://slow.test/mcp", timeout_ms: 1000 }),
      502,
      "mcp_unreachable",
    );
    await expectError(await discover(browser, { server_url: "https://127.0.0.1/mcp" }), 403, "target_not_allowed");
  });

  it("refuses bad input and anonymous callers", async () => {
    setup();
    const browser = await signedInBrowser();
    await expectError(await discover(browser, { server_url: "not a url" }), 400, "invalid_request");
    await expectError(
      await discover(browser, { server_url: "https://mcp.open.test/mcp", auth: { type: "bearer" } }),
      400,
      "invalid_request",
    );
    await expectError(
      await discover(browser, { server_url: "https://mcp.open.test/mcp", extra: 1 }),
      400,
      "invalid_request",
    );
    await expectError(
      await call("/api/connections/mcp/discover", jsonInit("POST", { server_url: "https://mcp.open.test/mcp" })),
      401,
      "unauthenticated",
    );
  });
});

describe("MCP connections: create, refresh, call", () => {
  it("discovers on create, stores the tools, and keeps the credential out of responses and D1 plaintext", async () => {
    const { streamable } = setup();
    const browser = await signedInBrowser();
    const created = (await createConnection(
      browser,
      mcpBody(streamable.url, { auth_type: "bearer", token: BEARER }),
    )) as McpSummary;
    expect(created.status).toBe("active");
    expect(created.mcp_server_url).toBe(streamable.url);
    expect(created.mcp_tools?.map((t) => t.name).sort()).toEqual(["add", "echo", "fail", "image", "slow"]);
    expect(created.capabilities).toMatchObject({ server: { name: "fake-streamable" }, transport: "streamable-http" });
    expect(JSON.stringify(created)).not.toContain(BEARER);
    const stored = await row(created.id);
    expect(JSON.stringify(stored)).not.toContain(BEARER);
    expect(String(stored?.mcp_tools)).toContain("echo");
  });

  it("reports no token health for a static credential: a working bearer server is not 'not authorized'", async () => {
    const { streamable, oauth } = setup();
    const browser = await signedInBrowser();
    const bearer = await createConnection(browser, mcpBody(streamable.url, { auth_type: "bearer", token: BEARER }));
    const status = await expectData<{ healthy: boolean; token: unknown }>(
      await browser.request(`/api/connections/${bearer.id}/status`),
    );
    expect(status.healthy).toBe(true);
    expect(status.token).toBeNull();
    // An OAuth-protected server's token is ours to obtain: before authorization it is missing.
    const waiting = await createConnection(browser, mcpBody(oauth.url, { auth_type: "oauth2" }));
    const pending = await expectData<{ token: { state: string } | null }>(
      await browser.request(`/api/connections/${waiting.id}/status`),
    );
    expect(pending.token?.state).toBe("missing");
  });

  it("saves an unreachable server as invalid with the reason, and refresh-tools revives it", async () => {
    const { open } = setup();
    const browser = await signedInBrowser();
    const failing = (await createConnection(
      browser,
      mcpBody("https://nowhere.test/mcp", { auth_type: "none" }),
    )) as McpSummary;
    expect(failing.status).toBe("invalid");
    expect(failing.status_reason).toMatch(/could not be reached/);
    expect(failing.mcp_tools).toBeNull();
    const fine = (await createConnection(browser, mcpBody(open.url, { auth_type: "none" }))) as McpSummary;
    await env.DB.prepare(
      "update connections set status = 'invalid', status_reason = 'x', mcp_tools = null where id = ?",
    )
      .bind(fine.id)
      .run();
    const refreshed = await expectData<{ tools: { name: string }[]; tools_count: number }>(
      await browser.request(`/api/connections/${fine.id}/refresh-tools`, { method: "POST" }),
    );
    expect(refreshed.tools_count).toBe(5);
    const after = await expectData<McpSummary>(await browser.request(`/api/connections/${fine.id}`));
    expect(after.status).toBe("active");
    expect(after.mcp_tools).toHaveLength(5);
  });

  it("accepts data.server_url only when it equals mcp_server_url, and refuses SSRF targets", async () => {
    const { open } = setup();
    const browser = await signedInBrowser();
    const ok = (await createConnection(
      browser,
      mcpBody(open.url, { auth_type: "none", server_url: open.url }),
    )) as McpSummary;
    expect(ok.status).toBe("active");
    await expectError(
      await browser.json(
        "/api/connections",
        "POST",
        mcpBody(open.url, { auth_type: "none", server_url: "https://other.test/mcp" }),
      ),
      400,
      "invalid_request",
    );
    await expectError(
      await browser.json("/api/connections", "POST", mcpBody("https://10.1.2.3/mcp", { auth_type: "none" })),
      400,
      "invalid_request",
    );
  });

  it("calls tools: text, structured content, images, isError; over SSE too", async () => {
    const { streamable, sse } = setup();
    const browser = await signedInBrowser();
    const created = await createConnection(browser, mcpBody(streamable.url, { auth_type: "bearer", token: BEARER }));
    expect(await expectData(await callTool(browser, created.id, "add", { a: 2, b: 40 }))).toEqual({
      content: [{ type: "text", text: "42" }],
      structured_content: { sum: 42 },
      is_error: false,
    });
    expect(await expectData(await callTool(browser, created.id, "image", {}))).toEqual({
      content: [{ type: "image", data: FAKE_PNG_BASE64, mimeType: "image/png" }],
      is_error: false,
    });
    expect(await expectData(await callTool(browser, created.id, "fail", { reason: "nope" }))).toMatchObject({
      is_error: true,
    });
    const legacy = await createConnection(browser, mcpBody(sse.url, { auth_type: "none" }));
    expect(await expectData(await callTool(browser, legacy.id, "echo", { text: "over sse" }))).toMatchObject({
      content: [{ type: "text", text: "over sse" }],
    });
    expect((await row(created.id))?.last_used_at).not.toBeNull();
  });

  it("calls a 2026-07-28 server with one tools/call and a 2025-era one with the handshake, as discovery stored; session and connection in one D1 batch", async () => {
    const stateless = createHandlerMcpServer({ host: "mcp.stateless.test" });
    const legacy = createStreamableMcpServer({ host: "mcp.legacy.test" });
    interceptOutbound({ [stateless.host]: stateless.fetch, [legacy.host]: legacy.fetch });
    const browser = await signedInBrowser();
    const modern = (await createConnection(browser, mcpBody(stateless.url, { auth_type: "none" }))) as McpSummary;
    expect(modern.capabilities).toMatchObject({ protocol_version: "2026-07-28", transport: "streamable-http" });
    const old = (await createConnection(browser, mcpBody(legacy.url, { auth_type: "none" }))) as McpSummary;
    expect(old.capabilities).toMatchObject({ protocol_version: "2025-11-25", transport: "streamable-http" });
    stateless.requests.length = 0;
    legacy.requests.length = 0;

    const batch = vi.spyOn(env.DB, "batch");
    const prepare = vi.spyOn(env.DB, "prepare");
    expect(await expectData(await callTool(browser, modern.id, "echo", { text: "one request" }))).toEqual({
      content: [{ type: "text", text: "one request" }],
      is_error: false,
    });
    expect(batch).toHaveBeenCalledTimes(1);
    expect(prepare.mock.calls.map(([sql]) => sql).filter((sql) => /^\s*select/i.test(sql))).toHaveLength(2);
    expect(stateless.requests.map((r) => r.rpc)).toEqual([["tools/call"]]);

    expect(await expectData(await callTool(browser, old.id, "echo", { text: "handshake" }))).toMatchObject({
      content: [{ type: "text", text: "handshake" }],
    });
    expect(legacy.requests.map((r) => r.rpc)).toEqual([["initialize"], ["notifications/initialized"], ["tools/call"]]);
    batch.mockRestore();
    prepare.mockRestore();
  });

  it("refuses schema-invalid arguments with 400 and no upstream call; unknown tool 404; timeout 504", async () => {
    const { streamable } = setup();
    const browser = await signedInBrowser();
    const created = await createConnection(
      browser,
      mcpBody(streamable.url, { auth_type: "bearer", token: BEARER }, { timeout_ms: 1000 }),
    );
    const before = streamable.requests.length;
    const invalid = await expectError(
      await callTool(browser, created.id, "add", { a: "x", b: 1 }),
      400,
      "invalid_tool_arguments",
    );
    expect(invalid.error.details).toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ path: "/a" })]),
    });
    await expectError(await callTool(browser, created.id, "echo", {}), 400, "invalid_tool_arguments");
    expect(streamable.requests.length).toBe(before);
    await expectError(await callTool(browser, created.id, "missing_tool", {}), 404, "tool_not_found");
    const started = Date.now();
    await expectError(await callTool(browser, created.id, "slow", { ms: 5000 }), 504, "mcp_timeout");
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("is another user's connection: 404 on refresh, call and authorize; non-MCP connections too", async () => {
    const { streamable } = setup();
    const owner = await signedInBrowser();
    const other = await signedInBrowser();
    const created = await createConnection(owner, mcpBody(streamable.url, { auth_type: "bearer", token: BEARER }));
    await expectError(
      await other.request(`/api/connections/${created.id}/refresh-tools`, { method: "POST" }),
      404,
      "not_found",
    );
    await expectError(await callTool(other, created.id, "echo", { text: "x" }), 404, "not_found");
    await expectError(await other.request(`/api/oauth/mcp/authorize?connection_id=${created.id}`), 404, "not_found");
    const api = await createConnection(owner, {
      name: "API",
      connection_method: "bearer",
      provider: "custom_api",
      base_url: "https://api.upstream.test",
      data: { token: "t0ken-secret" },
    });
    await expectError(
      await owner.request(`/api/connections/${api.id}/refresh-tools`, { method: "POST" }),
      404,
      "not_found",
    );
  });

  it("serves the provider registry and our client metadata document", async () => {
    const browser = await signedInBrowser();
    const providers = await expectData<{ id: string }[]>(await browser.request("/api/connections/mcp/providers"));
    expect(providers.map((p) => p.id)).toEqual(
      expect.arrayContaining(["github", "linear", "notion", "sentry", "stripe", "custom_mcp"]),
    );
    const document = await call("/oauth/mcp-client.json");
    expect(document.status).toBe(200);
    expect(await document.json()).toMatchObject({
      client_id: "http://localhost:8787/oauth/mcp-client.json",
      redirect_uris: ["http://localhost:8787/api/oauth/mcp/callback"],
      token_endpoint_auth_method: "none",
    });
  });
});

describe("OAuth-protected MCP servers", () => {
  async function connect(browser: Browser, oauth: ReturnType<typeof createOAuthMcpServer>) {
    const created = (await createConnection(browser, mcpBody(oauth.url, { auth_type: "oauth2" }))) as McpSummary;
    expect(created.status).toBe("disconnected");
    const { authUrl } = await expectData<{ authUrl: string }>(
      await browser.request(`/api/oauth/mcp/authorize?connection_id=${created.id}`),
    );
    const back = await oauth.approve(authUrl);
    expect(back.origin + back.pathname).toBe("http://localhost:8787/api/oauth/mcp/callback");
    const page = await browser.request(back.pathname + back.search);
    return { created, authUrl: new URL(authUrl), page };
  }

  it("connect (DCR, PKCE, resource) → tools discovered after the callback → call → tokens encrypted", async () => {
    const { oauth } = setup();
    const browser = await signedInBrowser();
    const { created, authUrl, page } = await connect(browser, oauth);
    expect(authUrl.searchParams.get("resource")).toBe(oauth.url);
    expect(authUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('"type":"oauth_success"');
    const after = await expectData<McpSummary>(await browser.request(`/api/connections/${created.id}`));
    expect(after.status).toBe("active");
    expect(after.mcp_tools?.length).toBe(5);
    expect(await expectData(await callTool(browser, created.id, "echo", { text: "authorized" }))).toMatchObject({
      content: [{ type: "text", text: "authorized" }],
    });
    const stored = JSON.stringify(await row(created.id));
    const client = [...oauth.clients.values()][0];
    expect(client).toBeDefined();
    for (const request of oauth.requests.filter((r) => r.status === 200)) {
      const token = request.headers.authorization?.slice(7) ?? "";
      expect(token.length).toBeGreaterThan(10);
      expect(stored).not.toContain(token);
      expect(html).not.toContain(token);
    }
  });

  it("refreshes an expiring token exactly once under concurrent calls, then calls with the new token", async () => {
    const { oauth } = setup();
    oauth.settings.accessTokenTtlSeconds = 2; // expires, and is old enough to refresh, 2 s from now
    const browser = await signedInBrowser();
    const { created } = await connect(browser, oauth);
    oauth.settings.accessTokenTtlSeconds = 3600;
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const refreshesBefore = oauth.tokenCalls.filter((t) => t.grantType === "refresh_token").length;
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => callTool(browser, created.id, "echo", { text: `n${i}` })),
    );
    for (const response of responses) expect(response.status).toBe(200);
    const refreshes = oauth.tokenCalls.filter((t) => t.grantType === "refresh_token");
    expect(refreshes.length - refreshesBefore).toBe(1);
    expect(refreshes.at(-1)).toMatchObject({ resource: oauth.url, status: 200 });
  });

  it("a token the server stops accepting is refreshed once (forced) and the call retried", async () => {
    const { oauth } = setup();
    const browser = await signedInBrowser();
    const { created } = await connect(browser, oauth);
    oauth.expireAccessTokens();
    expect(await expectData(await callTool(browser, created.id, "echo", { text: "again" }))).toMatchObject({
      is_error: false,
    });
    expect(oauth.tokenCalls.filter((t) => t.grantType === "refresh_token")).toHaveLength(1);
  });

  it("moving an authorized OAuth MCP connection to another server drops its tokens: it must be authorized again", async () => {
    const { oauth } = setup();
    const browser = await signedInBrowser();
    const { created } = await connect(browser, oauth);
    const moved = await expectData<McpSummary>(
      await browser.json(`/api/connections/${created.id}`, "PUT", {
        data: { server_url: "https://mcp.elsewhere.test/mcp" },
      }),
    );
    expect(moved).toMatchObject({
      status: "disconnected",
      mcp_server_url: "https://mcp.elsewhere.test/mcp",
      mcp_tools: null,
    });
    expect((await row(created.id))?.tokens_encrypted).toBeNull();
    await expectError(await callTool(browser, created.id, "echo", { text: "x" }), 409, "connection_not_authorized");
  });

  it("a call before authorization answers connection_not_authorized with the authorize link", async () => {
    const { oauth } = setup();
    const browser = await signedInBrowser();
    const created = await createConnection(browser, mcpBody(oauth.url, { auth_type: "oauth2" }));
    const refused = await expectError(
      await callTool(browser, created.id, "echo", { text: "x" }),
      409,
      "connection_not_authorized",
    );
    expect(refused.error.details).toEqual({ authorize: `/api/oauth/mcp/authorize?connection_id=${created.id}` });
  });

  it("refuses a callback with an unknown state, and one from another account", async () => {
    const { oauth } = setup();
    const owner = await signedInBrowser();
    const created = await createConnection(owner, mcpBody(oauth.url, { auth_type: "oauth2" }));
    const unknown = await owner.request(`/api/oauth/mcp/callback?code=x&state=${"a".repeat(43)}`);
    expect(unknown.status).toBe(400);
    const { authUrl } = await expectData<{ authUrl: string }>(
      await owner.request(`/api/oauth/mcp/authorize?connection_id=${created.id}`),
    );
    const back = await oauth.approve(authUrl);
    const intruder = await signedInBrowser();
    const page = await intruder.request(back.pathname + back.search);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain("oauth_error");
  });
});

describe("updating an MCP connection", () => {
  it("moving it to another server updates mcp_server_url and drops the old tools; private targets and OAuth creates are SSRF-checked", async () => {
    const { streamable, open } = setup();
    const browser = await signedInBrowser();
    const created = (await createConnection(browser, mcpBody(open.url, { auth_type: "none" }))) as McpSummary;
    expect(created.mcp_tools).toHaveLength(5);
    const moved = await expectData<McpSummary>(
      await browser.json(`/api/connections/${created.id}`, "PUT", {
        data: { server_url: streamable.url, auth_type: "bearer", token: BEARER },
      }),
    );
    expect(moved.mcp_server_url).toBe(streamable.url);
    expect(moved.mcp_tools).toBeNull();
    const refreshed = await expectData<{ tools_count: number }>(
      await browser.request(`/api/connections/${created.id}/refresh-tools`, { method: "POST" }),
    );
    expect(refreshed.tools_count).toBe(5);
    expect(streamable.requests.at(-1)?.headers.authorization).toBe(`Bearer ${BEARER}`);
    await expectError(
      await browser.json(`/api/connections/${created.id}`, "PUT", { data: { server_url: "https://192.168.1.2/mcp" } }),
      400,
      "invalid_request",
    );
    await expectError(
      await browser.json("/api/connections", "POST", mcpBody("https://169.254.169.254/mcp", { auth_type: "oauth2" })),
      400,
      "invalid_request",
    );
  });
});
