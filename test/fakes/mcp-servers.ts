/**
 * Real MCP servers, built with the official SDK (`@modelcontextprotocol/server` McpServer), standing in for the
 * external MCP servers users connect to. Tests route the Worker's outbound `fetch` for `fake.host` to
 * `fake.fetch` (`interceptOutbound({ [fake.host]: fake.fetch })`, test/helpers/outbound.ts).
 *
 * - {@link createStreamableMcpServer}: the Streamable HTTP transport (MCP 2025-11-25 "Transports"), stateless,
 *   one SDK server per request, at `https://<host>/mcp`; optionally behind bearer / API-key / basic auth
 *   (401 + `WWW-Authenticate`, RFC 6750 §3).
 * - {@link createSseOnlyMcpServer}: the legacy HTTP+SSE transport (MCP 2024-11-05): `GET /sse` opens the stream
 *   and announces `event: endpoint`, `POST /messages?sessionId=…` carries client messages (202), responses come
 *   on the stream; `POST /sse` answers 405, the signal that makes a 2025 client fall back.
 * - The OAuth-protected server with its own authorization server is in ./mcp-oauth-server.ts.
 *
 * Every server offers the same tools ({@link registerFakeTools}) and records what it received.
 */
import {
  type JSONRPCMessage,
  McpServer,
  type Transport,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import { createMcpHandler } from "agents/mcp/server";
import { z } from "zod";

export { createOAuthMcpServer, type FakeOAuthMcpServer } from "./mcp-oauth-server";

/** A 1×1 transparent PNG, for the image tool. */
export const FAKE_PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

export interface FakeToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface FakeMcpRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** JSON-RPC method(s) of a POST body, when it had any. */
  rpc: string[];
  status: number;
}

export interface FakeServerSettings {
  /** Extra delay before the `slow` tool answers, on top of its `ms` argument. */
  latencyMs: number;
}

/**
 * The fake tool set: `echo` (text), `add` (structured content + output schema), `image` (an image block),
 * `fail` (an `isError` result), `slow` (waits `ms` milliseconds), `boom` (throws: the SDK answers `isError`).
 */
export function registerFakeTools(server: McpServer, calls: FakeToolCall[], settings: FakeServerSettings): void {
  const record = (name: string, args: Record<string, unknown>) => calls.push({ name, arguments: args });
  server.registerTool(
    "echo",
    { description: "Echo the text back", inputSchema: z.object({ text: z.string().min(1) }) },
    async ({ text }) => {
      record("echo", { text });
      return { content: [{ type: "text", text }] };
    },
  );
  server.registerTool(
    "add",
    {
      title: "Add numbers",
      description: "Add two numbers",
      inputSchema: z.object({ a: z.number(), b: z.number() }),
      outputSchema: z.object({ sum: z.number() }),
      annotations: { readOnlyHint: true, idempotentHint: true },
    },
    async ({ a, b }) => {
      record("add", { a, b });
      return { content: [{ type: "text", text: String(a + b) }], structuredContent: { sum: a + b } };
    },
  );
  server.registerTool("image", { description: "A tiny image" }, async () => {
    record("image", {});
    return { content: [{ type: "image", data: FAKE_PNG_BASE64, mimeType: "image/png" }] };
  });
  server.registerTool(
    "fail",
    { description: "Always reports a tool error", inputSchema: z.object({ reason: z.string().optional() }) },
    async ({ reason }) => {
      record("fail", { reason });
      return { content: [{ type: "text", text: `failed: ${reason ?? "no reason"}` }], isError: true };
    },
  );
  server.registerTool(
    "slow",
    { description: "Answers after ms milliseconds", inputSchema: z.object({ ms: z.number().int().min(0) }) },
    async ({ ms }) => {
      record("slow", { ms });
      await new Promise((resolve) => setTimeout(resolve, ms + settings.latencyMs));
      return { content: [{ type: "text", text: `slept ${ms}` }] };
    },
  );
}

export type FakeServerAuth =
  | { type: "none" }
  | { type: "bearer"; token: string }
  | { type: "api_key"; header: string; value: string }
  | { type: "basic"; username: string; password: string };

