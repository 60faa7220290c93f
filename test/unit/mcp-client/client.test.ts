import { McpServer, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { callMcpServerTool } from "../../../src/mcp-client/call";
import { discoveryColumns, storedServerFacts } from "../../../src/mcp-client/connection";
import { discoverMcpServer, type McpDiscovery } from "../../../src/mcp-client/discover";
import { isMcpClientError, type McpClientError } from "../../../src/mcp-client/errors";
import type { McpAuth, McpTarget } from "../../../src/mcp-client/target";
import type { McpToolRecord } from "../../../src/mcp-client/tools";
import {
  createHandlerMcpServer,
  createSseOnlyMcpServer,
  createStreamableMcpServer,
  FAKE_PNG_BASE64,
  type FakeMcpServer,
  type FakeToolCall,
  registerFakeTools,
} from "../../fakes/mcp-servers";
import { interceptOutbound } from "../../helpers/outbound";

// The MCP client (official SDK v2) inside workerd, against real SDK servers routed through the Worker's fetch.

const target = (
  server: { url: string },
  auth: McpAuth = { type: "none" },
  extra: Partial<McpTarget> = {},
): McpTarget => ({
  serverUrl: server.url,
  auth,
  allowInsecure: false,
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<McpClientError> {
  try {
    await promise;
  } catch (error) {
    if (isMcpClientError(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

const toolNamed = (tools: McpToolRecord[], name: string) => {
  const tool = tools.find((t) => t.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool;
};

describe("discovery", () => {
  it("discovers a Streamable HTTP server: identity, protocol version, tools with schemas and annotations", async () => {
    const server = createStreamableMcpServer();
    interceptOutbound({ [server.host]: server.fetch });
    const found = await discoverMcpServer(target(server));
    expect(found.server).toEqual({ name: "fake-streamable", version: "1.4.2" });
    expect(found.transport).toBe("streamable-http");
    expect(found.protocol_version).toBe("2025-11-25");
    expect(found.tools.map((t) => t.name).sort()).toEqual(["add", "echo", "fail", "image", "slow"]);
    const add = toolNamed(found.tools, "add");
    expect(add).toMatchObject({
      description: "Add two numbers",
      title: "Add numbers",
      annotations: { readOnlyHint: true, idempotentHint: true },
      input_schema: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
      output_schema: { type: "object" },
    });
    // The SDK probes for a stateless (2026-07-28) server first; a 2025-era one refuses and gets the handshake.
    expect(server.requests.map((r) => r.rpc)).toEqual([
      ["server/discover"],
      ["initialize"],
      ["notifications/initialized"],
      ["tools/list"],
    ]);
  });

  it("also works when the server answers plain JSON instead of an SSE stream", async () => {
    const server = createStreamableMcpServer({ jsonResponse: true });
    interceptOutbound({ [server.host]: server.fetch });
    const found = await discoverMcpServer(target(server));
    expect(found.tools).toHaveLength(5);
  });

  it("falls back to the legacy SSE transport when the POST answers 405, and closes the stream afterwards", async () => {
    const server = createSseOnlyMcpServer();
    interceptOutbound({ [server.host]: server.fetch });
    const found = await discoverMcpServer(target(server));
    expect(found.transport).toBe("sse");
    expect(found.server).toEqual({ name: "fake-sse", version: "0.9.0" });
    expect(found.tools.map((t) => t.name)).toContain("echo");
    expect(server.requests[0]).toMatchObject({ method: "POST", path: "/sse", status: 405 });
    expect(server.requests.some((r) => r.method === "GET" && r.path === "/sse" && r.status === 200)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.openSessions()).toBe(0);
  });

  it("falls back on 404 too", async () => {
    const sse = createSseOnlyMcpServer();
    const notFoundOnPost = async (request: Request) =>
      request.method === "POST" && new URL(request.url).pathname === "/sse"
        ? new Response("Not Found", { status: 404 })
        : sse.fetch(request);
    interceptOutbound({ [sse.host]: notFoundOnPost });
    expect((await discoverMcpServer(target(sse))).transport).toBe("sse");
  });

  const secured: [string, ConstructorParameters<typeof Object>[0], McpAuth, McpAuth][] = [
    [
      "bearer",
      { type: "bearer", token: "s3cret-bearer" },
      { type: "bearer", token: "s3cret-bearer" },
      { type: "bearer", token: "wrong-token" },
    ],
    [
      "api_key (custom header)",
      { type: "api_key", header: "x-mcp-key", value: "k3y-value" },
      { type: "api_key", apiKey: "k3y-value", headerName: "X-MCP-Key" },
      { type: "api_key", apiKey: "k3y-value" },
    ],
    [
      "basic",
      { type: "basic", username: "ada", password: "pa55word" },
      { type: "basic", username: "ada", password: "pa55word" },
      { type: "basic", username: "ada", password: "nope" },
    ],
  ];
  for (const [name, serverAuth, good, bad] of secured) {
    it(`authenticates with ${name}, and a refused credential is mcp_auth_failed without an SSE fallback`, async () => {
      const server = createStreamableMcpServer({ auth: serverAuth as never });
      interceptOutbound({ [server.host]: server.fetch });
      expect((await discoverMcpServer(target(server, good))).tools).toHaveLength(5);
      server.requests.length = 0;
      const error = await failure(discoverMcpServer(target(server, bad)));
      expect(error.code).toBe("mcp_auth_failed");
      expect(error.status).toBe(400);
      expect(error.challenge?.status).toBe(401);
      expect(server.requests.map((r) => r.method)).toEqual(["POST"]);
    });
  }

  it("authenticates over the SSE transport too", async () => {
    const server = createSseOnlyMcpServer({ auth: { type: "bearer", token: "sse-token" } });
    interceptOutbound({ [server.host]: server.fetch });
    // The SSE server refuses the POST probe with 401 before anything else: no fallback on an auth failure.
    expect((await failure(discoverMcpServer(target(server)))).code).toBe("mcp_auth_failed");
    const found = await discoverMcpServer(target(server, { type: "bearer", token: "sse-token" }));
    expect(found.transport).toBe("sse");
    expect(
      server.requests.filter((r) => r.status !== 401).every((r) => r.headers.authorization === "Bearer sse-token"),
    ).toBe(true);
  });

  it("answers mcp_unreachable for a host that does not answer, a non-MCP server and a server that never answers", async () => {
    const silent = { host: "silent.test", url: "https://silent.test/mcp" };
    const html = { host: "html.test", url: "https://html.test/mcp" };
    interceptOutbound({
      [html.host]: async () => new Response("<html>hello</html>", { headers: { "content-type": "text/html" } }),
      [silent.host]: () => new Promise<Response>(() => {}),
    });
    expect((await failure(discoverMcpServer(target({ url: "https://nowhere.test/mcp" })))).code).toBe(
      "mcp_unreachable",
    );
    expect((await failure(discoverMcpServer(target(html)))).code).toBe("mcp_unreachable");
    const started = Date.now();
    const timeout = await failure(discoverMcpServer(target(silent, { type: "none" }, { timeoutMs: 150 })));
    expect(timeout.code).toBe("mcp_unreachable");
    expect(timeout.message).toContain("150 ms");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses loopback, private and plain-http targets outside development (SSRF policy)", async () => {
    const seen = interceptOutbound({});
    for (const url of [
      "http://mcp.example.com/mcp",
      "https://127.0.0.1/mcp",
      "https://localhost/mcp",
      "https://10.0.0.8/mcp",
    ]) {
      const error = await failure(discoverMcpServer(target({ url })));
      expect(error.code, url).toBe("target_not_allowed");
    }
    expect(seen).toHaveLength(0);
  });

  it("never puts the credential in an error message", async () => {
    const server = createStreamableMcpServer({ auth: { type: "bearer", token: "right" } });
    interceptOutbound({ [server.host]: server.fetch });
    const error = await failure(discoverMcpServer(target(server, { type: "bearer", token: "leaky-secret-value" })));
    expect(
      JSON.stringify({ message: error.message, details: error.details, challenge: error.challenge }),
    ).not.toContain("leaky-secret-value");
  });
});

describe("tool calls", () => {
  let server: FakeMcpServer;
  let tools: McpToolRecord[];
  const setup = async (make: () => FakeMcpServer = () => createStreamableMcpServer()) => {
    server = make();
    interceptOutbound({ [server.host]: server.fetch });
    tools = (await discoverMcpServer(target(server))).tools;
    server.calls.length = 0;
  };

  it("passes text, structured content, images and isError through", async () => {
    await setup();
    expect(await callMcpServerTool(target(server), toolNamed(tools, "echo"), { text: "hello" })).toEqual({
      content: [{ type: "text", text: "hello" }],
      is_error: false,
    });
    expect(await callMcpServerTool(target(server), toolNamed(tools, "add"), { a: 2, b: 3 })).toEqual({
      content: [{ type: "text", text: "5" }],
      structured_content: { sum: 5 },
      is_error: false,
    });
    expect(await callMcpServerTool(target(server), toolNamed(tools, "image"), {})).toEqual({
      content: [{ type: "image", data: FAKE_PNG_BASE64, mimeType: "image/png" }],
      is_error: false,
    });
    const failed = await callMcpServerTool(target(server), toolNamed(tools, "fail"), { reason: "because" });
    expect(failed).toEqual({ content: [{ type: "text", text: "failed: because" }], is_error: true });
    expect(server.calls.map((c) => c.name)).toEqual(["echo", "add", "image", "fail"]);
  });

  it("calls over the SSE transport", async () => {
    await setup(() => createSseOnlyMcpServer());
    const result = await callMcpServerTool(target(server), toolNamed(tools, "add"), { a: 1, b: 1 });
    expect(result.structured_content).toEqual({ sum: 2 });
  });

  it("refuses schema-invalid arguments with the issues, and sends nothing upstream", async () => {
    await setup();
    server.requests.length = 0;
    const error = await failure(callMcpServerTool(target(server), toolNamed(tools, "add"), { a: "two" }));
    expect(error.code).toBe("invalid_tool_arguments");
    expect(error.status).toBe(400);
    const issues = (error.details as { issues: { path: string; keyword: string }[] }).issues;
    expect(issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: "/a", keyword: "type" })]));
    expect((await failure(callMcpServerTool(target(server), toolNamed(tools, "echo"), ["x"]))).code).toBe(
      "invalid_tool_arguments",
    );
    expect(server.requests).toHaveLength(0);
    expect(server.calls).toHaveLength(0);
  });

  it("answers mcp_timeout when the tool does not answer in time, and leaves nothing open", async () => {
    await setup(() => createSseOnlyMcpServer());
    const started = Date.now();
    const error = await failure(
      callMcpServerTool(target(server, { type: "none" }, { timeoutMs: 200 }), toolNamed(tools, "slow"), { ms: 5000 }),
    );
    expect(error.code).toBe("mcp_timeout");
    expect(error.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((server as ReturnType<typeof createSseOnlyMcpServer>).openSessions()).toBe(0);
  });

  it("times out over Streamable HTTP too", async () => {
    await setup();
    const error = await failure(
      callMcpServerTool(target(server, { type: "none" }, { timeoutMs: 200 }), toolNamed(tools, "slow"), { ms: 5000 }),
    );
    expect(error.code).toBe("mcp_timeout");
  });
});

describe("interop with the SDK's createMcpHandler (the stack of our own /mcp)", () => {
  it("discovers, calls and refuses a wrong bearer token", async () => {
    const server = createHandlerMcpServer({ token: "handler-token" });
    interceptOutbound({ [server.host]: server.fetch });
    const t = target(server, { type: "bearer", token: "handler-token" });
    const found = await discoverMcpServer(t);
    expect(found).toMatchObject({ server: { name: "fake-handler", version: "3.0.0" }, transport: "streamable-http" });
    expect(found.tools.map((tool) => tool.name)).toContain("add");
    expect(await callMcpServerTool(t, toolNamed(found.tools, "add"), { a: 1, b: 2 })).toMatchObject({
      structured_content: { sum: 3 },
      is_error: false,
    });
    expect((await callMcpServerTool(t, toolNamed(found.tools, "fail"), {})).is_error).toBe(true);
    const error = await failure(discoverMcpServer(target(server, { type: "bearer", token: "nope" })));
    expect(error.code).toBe("mcp_auth_failed");
  });
});

describe("protocol lanes of a call (SPEC §6.7): stateless servers without a handshake, 2025-era ones with it", () => {
  /** The target of a saved connection: what discovery stored decides the lane (as `targetFor` does). */
  const discovered = (server: FakeMcpServer, found: McpDiscovery, auth?: McpAuth): McpTarget => ({
    ...target(server, auth),
    server: storedServerFacts({ capabilities: discoveryColumns(found).capabilities }),
  });

  it("calls a server discovered on the 2026-07-28 revision with one tools/call request and no initialize", async () => {
    const server = createHandlerMcpServer({ token: "handler-token" });
    interceptOutbound({ [server.host]: server.fetch });
    const auth: McpAuth = { type: "bearer", token: "handler-token" };
    const found = await discoverMcpServer(target(server, auth));
    expect(found.protocol_version).toBe("2026-07-28");
    expect(found.server).toEqual({ name: "fake-handler", version: "3.0.0" });
    server.requests.length = 0;
    const t = discovered(server, found, auth);
    expect(await callMcpServerTool(t, toolNamed(found.tools, "add"), { a: 2, b: 5 })).toEqual({
      content: [{ type: "text", text: "7" }],
      structured_content: { sum: 7 },
      is_error: false,
    });
    expect(await callMcpServerTool(t, toolNamed(found.tools, "fail"), { reason: "no" })).toEqual({
      content: [{ type: "text", text: "failed: no" }],
      is_error: true,
    });
    expect(server.requests.map((r) => [r.method, r.rpc, r.status])).toEqual([
      ["POST", ["tools/call"], 200],
      ["POST", ["tools/call"], 200],
    ]);
    expect(server.requests[0]?.headers).toMatchObject({
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "tools/call",
      "mcp-name": "add",
      authorization: "Bearer handler-token",
    });
    expect(server.calls.map((c) => c.name)).toEqual(["add", "fail"]);
  });

  it("calls a 2025-era server with initialize and notifications/initialized first, and opens no GET stream", async () => {
    const server = createStreamableMcpServer({ jsonResponse: true });
    interceptOutbound({ [server.host]: server.fetch });
    const found = await discoverMcpServer(target(server));
    expect(found.protocol_version).toBe("2025-11-25");
    server.requests.length = 0;
    expect(await callMcpServerTool(discovered(server, found), toolNamed(found.tools, "echo"), { text: "hi" })).toEqual({
      content: [{ type: "text", text: "hi" }],
      is_error: false,
    });
    expect(server.requests.map((r) => [r.method, r.rpc])).toEqual([
      ["POST", ["initialize"]],
      ["POST", ["notifications/initialized"]],
      ["POST", ["tools/call"]],
    ]);
    expect(server.requests[2]?.headers["mcp-protocol-version"]).toBe("2025-11-25");
  });

  it("makes the handshake after all when a server stored as stateless now refuses the revision, running the tool once", async () => {
    const modern = createHandlerMcpServer({ host: "mcp.downgraded.test" });
    interceptOutbound({ [modern.host]: modern.fetch });
    const found = await discoverMcpServer(target(modern));
    expect(found.protocol_version).toBe("2026-07-28");
    // The same URL now answers with a 2025-era server.
    const legacy = createStreamableMcpServer({ host: "mcp.downgraded.test" });
    interceptOutbound({ [legacy.host]: legacy.fetch });
    expect(await callMcpServerTool(discovered(legacy, found), toolNamed(found.tools, "echo"), { text: "x" })).toEqual({
      content: [{ type: "text", text: "x" }],
      is_error: false,
    });
    expect(legacy.requests.map((r) => [r.rpc, r.status])).toEqual([
      [["tools/call"], 400],
      [["initialize"], 200],
      [["notifications/initialized"], 202],
      [["tools/call"], 200],
    ]);
    expect(legacy.calls).toHaveLength(1);
  });

  it("sends a stateful server's Mcp-Session-Id back on every request after initialize", async () => {
    const calls: FakeToolCall[] = [];
    const server = new McpServer({ name: "fake-stateful", version: "1.0.0" });
    registerFakeTools(server, calls, { latencyMs: 0 });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => "session-4711",
      enableJsonResponse: true,
    });
    await server.connect(transport);
    const seen: (string | null)[] = [];
    interceptOutbound({
      "mcp.stateful.test": async (request) => {
        seen.push(request.headers.get("mcp-session-id"));
        return transport.handleRequest(request);
      },
    });
    const tool: McpToolRecord = { name: "echo", description: "", input_schema: { type: "object" } };
    const result = await callMcpServerTool(target({ url: "https://mcp.stateful.test/mcp" }), tool, { text: "kept" });
    expect(result).toEqual({ content: [{ type: "text", text: "kept" }], is_error: false });
    expect(seen).toEqual([null, "session-4711", "session-4711"]);
    expect(calls).toEqual([{ name: "echo", arguments: { text: "kept" } }]);
  });

  it("uses the handshake for a connection that was never discovered", async () => {
    const server = createHandlerMcpServer();
    interceptOutbound({ [server.host]: server.fetch });
    const tool: McpToolRecord = { name: "echo", description: "", input_schema: { type: "object" } };
    expect((await callMcpServerTool(target(server), tool, { text: "plain" })).content).toEqual([
      { type: "text", text: "plain" },
    ]);
    expect(server.requests.map((r) => r.rpc)).toEqual([["initialize"], ["notifications/initialized"], ["tools/call"]]);
  });
});
