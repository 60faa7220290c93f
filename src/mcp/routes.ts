import { createMcpHandler } from "agents/mcp/server";
import { type Context, Hono } from "hono";
import { recordAudit } from "../audit/record";
import { MCP_PATH } from "../oauth-server/metadata";
import { type AccessPrincipal, authenticateBearer, insufficientScopeResponse } from "../oauth-server/resource-auth";
import { hasScopes, type Scope } from "../oauth-server/scopes";
import type { AppEnv } from "../platform/context";
import { type ExtraTool, type ExtraToolsProvider, GATEWAY_TOOL_NAME, NO_EXTRA_TOOLS } from "./gateway-seam";
import { scopesRequiredBy, TOOL_SCOPES } from "./tool-scopes";
import { buildMcpServer, type ToolCallRecord } from "./tools";
import type { WorkflowToolsPort } from "./workflow-tools-port";

/**
 * `/mcp`: the remote MCP server (Streamable HTTP, stateless; SPEC §8), `createMcpHandler` from
 * `agents/mcp/server` with an SDK v2 `McpServer` built per request. In front of it, in this order:
 * browser `Origin` validation (DNS rebinding; MCP transport security), bearer authentication
 * (resource-auth.ts), and per-tool scopes (403 step-up). The client's token is never passed to any
 * upstream: tools act as the user through our own stores and the edge's own credentials.
 */
export interface McpRoutesOptions {
  /** The workflows the tools act on, for one request. */
  workflows: (c: Context<AppEnv>) => WorkflowToolsPort;
  extraTools?: ExtraToolsProvider;
}

/** What a request hands to the per-request server factory, through `authInfo.extra`. */
export interface RequestToolContext {
  principal: AccessPrincipal;
  workflows: WorkflowToolsPort;
  extraTools: readonly ExtraTool[];
  onToolCall: (record: ToolCallRecord) => void;
}

const ALLOWED_HEADERS =
  "authorization, content-type, accept, mcp-protocol-version, mcp-method, mcp-name, last-event-id";

function corsHeaders(origin: string): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "POST, GET, OPTIONS",
    "access-control-allow-headers": ALLOWED_HEADERS,
    "access-control-expose-headers": "www-authenticate, mcp-protocol-version",
    "access-control-max-age": "600",
    vary: "origin",
  };
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  const copy = new Response(response.body, response);
  for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
  return copy;
}

/**
 * The MCP handler, one per isolate: the factory builds a fresh McpServer for each request from the
 * {@link RequestToolContext} the caller passes as `authInfo.extra.tools` (never from request headers).
 * Exported for the benchmark's peer, which serves the same server behind workers-oauth-provider.
 */
export function createToolServerHandler() {
  const handler = createMcpHandler(
    (ctx) => {
      const tools = ctx.authInfo?.extra?.tools as RequestToolContext | undefined;
      if (!tools) throw new Error("unauthenticated MCP request reached the server factory");
      return buildMcpServer({
        principal: tools.principal,
        workflows: tools.workflows,
        extraTools: tools.extraTools,
        onToolCall: tools.onToolCall,
      });
    },
    { route: MCP_PATH, corsOptions: false, allowedOriginHostnames: "*" },
  );
  return (request: Request, tools: RequestToolContext, parsedBody?: unknown) =>
    handler.fetch(request, {
      ...(parsedBody === undefined ? {} : { parsedBody }),
      authInfo: {
        token: tools.principal.token,
        clientId: tools.principal.clientId,
        scopes: [...tools.principal.scopes],
        expiresAt: tools.principal.expiresAt,
        extra: { tools },
      },
    });
}

export function createMcpRoutes(options: McpRoutesOptions) {
  const extraToolsFor = options.extraTools ?? NO_EXTRA_TOOLS;
  const serveTools = createToolServerHandler();

  async function serve(c: Context<AppEnv>) {
    const origin = c.req.header("origin");
    // A browser Origin must be ours or listed in CORS_ALLOWED_ORIGINS (DNS-rebinding protection).
    if (origin !== undefined && !c.var.config.corsAllowedOrigins.has(origin)) {
      return c.json({ jsonrpc: "2.0", id: null, error: { code: -32000, message: "Forbidden origin" } }, 403);
    }
    const cors = origin ? corsHeaders(origin) : {};
    if (c.req.method === "OPTIONS") return c.body(null, 204, cors);
    const auth = await authenticateBearer(c);
    if (!auth.ok) return withHeaders(auth.response, cors);
    const { principal } = auth;

    let parsedBody: unknown;
    let body: string | undefined;
    if (c.req.method === "POST") {
      body = await c.req.text();
      try {
        parsedBody = JSON.parse(body);
      } catch {
        parsedBody = undefined;
      }
    }
    // The handler validates Host (DNS rebinding); a request from a service binding or test may lack one.
    const headers = new Headers(c.req.raw.headers);
    if (!headers.has("host")) headers.set("host", new URL(c.req.url).host);
    const request = new Request(c.req.raw.url, { method: c.req.method, headers, body });
    const extraTools = principal.scopes.includes("connections:use")
      ? (await extraToolsFor(principal, c.env, (p) => c.executionCtx.waitUntil(p))).filter(
          (tool) => GATEWAY_TOOL_NAME.test(tool.name) && !Object.hasOwn(TOOL_SCOPES, tool.name),
        )
      : [];
    const required = scopesRequiredBy(parsedBody, new Map(extraTools.map((tool) => [tool.name, tool.requiredScopes])));
    if (!hasScopes(principal.scopes, required as Scope[])) {
      return withHeaders(insufficientScopeResponse(c, principal.scopes, required), cors);
    }
    const toolContext: RequestToolContext = {
      principal,
      workflows: options.workflows(c),
      extraTools,
      onToolCall: (record) =>
        recordAudit(c, {
          action: "mcp.tool_call",
          outcome: record.outcome,
          actorType: "user",
          actorId: principal.userId,
          targetType: "mcp_tool",
          targetId: record.tool,
          metadata: { client_id: principal.clientId, grant_id: principal.grantId, duration_ms: record.durationMs },
        }),
    };
    const response = await serveTools(request, toolContext, parsedBody);
    return origin ? withHeaders(response, cors) : response;
  }

  return new Hono<AppEnv>().on(["GET", "POST", "DELETE", "OPTIONS"], MCP_PATH, serve);
}
