import { createServer } from "node:http";
import { McpServer, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import * as z from "zod";

// A real MCP server for the browser tests, built with the official SDK and served over Streamable HTTP on a
// loopback port — the "MCP server you run locally" of the gateway journey. Node's `http` in front of the SDK's
// web-standard transport (stateless: a fresh server per request, as test/fakes/mcp-servers.ts does in workerd).

/**
 * Starts the server at `http://127.0.0.1:<port>/mcp` with two tools, `echo` (text) and `add` (structured
 * content), optionally behind a bearer token (401 + `WWW-Authenticate`, RFC 6750 §3, for any other value).
 * Records every request's `Authorization` header and every tool call, so a scenario can check what reached it.
 *
 * @param {{ port?: number; bearerToken?: string }} [options]
 */
export async function startLocalMcpServer({ port = 0, bearerToken } = {}) {
  /** @type {Array<{ method: string; authorization: string | undefined; status: number }>} */
  const requests = [];
  /** @type {Array<{ name: string; arguments: Record<string, unknown> }>} */
  const calls = [];

  const server = createServer(async (incoming, outgoing) => {
    const entry = { method: incoming.method ?? "", authorization: incoming.headers.authorization, status: 0 };
    requests.push(entry);
    try {
      const response = await answer(incoming);
      entry.status = response.status;
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      entry.status = 500;
      outgoing.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });

  async function answer(incoming) {
    const chunks = [];
    for await (const chunk of incoming) chunks.push(chunk);
    if (new URL(incoming.url ?? "/", "http://127.0.0.1").pathname !== "/mcp")
      return new Response("Not Found", { status: 404 });
    if (bearerToken !== undefined && incoming.headers.authorization !== `Bearer ${bearerToken}`) {
      return Response.json(
        { jsonrpc: "2.0", error: { code: -32001, message: "Unauthorized" }, id: null },
        { status: 401, headers: { "www-authenticate": 'Bearer error="invalid_token"' } },
      );
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers))
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    const bodyless = incoming.method === "GET" || incoming.method === "HEAD";
    const request = new Request(`http://127.0.0.1${incoming.url}`, {
      method: incoming.method,
      headers,
      body: bodyless ? undefined : Buffer.concat(chunks),
    });
    const mcp = new McpServer({ name: "e2e-local-mcp", version: "1.0.0" });
    mcp.registerTool(
      "echo",
      { description: "Echo the text back", inputSchema: z.object({ text: z.string().min(1) }) },
      async ({ text }) => {
        calls.push({ name: "echo", arguments: { text } });
        return { content: [{ type: "text", text }] };
      },
    );
    mcp.registerTool(
      "add",
      {
        title: "Add numbers",
        description: "Add two numbers",
        inputSchema: z.object({ a: z.number(), b: z.number() }),
        outputSchema: z.object({ sum: z.number() }),
        annotations: { readOnlyHint: true },
      },
      async ({ a, b }) => {
        calls.push({ name: "add", arguments: { a, b } });
        return { content: [{ type: "text", text: String(a + b) }], structuredContent: { sum: a + b } };
      },
    );
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    await mcp.connect(transport);
    return transport.handleRequest(request);
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/mcp`,
    requests,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