function authorized(auth: FakeServerAuth, headers: Headers): boolean {
  switch (auth.type) {
    case "none":
      return true;
    case "bearer":
      return headers.get("authorization") === `Bearer ${auth.token}`;
    case "api_key":
      return headers.get(auth.header) === auth.value;
    case "basic":
      return headers.get("authorization") === `Basic ${btoa(`${auth.username}:${auth.password}`)}`;
  }
}

function unauthorized(auth: FakeServerAuth): Response {
  const challenge = auth.type === "basic" ? 'Basic realm="mcp"' : 'Bearer error="invalid_token"';
  return Response.json(
    { jsonrpc: "2.0", error: { code: -32001, message: "Unauthorized" }, id: null },
    { status: 401, headers: { "www-authenticate": challenge } },
  );
}

async function rpcMethods(request: Request): Promise<string[]> {
  if (request.method !== "POST") return [];
  try {
    const body = (await request.clone().json()) as { method?: string } | { method?: string }[];
    return (Array.isArray(body) ? body : [body]).flatMap((m) => (m.method ? [m.method] : []));
  } catch {
    return [];
  }
}

function headerRecord(headers: Headers): Record<string, string> {
  return Object.fromEntries([...headers].map(([k, v]) => [k.toLowerCase(), v]));
}

export interface FakeMcpServer {
  host: string;
  url: string;
  fetch: (request: Request) => Promise<Response>;
  requests: FakeMcpRequest[];
  calls: FakeToolCall[];
  settings: FakeServerSettings;
}

export interface StreamableOptions {
  host?: string;
  auth?: FakeServerAuth;
  name?: string;
  version?: string;
  /** Answer with `application/json` instead of an SSE stream (both are valid Streamable HTTP). */
  jsonResponse?: boolean;
}

/** A Streamable HTTP MCP server at `https://<host>/mcp` (stateless: a fresh SDK server per request). */
export function createStreamableMcpServer(options: StreamableOptions = {}): FakeMcpServer {
  const host = options.host ?? "mcp.streamable.test";
  const auth = options.auth ?? { type: "none" };
  const requests: FakeMcpRequest[] = [];
  const calls: FakeToolCall[] = [];
  const settings: FakeServerSettings = { latencyMs: 0 };
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const entry: FakeMcpRequest = {
      method: request.method,
      path: url.pathname,
      headers: headerRecord(request.headers),
      rpc: await rpcMethods(request),
      status: 0,
    };
    requests.push(entry);
    let response: Response;
    if (url.pathname !== "/mcp") response = new Response("Not Found", { status: 404 });
    else if (!authorized(auth, request.headers)) response = unauthorized(auth);
    else {
      const server = new McpServer({ name: options.name ?? "fake-streamable", version: options.version ?? "1.4.2" });
      registerFakeTools(server, calls, settings);
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: options.jsonResponse ?? false,
      });
      await server.connect(transport);
      response = await transport.handleRequest(request);
    }
    entry.status = response.status;
    return response;
  };
  return { host, url: `https://${host}/mcp`, fetch, requests, calls, settings };
}

/**
 * The server side of the legacy HTTP+SSE transport (MCP 2024-11-05 "HTTP with SSE"), written against web streams
 * because the SDK's own `SSEServerTransport` needs Node's `http` objects.
 */
class WebSseServerTransport implements Transport {
  readonly sessionId = crypto.randomUUID();
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  #stream?: ReadableStreamDefaultController<Uint8Array>;
  readonly #encoder = new TextEncoder();

  constructor(readonly endpoint: string) {}

  /** The response to the `GET` that opens the stream; its first event names the POST endpoint. */
  open(): Response {
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#stream = controller;
        controller.enqueue(
          this.#encoder.encode(`event: endpoint\ndata: ${this.endpoint}?sessionId=${this.sessionId}\n\n`),
        );
      },
      cancel: () => {
        this.#stream = undefined;
        this.onclose?.();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
  }

  get connected(): boolean {
    return this.#stream !== undefined;
  }

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    this.#stream?.enqueue(this.#encoder.encode(`event: message\ndata: ${JSON.stringify(message)}\n\n`));
  }

  async close(): Promise<void> {
    try {
      this.#stream?.close();
    } catch {
      // already closed by the client
    }
    this.#stream = undefined;
    this.onclose?.();
  }
}

