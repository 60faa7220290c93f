// A small local MCP server, built with the official SDK, for trying MCP connections on `npm run dev`:
// `node scripts/local-mcp-server.mjs` (PORT, default 8789; MCP_TOKEN, when set, required as a bearer token).
// Streamable HTTP at /mcp (stateless), the legacy HTTP+SSE transport at /sse + /messages. Tools: echo, add
// (structured content), image, fail (isError), slow (waits `ms`).
import { createServer } from "node:http";
import { McpServer, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import { z } from "zod";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

function tools(server) {
  server.registerTool(
    "echo",
    { description: "Echo the text back", inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => ({
      content: [{ type: "text", text }],
    }),
  );
  server.registerTool(
    "add",
    {
      description: "Add two numbers",
      inputSchema: z.object({ a: z.number(), b: z.number() }),
      outputSchema: z.object({ sum: z.number() }),
    },
    async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }], structuredContent: { sum: a + b } }),
  );
  server.registerTool("image", { description: "A tiny image" }, async () => ({
    content: [{ type: "image", data: PNG, mimeType: "image/png" }],
  }));
  server.registerTool("fail", { description: "Reports a tool error" }, async () => ({
    content: [{ type: "text", text: "failed on purpose" }],
    isError: true,
  }));
  server.registerTool(
    "slow",
    { description: "Answers after ms milliseconds", inputSchema: z.object({ ms: z.number().int().min(0) }) },
    async ({ ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { content: [{ type: "text", text: `slept ${ms}` }] };
    },
  );
}

/** The legacy HTTP+SSE transport (MCP 2024-11-05) on node:http. */
class SseTransport {
  constructor(response) {
    this.sessionId = crypto.randomUUID();
    this.response = response;
  }
  async start() {
    this.response.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    this.response.write(`event: endpoint\ndata: /messages?sessionId=${this.sessionId}\n\n`);
  }
  async send(message) {
    this.response.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }
  async close() {
    this.response.end();
    this.onclose?.();
  }
}

export async function startLocalMcpServer({ port = 8789, token = undefined } = {}) {
  const sessions = new Map();
  const server = createServer(async (incoming, outgoing) => {
    const url = new URL(incoming.url, "http://localhost");
    if (token && incoming.headers.authorization !== `Bearer ${token}`) {
      outgoing.writeHead(401, {
        "www-authenticate": 'Bearer error="invalid_token"',
        "content-type": "application/json",
      });
      outgoing.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32001, message: "Unauthorized" }, id: null }));
      return;
    }
    const chunks = [];
    for await (const chunk of incoming) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    if (url.pathname === "/sse" && incoming.method === "GET") {
      const transport = new SseTransport(outgoing);
      const mcp = new McpServer({ name: "local-mcp-sse", version: "1.0.0" });
      tools(mcp);
      sessions.set(transport.sessionId, transport);
      incoming.on("close", () => sessions.delete(transport.sessionId));
      await mcp.connect(transport);
      return;
    }
    if (url.pathname === "/messages" && incoming.method === "POST") {
      const transport = sessions.get(url.searchParams.get("sessionId"));
      if (!transport) return void outgoing.writeHead(404).end("Unknown session");
      transport.onmessage?.(JSON.parse(body.toString("utf8")));
      return void outgoing.writeHead(202).end("Accepted");
    }
    if (url.pathname !== "/mcp") return void outgoing.writeHead(url.pathname === "/sse" ? 405 : 404).end();
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers))
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    const request = new Request(url, {
      method: incoming.method,
      headers,
      body: ["GET", "HEAD"].includes(incoming.method) ? undefined : body,
    });
    const mcp = new McpServer({ name: "local-mcp", version: "1.0.0" });
    tools(mcp);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await mcp.connect(transport);
    const response = await transport.handleRequest(request);
    outgoing.writeHead(response.status, Object.fromEntries(response.headers));
    outgoing.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 8789);
  const { url } = await startLocalMcpServer({ port, token: process.env.MCP_TOKEN || undefined });
  console.log(
    `local MCP server: ${url}/mcp (Streamable HTTP), ${url}/sse (legacy SSE)${process.env.MCP_TOKEN ? ", bearer token required" : ""}`,
  );
}