export interface FakeSseMcpServer extends FakeMcpServer {
  /** Sessions whose stream is still open (a client that closed its transport has none). */
  openSessions(): number;
}

/** An MCP server that only speaks the legacy HTTP+SSE transport, at `https://<host>/sse`. */
export function createSseOnlyMcpServer(options: { host?: string; auth?: FakeServerAuth } = {}): FakeSseMcpServer {
  const host = options.host ?? "mcp.sse.test";
  const auth = options.auth ?? { type: "none" };
  const requests: FakeMcpRequest[] = [];
  const calls: FakeToolCall[] = [];
  const settings: FakeServerSettings = { latencyMs: 0 };
  const sessions = new Map<string, WebSseServerTransport>();
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const entry: FakeMcpRequest = {
      method: request.method,
      path: url.pathname,
      headers: headerRecord(request.headers),
      rpc: await rpcMethods(request),
      status: 0,
    };
    requests.push(entry);
    const respond = (response: Response) => {
      entry.status = response.status;
      return response;
    };
    if (!authorized(auth, request.headers)) return respond(unauthorized(auth));
    if (url.pathname === "/sse" && request.method === "GET") {
      const transport = new WebSseServerTransport("/messages");
      const server = new McpServer({ name: "fake-sse", version: "0.9.0" });
      registerFakeTools(server, calls, settings);
      await server.connect(transport);
      sessions.set(transport.sessionId, transport);
      transport.onclose = () => sessions.delete(transport.sessionId);
      // A real server sees the connection drop when the client aborts; the in-isolate fake sees the signal.
      request.signal?.addEventListener("abort", () => void transport.close());
      return respond(transport.open());
    }
    if (url.pathname === "/sse")
      return respond(new Response("Method Not Allowed", { status: 405, headers: { allow: "GET" } }));
    if (url.pathname === "/messages" && request.method === "POST") {
      const transport = sessions.get(url.searchParams.get("sessionId") ?? "");
      if (!transport?.connected) return respond(new Response("Unknown session", { status: 404 }));
      let message: JSONRPCMessage;
      try {
        message = (await request.json()) as JSONRPCMessage;
      } catch {
        return respond(new Response("Invalid JSON", { status: 400 }));
      }
      transport.onmessage?.(message);
      return respond(new Response("Accepted", { status: 202 }));
    }
    return respond(new Response("Not Found", { status: 404 }));
  };
  return {
    host,
    url: `https://${host}/sse`,
    fetch,
    requests,
    calls,
    settings,
    openSessions: () => [...sessions.values()].filter((s) => s.connected).length,
  };
}

/**
 * An MCP server behind the SDK's `createMcpHandler` (stateless; serves 2025-era clients and the 2026-07-28 draft
 * from one endpoint) — the stack our own `/mcp` is built on — at `https://<host>/mcp`, with a bearer check in
 * front as our `/mcp` does. Interop of our client with the product's own server stack.
 */
export function createHandlerMcpServer(options: { host?: string; token?: string } = {}): FakeMcpServer {
  const host = options.host ?? "mcp.handler.test";
  const requests: FakeMcpRequest[] = [];
  const calls: FakeToolCall[] = [];
  const settings: FakeServerSettings = { latencyMs: 0 };
  const handler = createMcpHandler(
    () => {
      const server = new McpServer({ name: "fake-handler", version: "3.0.0" });
      registerFakeTools(server, calls, settings);
      return server;
    },
    { route: "/mcp", corsOptions: false, allowedOriginHostnames: "*" },
  );
  const fetch = async (request: Request): Promise<Response> => {
    const entry: FakeMcpRequest = {
      method: request.method,
      path: new URL(request.url).pathname,
      headers: headerRecord(request.headers),
      rpc: await rpcMethods(request),
      status: 0,
    };
    requests.push(entry);
    const response =
      options.token && request.headers.get("authorization") !== `Bearer ${options.token}`
        ? unauthorized({ type: "bearer", token: options.token })
        : await handler.fetch(request);
    entry.status = response.status;
    return response;
  };
  return { host, url: `https://${host}/mcp`, fetch, requests, calls, settings };
}
